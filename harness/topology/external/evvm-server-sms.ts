/**
 * The SMS roles (harness/roles/sms.ts) when a vendor's EVVM Server SMS interface (its ESME) is under test:
 * the harness plays the SMSC (accepting the vendor's own account on the short code), the subscribers'
 * devices and the spoofer, and makes the ESME act by the profile's trigger: bind at the scenario's start,
 * a voicemail left for a subscriber. What it did is judged on the wire: how it bound, what it submitted,
 * what the handsets received. What only its own records hold (which MO text it took for a command, its
 * subscribers' states) is inconclusive, with the reason. An ESME that never binds is inconclusive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EvvmServerSmsIut } from '../../profile/sections/iut';
import type { SmsTriggerPlaceholder } from '../../profile/sections/iut/evvm-server-sms';
import type { EvvmServerSmsObservations } from '../../../simulators/evvm-server/notifications/sms-interface';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { Smsc, type SubmissionObservation } from '../../../simulators/smsc';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import * as contract from '../../roles/sms';
import type { TestAccount } from '../accounts';
import { registerExternalRole, type ExternalContext } from '../registry';
import { settleThenWait, smsDevices, smsSpoofer } from './sms-network';

type Ctx = ExternalContext<EvvmServerSmsIut>;

const ACTOR = 'EVVM Server (IUT)';
const HOST = '127.0.0.1';
/** Output a trigger command may leave for evidence of why it did not act (its first line). */
const MAX_OUTPUT = 4096;
const SERVER_STATE = "needs the EVVM Server's own records, which its SMS interface under test does not show the harness";

interface Network {
  activity: Activity;
  smsc: Smsc;
  ports: contract.SmscPorts;
  credentials: contract.SmsCredentials;
}
const networks = new WeakMap<ExternalContext, Network>();

async function networkOf(ctx: Ctx): Promise<Network> {
  await ctx.topology.role('smsc');
  return networks.get(ctx)!;
}

/** The SMSC's plain SMPP port, where the handsets and the spoofer bind. */
function smppEndpoint(net: Network): { host: string; port: number } {
  if (net.ports.smpp === undefined) throw new HarnessError('the SMSC offers no plain SMPP port for handsets and the spoofer');
  return { host: HOST, port: net.ports.smpp };
}

// The harness's SMSC, which gives the vendor's ESME its own account on the short code, on the ports it was told.
registerExternalRole('evvm-server-sms', 'smsc', async (ctx) => {
  const { iut } = ctx;
  const activity = new Activity();
  const credentials = { ...contract.smsCredentials(ctx.accounts, ctx.transcript), evvmServer: iut.bind };
  const options = contract.smscOptions({ pki: ctx.pki, accounts: contract.smscAccounts(credentials, ctx.profile.policy.sms), faults: ctx.faults, transcript: ctx.transcript, activity });
  const smsc = new Smsc({ ...options, ports: iut.listen });
  const ports = await smsc.start();
  ctx.onStop(() => smsc.stop());
  networks.set(ctx, { activity, smsc, ports, credentials });
  return contract.smscRole({
    actor: smsc.actor,
    ports,
    at: (port) => ({ host: HOST, port }),
    credentials,
    ctx,
    observations: async () => smsc.observations(),
    // the ESME under test answers MO commands in its own time: the profile's replyMs
    settled: () => settleThenWait(activity, iut.replyMs),
  });
});

/** Runs the trigger (or asks the operator) until `done` holds or the time is up; answers how it ended. A command still running then is stopped with the scenario (an ESME it started), or by whoever passed `onStop` (the declaration check). */
export async function trigger(ctx: Pick<Ctx, 'iut' | 'transcript' | 'onStop'>, values: Record<SmsTriggerPlaceholder, string>, done: () => boolean, doing: string): Promise<{ done: boolean; how: string }> {
  const { iut } = ctx;
  const ends = Date.now() + iut.timeoutMs;
  let child: ChildProcess | undefined;
  let output = '';
  let ended: string | undefined;
  if (iut.trigger.kind === 'command') {
    const args = iut.trigger.argv.map((a) => a.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (name in values ? values[name as SmsTriggerPlaceholder] : whole)));
    child = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = child;
    ctx.onStop(async () => void (started.exitCode === null && started.signalCode === null && started.kill('SIGKILL')));
    const keep = (d: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += d.toString('utf8').slice(0, MAX_OUTPUT - output.length);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('error', (e) => (ended = `could not be started (${e.message})`));
    child.once('exit', (code, signal) => {
      const first = output.split('\n').find((l) => l.trim() !== '');
      ended = `exited ${code ?? signal}${code !== 0 && first ? `: ${first.trim().slice(0, 200)}` : ''}`;
    });
  } else {
    process.stderr.write(`\n>>> EVVM Server under test: ${iut.trigger.instructions}\n    now: ${doing}\n`);
  }
  let lastLine = 0;
  while (!done()) {
    const left = Math.ceil((ends - Date.now()) / 1000);
    if (left <= 0 || (ended?.startsWith('could not') ?? false)) break;
    if (iut.trigger.kind === 'manual' && Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      process.stderr.write(`    waiting for the EVVM Server: ${left} s left\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const how = done() ? 'it did' : iut.trigger.kind === 'command' ? `trigger command ${ended ?? `still running after ${iut.timeoutMs} ms`}` : `nothing within ${iut.timeoutMs} ms`;
  ctx.transcript.record({ actor: 'harness', channel: 'note', dir: 'event', text: `${values.event}: ${how}` });
  return { done: done(), how };
}

/** The placeholders of the trigger command: where the harness's SMSC listens, whom it trusts, the ESME's account, the event. */
export function triggerValues(iut: EvvmServerSmsIut, smsc: { ports: contract.SmscPorts; trustAnchor: string; shortCode: string }, event: 'bind' | 'deposit', account?: TestAccount): Record<SmsTriggerPlaceholder, string> {
  return {
    event,
    host: HOST,
    smppPort: smsc.ports.smpp !== undefined ? String(smsc.ports.smpp) : '',
    smppsPort: smsc.ports.smpps !== undefined ? String(smsc.ports.smpps) : '',
    servername: contract.SMSC_NAME,
    trustAnchor: smsc.trustAnchor,
    systemId: iut.bind.systemId,
    password: iut.bind.password,
    shortCode: smsc.shortCode,
    mailbox: account?.name ?? '',
    msisdn: account ? account.identifiers.MSISDN.replace(/^tel:/, '') : '',
  };
}

class EsmeUnderTest implements contract.EvvmServerSmsRole {
  readonly actor = ACTOR;
  readonly shortCode: string;
  private files?: Promise<string>;

  constructor(
    private readonly ctx: Ctx,
    private readonly net: Network,
  ) {
    this.shortCode = ctx.profile.policy.sms.shortCode;
  }

  private record() {
    return this.net.smsc.observations();
  }

  private submittedBy() {
    return this.record().submissions.filter((s) => s.systemId === this.ctx.iut.bind.systemId);
  }

  /** The run's trust anchor as a file the ESME can be given (removed when the scenario ends). */
  private trustAnchor(): Promise<string> {
    this.files ??= (async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-server-sms-iut-'));
      this.ctx.onStop(() => rm(dir, { recursive: true, force: true }));
      await writeFile(path.join(dir, 'trust-anchor.pem'), this.ctx.pki.trustAnchorPem);
      return path.join(dir, 'trust-anchor.pem');
    })();
    return this.files;
  }

  private async values(event: 'bind' | 'deposit', account?: TestAccount): Promise<Record<SmsTriggerPlaceholder, string>> {
    return triggerValues(this.ctx.iut, { ports: this.net.ports, trustAnchor: await this.trustAnchor(), shortCode: this.shortCode }, event, account);
  }

  /** The ESME binds (by its trigger, or by itself to fixed ports); one that never does leaves nothing to judge. */
  async bind(): Promise<void> {
    const { systemId } = this.ctx.iut.bind;
    const bound = (): boolean => this.record().binds.some((b) => b.systemId === systemId && b.status === 'ESME_ROK');
    const ports = Object.entries(this.net.ports).map(([k, v]) => `${k} ${HOST}:${v}`).join(', ');
    const { done, how } = await trigger(this.ctx, await this.values('bind'), bound, `bind as ${systemId} to the SMSC at ${ports}, trusting ${await this.trustAnchor()}`);
    if (done) return;
    const refused = this.record().binds.filter((b) => b.systemId === systemId).map((b) => b.status);
    throw new InconclusiveError(`the EVVM Server under test never bound to the harness's SMSC as ${systemId} (${how}${refused.length ? `; its binds were answered ${refused.join(', ')}` : ''}): nothing can be judged`);
  }

  async depositVoicemail(mailbox: TestAccount): Promise<contract.Deposit> {
    this.ctx.involve();
    const msisdn = mailbox.identifiers.MSISDN.replace(/^tel:/, '');
    const to = (): SubmissionObservation[] => this.submittedBy().filter((s) => s.destination.replace(/^\+/, '') === msisdn.replace(/^\+/, ''));
    const before = to().length;
    // a SYNC may rightly not come (after Deactivate): the time runs out, and the Then judges
    await trigger(this.ctx, await this.values('deposit', mailbox), () => to().length > before, `leave a voicemail for ${mailbox.name} (${msisdn})`);
    const sync = to().slice(before).find((s) => s.text.includes(':SYNC:'));
    // its UID is the server's: the SYNC it sent names it
    return { uid: Number(/[:;]id=(\d+)/.exec(sync?.text ?? '')?.[1] ?? 0), messageId: '' };
  }

  mailboxUpdated(): Promise<void> {
    return Promise.reject(new InconclusiveError('the harness cannot make the EVVM Server under test signal a mailbox update (its trigger knows bind and deposit)'));
  }

  greetingsUpdated(): Promise<void> {
    return Promise.reject(new InconclusiveError('the harness cannot make the EVVM Server under test signal a greetings update (its trigger knows bind and deposit)'));
  }

  subscriber(): Promise<never> {
    return Promise.reject(new InconclusiveError(`${SERVER_STATE}: a subscriber's provisioning state`));
  }

  /** What its ESME bound with and submitted, as the harness's SMSC recorded it; its own records of MO texts and subscribers are not shown. */
  async observations(): Promise<EvvmServerSmsObservations> {
    this.ctx.involve();
    const { systemId } = this.ctx.iut.bind;
    const binds = this.record().binds.filter((b) => b.systemId === systemId);
    const last = binds.find((b) => b.status === 'ESME_ROK') ?? binds.at(-1);
    return {
      ...(last ? { bind: { systemId, secure: last.secure, status: last.status } } : {}),
      notifications: this.submittedBy().map((s) => ({
        to: `tel:+${s.destination.replace(/^\+/, '')}`,
        kind: s.text.includes(':STATUS:') ? 'STATUS' : 'SYNC',
        text: s.text,
        port: Number(/^\[port (\d+)/.exec(s.text)?.[1] ?? 0),
        status: s.status,
      })),
      get mo(): never {
        throw new InconclusiveError(`${SERVER_STATE}: which MO texts it took for a command (the handsets' replies show what it answered)`);
      },
      get subscribers(): never {
        throw new InconclusiveError(`${SERVER_STATE}: its subscribers' states`);
      },
    };
  }

  mailbox(): Promise<never> {
    return Promise.reject(new InconclusiveError(`${SERVER_STATE}: what a mailbox holds (its IMAP interface is not under test here)`));
  }
}

registerExternalRole('evvm-server-sms', 'evvm-server-sms', async (ctx) => {
  const esme = new EsmeUnderTest(ctx, await networkOf(ctx));
  await esme.bind();
  return esme;
});

// The subscribers' devices, on the harness's SMSC: an MO command they send reaches the ESME under test.
registerExternalRole('evvm-server-sms', 'evvm-client-sms', async (ctx) => {
  const net = await networkOf(ctx);
  return smsDevices(ctx, {
    smsc: smppEndpoint(net),
    handsets: net.credentials.handsets,
    activity: net.activity,
    addAccount: (account) => net.smsc.addAccount(account),
    acted: () => ctx.involve(),
    imapToHarness: true,
  });
});

registerExternalRole('evvm-server-sms', 'sms-spoofer', async (ctx) => {
  const net = await networkOf(ctx);
  return smsSpoofer(ctx, { smsc: smppEndpoint(net), credentials: net.credentials.spoofer, activity: net.activity });
});
