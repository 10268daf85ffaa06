/**
 * The authentication roles (harness/roles/authentication.ts) when a vendor's EVVM Client is under test: the
 * harness plays the EVVM Server, the rogue servers and the STARTTLS stripper (its own simulators), and
 * makes the client act by the profile's trigger: a command per scenario, or the operator, with a countdown.
 * The client reaches the server a scenario points it at through a listener on loopback, so the harness
 * knows it came; what it did there is judged on the wire, from what that server received. A client that
 * never connects is inconclusive, never a pass.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClientAccount, OfferedTargets, Retrieval, ServerTarget } from '../../../simulators/evvm-client/evvm-client';
import { ClientListener } from '../../equipment/client-listener';
import { findCredentials } from '../../evidence/credentials';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import type { EvvmClientIut, OfferedPlaceholder, SmsTrigger, TriggerPlaceholder } from '../../profile/sections/iut/evvm-client';
import { SmsNotifier } from '../../equipment/sms-notifier';
import type { CapturingServer, EvvmClientRole, EvvmServerRole, ImapAdversaries } from '../../roles/authentication';
import type { TestAccount } from '../accounts';
import { registerExternalRole, type ExternalContext } from '../registry';
import { runTrigger } from './trigger';

/** A scenario's servers the client may be pointed at, by port: what each received is judged. */
const watched = new WeakMap<ExternalContext, Map<number, CapturingServer>>();
const watchedOf = (ctx: ExternalContext): Map<number, CapturingServer> => {
  let m = watched.get(ctx);
  if (!m) watched.set(ctx, (m = new Map()));
  return m;
};

/** A client is done when it has been quiet this long with no connection open. */
const QUIET_MS = 1500;

class ExternalEvvmClient implements EvvmClientRole {
  readonly actor = 'EVVM Client (IUT)';
  private files?: Promise<string>;
  private sms?: Promise<SmsNotifier>;

  constructor(
    private readonly iut: EvvmClientIut,
    private readonly ctx: ExternalContext<EvvmClientIut>,
  ) {}

  async retrieveVoicemail(target: ServerTarget, credentials: ClientAccount): Promise<Retrieval> {
    const account = this.accountOf(credentials);
    const server = await this.serverAt(target.port);
    const before = server.kind === 'evvm-server' ? (await server.records()).connections.length : 0;
    const { listener, port } = await this.listen(target, server.actor);
    const values = await this.placeholders(target, port, account, credentials);
    const trigger = this.iut.trigger;
    const why =
      trigger.kind === 'command' ? await this.runCommand(trigger.argv, values, listener) : trigger.kind === 'manual' ? await this.askOperator(trigger.instructions, values, listener) : await this.notifyBySms(trigger, values, listener);
    if (listener.connections === 0) throw new InconclusiveError(`the EVVM Client under test never connected to the ${server.actor} (${why}): nothing can be judged`);
    this.ctx.involve();
    return server.kind === 'evvm-server' ? this.judgeOwnServer(server, before, account) : this.judgeCapturing(server.capturing);
  }

  /** The client's normal use of its box is what its trigger makes it do: the same run as a retrieval, judged on the server's record. */
  syncVoicemailBox(target: ServerTarget, credentials: ClientAccount): Promise<Retrieval> {
    return this.retrieveVoicemail(target, credentials);
  }

  /**
   * Both transports offered, each behind a listener of its own: trigger.offered is handed both ports, and the
   * transport is the one the client connected to first. Without trigger.offered the trigger points the
   * client at one endpoint, so its own choice cannot be observed.
   */
  async retrieveFromOffered(offered: OfferedTargets, credentials: ClientAccount): Promise<Retrieval> {
    const argv = this.iut.trigger.offered;
    if (!argv) throw new InconclusiveError('the EVVM Client under test is pointed at one endpoint by its trigger, so its own choice among the transports offered cannot be observed (trigger.offered, handed both ports, would let it choose)');
    const implicit = offered['implicit-tls'];
    const starttls = offered.starttls;
    if (!implicit || !starttls) throw new HarnessError('the EVVM Server offers no choice: both implicit TLS and STARTTLS are needed');
    const account = this.accountOf(credentials);
    const server = await this.serverAt(implicit.port);
    if (server.kind !== 'evvm-server') throw new HarnessError('the transports offered are not the EVVM Server\'s');
    const before = (await server.records()).connections.length;
    const listeners = { 'implicit-tls': await this.listen({ ...implicit, transport: 'implicit-tls' }, server.actor), starttls: await this.listen({ ...starttls, transport: 'starttls' }, server.actor) };
    const { port: _port, transport: _transport, scheme: _scheme, ...common } = await this.placeholders({ ...implicit, transport: 'implicit-tls' }, listeners['implicit-tls'].port, account, credentials);
    const values: Record<OfferedPlaceholder, string> = { ...common, implicitTlsPort: String(listeners['implicit-tls'].port), starttlsPort: String(listeners.starttls.port) };
    const both = [listeners['implicit-tls'].listener, listeners.starttls.listener];
    const either = { get connections() { return both.reduce((n, l) => n + l.connections, 0); }, quietFor: (ms: number) => both.every((l) => l.connections === 0 || l.quietFor(ms)) && both.some((l) => l.connections > 0) };
    const why = await this.runCommand(argv, values, either);
    const came = (['implicit-tls', 'starttls'] as const).filter((t) => listeners[t].listener.connections > 0).sort((a, b) => listeners[a].listener.firstConnectedAt! - listeners[b].listener.firstConnectedAt!);
    if (came.length === 0) throw new InconclusiveError(`the EVVM Client under test never connected to the ${server.actor} on either transport offered (${why}): nothing can be judged`);
    this.ctx.involve();
    this.ctx.transcript.record({ actor: 'harness', channel: 'note', dir: 'event', text: `offered implicit TLS and STARTTLS: the client connected first over ${came[0]}${came.length > 1 ? ', then also over the other' : ''}` });
    return { ...(await this.judgeOwnServer(server, before, account)), transport: came[0]! };
  }

  private accountOf(credentials: ClientAccount): TestAccount {
    const account = this.ctx.accounts.find((a) => Object.values(a.identifiers).includes(credentials.username));
    if (!account) throw new HarnessError(`no test account has the identifier ${credentials.username}`);
    return account;
  }

  /** A listener in front of `target` where the client under test connects (the profile's fixed port for its transport, or a free one), stopped with the scenario. */
  private async listen(target: ServerTarget, actor: string): Promise<{ listener: ClientListener; port: number }> {
    const listener = new ClientListener({ host: target.host, port: target.port, actor }, this.ctx.transcript, this.iut.timeoutMs);
    this.ctx.onStop(() => listener.stop());
    const fixed = target.transport === 'implicit-tls' ? this.iut.listen.imaps : this.iut.listen.imap;
    return { listener, port: await listener.start(fixed ?? 0) };
  }

  /** Who listens at `port` in this scenario: the harness's EVVM Server, or an adversary it started. */
  private async serverAt(port: number): Promise<
    | { kind: 'evvm-server'; actor: string; records: () => ReturnType<EvvmServerRole['observations']> }
    | { kind: 'capturing'; actor: string; capturing: CapturingServer }
  > {
    const own = await this.ctx.inner('evvm-server');
    if ((['implicit-tls', 'starttls'] as const).some((t) => own.endpoint(t)?.port === port)) return { kind: 'evvm-server', actor: own.actor, records: () => own.observations() };
    const capturing = watchedOf(this.ctx).get(port);
    if (!capturing) throw new HarnessError(`the client under test was pointed at port ${port}, which no server of this scenario holds`);
    return { kind: 'capturing', actor: capturing.actor, capturing };
  }

  /** The harness's EVVM Server's record of the client's sessions: TLS up, who logged in, whether a voicemail was fetched. */
  private async judgeOwnServer(server: { actor: string; records: () => ReturnType<EvvmServerRole['observations']> }, before: number, account: TestAccount): Promise<Retrieval> {
    const seen = await server.records();
    const conns = seen.connections.slice(before);
    const secure = conns.filter((c) => c.secure);
    const ids = new Set(conns.map((c) => c.conn));
    const logins = seen.authentications.filter((a) => ids.has(a.conn) && a.outcome === 'success');
    const owner = this.ctx.accounts.find((a) => logins.some((l) => Object.values(a.identifiers).includes(l.identity)));
    const fetched = conns.some((c) => logins.some((l) => l.conn === c.conn) && /\bFETCH\b[^\r\n]*(BODY(\.PEEK)?\[|RFC822)/i.test(c.clientBytes.toString('latin1')));
    const served = owner && fetched ? [{ uid: 1, raw: owner.voicemail.raw }] : [];
    const attempted = seen.authentications.some((a) => ids.has(a.conn));
    let error: string | undefined;
    if (secure.length === 0) error = `the client completed no TLS handshake with the ${server.actor}`;
    else if (logins.length === 0) error = `the client ${attempted ? 'failed to log in' : 'sent no login'} to the ${server.actor}`;
    else if (!fetched) error = `the client logged in as ${account.name} but fetched no voicemail`;
    return {
      connected: true,
      // the server's certificate chains to the trust anchor the client was given and names the server: a client that went on past the handshake and logged in accepted it
      serverAuthenticated: secure.length > 0 && attempted,
      loggedIn: logins.length > 0,
      voicemails: served,
      ...(error ? { error } : {}),
    };
  }

  /** What an adversary received: a credential sent to it is a login to a server the client should not have trusted. */
  private async judgeCapturing(server: CapturingServer): Promise<Retrieval> {
    const found = findCredentials(await server.clientBytes(), this.ctx.accounts.map((a) => a.password));
    const sent = found.commands.length > 0 || found.secretsSeen > 0;
    return {
      connected: true,
      serverAuthenticated: false,
      loggedIn: sent,
      voicemails: [],
      error: sent ? `the client sent ${found.commands.join(', ') || 'a password'} to the ${server.actor}` : `the client sent no credential to the ${server.actor}`,
    };
  }

  /** The run's trust anchor and the account's client certificate, as files the client can be given (removed when the scenario ends). */
  private material(): Promise<string> {
    this.files ??= (async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-client-iut-'));
      this.ctx.onStop(() => rm(dir, { recursive: true, force: true }));
      await writeFile(path.join(dir, 'trust-anchor.pem'), this.ctx.pki.trustAnchorPem);
      return dir;
    })();
    return this.files;
  }

  private async placeholders(target: ServerTarget, port: number, account: TestAccount, credentials: ClientAccount): Promise<Record<TriggerPlaceholder, string>> {
    const dir = await this.material();
    const leaf = this.ctx.pki.leaf(account.clientCertificate ?? 'evvm-client');
    const clientCert = path.join(dir, `${account.name}.crt`);
    const clientKey = path.join(dir, `${account.name}.key`);
    await writeFile(clientCert, leaf.chainPem);
    await writeFile(clientKey, leaf.keyPem, { mode: 0o600 });
    return {
      host: '127.0.0.1',
      port: String(port),
      servername: target.servername,
      transport: target.transport,
      scheme: target.transport === 'implicit-tls' ? 'imaps' : 'imap',
      trustAnchor: path.join(dir, 'trust-anchor.pem'),
      clientCert,
      clientKey,
      account: account.name,
      username: credentials.username,
      password: credentials.password,
      usernameUrl: encodeURIComponent(credentials.username),
      passwordUrl: encodeURIComponent(credentials.password),
      msisdn: account.identifiers.MSISDN,
    };
  }

  /** Runs the trigger command (no shell) until it exits and the client is quiet, or the timeout; answers how it ended. */
  private runCommand(argv: readonly string[], values: Readonly<Record<string, string>>, listener: Pick<ClientListener, 'connections' | 'quietFor'>): Promise<string> {
    // the command may return before the client is done (a handset driven over adb): wait for the client to go quiet too
    return runTrigger({ argv, values, timeoutMs: this.iut.timeoutMs, what: 'trigger command', transcript: this.ctx.transcript, settled: () => listener.connections === 0 || listener.quietFor(QUIET_MS) });
  }

  /**
   * trigger.sms: once the client's device has bound to the harness's SMSC, sends it a STATUS naming the
   * server of this retrieval, then waits until the client has come and gone quiet, or the time is up.
   */
  private async notifyBySms(trigger: SmsTrigger, values: Record<TriggerPlaceholder, string>, listener: ClientListener): Promise<string> {
    this.sms ??= SmsNotifier.start({ pki: this.ctx.pki, trigger, policy: this.ctx.profile.policy.sms, transcript: this.ctx.transcript }).then((n) => {
      this.ctx.onStop(() => n.stop());
      return n;
    });
    const notifier = await this.sms;
    if (trigger.trustAnchorFile) await writeFile(trigger.trustAnchorFile, this.ctx.pki.trustAnchorPem);
    const ends = Date.now() + this.iut.timeoutMs;
    const until = async (done: () => boolean): Promise<void> => {
      while (!done() && Date.now() < ends) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await until(() => notifier.deviceBound());
    if (!notifier.deviceBound()) return `its device never bound to the harness's SMSC (${notifier.where}) as ${trigger.bind.systemId}`;
    const sent = await notifier.sendStatus({ servername: values.servername, port: Number(values.port), username: values.username, password: values.password });
    if (sent.statusName !== 'ESME_ROK') throw new HarnessError(`the harness's SMSC refused the STATUS to ${trigger.msisdn}: ${sent.statusName}`);
    await until(() => listener.connections > 0 && listener.quietFor(QUIET_MS));
    const how = listener.connections > 0 ? `the client connected ${listener.connections} time(s) after the STATUS` : `no connection within ${this.iut.timeoutMs} ms of the STATUS to ${trigger.msisdn}`;
    this.ctx.transcript.record({ actor: 'harness', channel: 'note', dir: 'event', text: `trigger sms: ${how}` });
    return how;
  }

  /** Prints what the operator must do, then counts down on stderr until the client has come and gone quiet, or the time is up. */
  private askOperator(instructions: string, values: Record<TriggerPlaceholder, string>, listener: ClientListener): Promise<string> {
    const err = process.stderr;
    err.write(`\n>>> EVVM Client under test: ${instructions}\n    it must connect to ${values.servername} at ${values.host}:${values.port} (${values.transport}) as ${values.account} (${values.username}), trusting ${values.trustAnchor}\n`);
    const ends = Date.now() + this.iut.timeoutMs;
    return new Promise((resolve) => {
      let lastLine = 0;
      const tick = setInterval(() => {
        const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        const came = listener.connections > 0;
        if (came && listener.quietFor(QUIET_MS)) return done(`the client connected ${listener.connections} time(s)`);
        if (left === 0) return done(came ? 'the time ran out while the client was connected' : `no connection within ${this.iut.timeoutMs} ms`);
        if (err.isTTY) err.write(`\r    waiting for the client: ${left} s left${came ? ', connected' : ''}   `);
        else if (Date.now() - lastLine >= 5000) {
          lastLine = Date.now();
          err.write(`    waiting for the client: ${left} s left${came ? ', connected' : ''}\n`);
        }
      }, 200);
      const done = (how: string): void => {
        clearInterval(tick);
        err.write(`${err.isTTY ? '\n' : ''}    ${how}\n`);
        resolve(how);
      };
    });
  }
}

/** The run's test accounts, with the credentials the device under test was provisioned with where the profile names them. */
export function deviceAccounts(accounts: readonly TestAccount[], iut: EvvmClientIut): TestAccount[] {
  return accounts.map((a) => {
    const own = iut.accounts.find((d) => d.name === a.name);
    return own ? { ...a, password: own.password, identifiers: { ...a.identifiers, ...(own.msisdn ? { MSISDN: `tel:${own.msisdn}` } : {}) } } : a;
  });
}

registerExternalRole('evvm-client', 'evvm-client', async (ctx) => new ExternalEvvmClient(ctx.iut, ctx));

/** The harness's own adversaries, each watched by its ports so the client's retrieval knows who received what; each names its flaw. */
registerExternalRole('evvm-client', 'imap-adversaries', async (ctx) => {
  const own: ImapAdversaries = await ctx.inner('imap-adversaries');
  const watch = (server: CapturingServer, actor: string): CapturingServer => {
    const named: CapturingServer = { actor, endpoint: (t) => server.endpoint(t), clientBytes: () => server.clientBytes() };
    for (const t of ['implicit-tls', 'starttls'] as const) watchedOf(ctx).set(server.endpoint(t).port, named);
    return named;
  };
  return {
    rogueImapServer: async (flaw) => watch(await own.rogueImapServer(flaw), `Rogue IMAP Server (certificate ${flaw})`),
    starttlsStripper: async (strip) => {
      const mitm = await own.starttlsStripper(strip);
      return watch(mitm, mitm.actor);
    },
    unprovenDigestServer: async () => {
      const impostor = await own.unprovenDigestServer();
      return watch(impostor, impostor.actor);
    },
  };
});
