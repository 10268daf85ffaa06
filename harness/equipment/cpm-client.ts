/**
 * The CPM client as the harness plays it toward a Message Storage Server (simulated or a vendor's IUT):
 * test equipment, not a role. Certificate TLS or PSK-TLS, implicit or via STARTTLS, then LOGIN or
 * AUTHENTICATE. Like the harness's test client it reports outcomes instead of throwing (OutcomeImapClient);
 * it also tells an answer from an unreachable server or a missing answer, which prove nothing (inconclusive).
 */
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import type { MechanismName } from '../../simulators/protocol/sasl/types';
import { TimeoutError, unreachable } from '../../simulators/protocol/imap/client/errors';
import { OutcomeImapClient, reason, type Attempt, type InboxView } from '../../simulators/protocol/imap/client/outcome-client';
import { PSK_CIPHERS } from '../../simulators/protocol/imap/server/server';
import { InconclusiveError } from '../engine/outcomes';
import type { MessageStorageRole, PskCredential } from '../roles/message-storage';
import type { Transport } from '../topology/roles';
import { quote } from './test-client';

export type { Attempt };
export type PskVersion = 'TLSv1.2' | 'TLSv1.3';

export interface CpmClientOptions {
  endpoint: { host: string; port: number; servername: string };
  transport: Transport;
  /** certificate TLS: the anchor the server's certificate must chain to */
  trustAnchorPem?: string;
  certificate?: { chainPem: string; keyPem: string };
  /** PSK-TLS instead of certificates */
  psk?: PskCredential & { version: PskVersion };
  transcript: TranscriptSink;
  actor?: string;
  timeoutMs?: number;
}

/** How a scenario's CPM client reaches the Message Storage Server (the role names the endpoints and credentials). */
export interface CpmConnection {
  /** default: implicit TLS when offered (STD-04), else STARTTLS */
  transport?: Transport;
  /** the client certificate it presents (default: one the server accepts) */
  certificate?: 'valid' | 'untrusted-ca' | 'missing';
  /** on STARTTLS, stay on the clear channel (default: upgrade) */
  clear?: boolean;
  /** PSK-TLS with the provisioned identity and key, or an identity never provisioned, or a wrong key */
  psk?: { version: PskVersion; identity?: 'provisioned' | 'unknown'; key?: 'provisioned' | 'wrong' };
}

/** The server's authentication methods a password can go through (its declared capabilities). */
export interface PasswordMethods {
  loginCommand: boolean;
  sasl: readonly string[];
}

const PASSWORD_MECHANISMS: MechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'CRAM-MD5', 'LOGIN'];
/** the tag of a LOGIN pipelined behind STARTTLS: an answer to it inside TLS shows it was executed */
const PIPELINED_TAG = 'inj1';

/**
 * PSK-TLS client options (RFC 4279 suites on TLS 1.2; external PSK with TLS_AES_128_GCM_SHA256 on TLS
 * 1.3, whose hash a 256-bit PSK matches). A server that answers with a certificate instead (TLS 1.3 falls
 * back to one for an identity it does not know) has not proved it holds the key: refused.
 */
function pskTlsOptions(psk: PskCredential, version: PskVersion): ConnectionOptions {
  return {
    pskCallback: () => ({ psk: psk.key, identity: psk.identity }),
    ...(version === 'TLSv1.2' ? { ciphers: PSK_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } : { ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }),
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert && cert.raw ? new Error('the server authenticated with a certificate, not with the PSK') : undefined,
  };
}

/**
 * Keeps a server's answer to an authentication. No answer in time, or a temporary failure (RFC 5530
 * UNAVAILABLE), says nothing about the rule under test either way: inconclusive, neither a refusal nor a failure.
 */
export function decisive(attempt: Attempt): Attempt {
  if (attempt.timedOut) throw new InconclusiveError(`the Message Storage Server did not answer in time: ${attempt.text}`);
  if (attempt.code === 'UNAVAILABLE') throw new InconclusiveError(`the Message Storage Server answered a temporary failure: ${attempt.status} [UNAVAILABLE] ${attempt.text}`);
  return attempt;
}

export class CpmClient extends OutcomeImapClient {
  private constructor(
    client: OutcomeImapClient['client'],
    connectError: string | undefined,
    /** no TCP connection or no greeting at all */
    readonly unreachable: boolean,
    tls: ConnectionOptions,
  ) {
    super(client, connectError, tls);
  }

  static tlsOptions(o: CpmClientOptions): ConnectionOptions {
    if (o.psk) return pskTlsOptions(o.psk, o.psk.version);
    return {
      ...(o.trustAnchorPem ? { ca: o.trustAnchorPem } : {}),
      servername: o.endpoint.servername,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(o.certificate ? { cert: o.certificate.chainPem, key: o.certificate.keyPem } : {}),
    };
  }

  static async open(o: CpmClientOptions): Promise<CpmClient> {
    const tls = CpmClient.tlsOptions(o);
    const actor = o.actor ?? 'CPM Client';
    if (o.psk) o.transcript.record({ actor, channel: 'tls', dir: 'event', text: `PSK-TLS (${o.psk.version}) as identity "${o.psk.identity}"` });
    const c = await OutcomeImapClient.connect({ ...o, actor, peer: 'Message Storage Server', timeoutMs: o.timeoutMs ?? 3000 }, tls);
    return c.client ? new CpmClient(c.client, undefined, false, tls) : new CpmClient(undefined, reason(c.error), unreachable(c.error), tls);
  }

  /**
   * Opens a connection to the Message Storage Server as `how` says, with TLS up (implicit, or STARTTLS unless
   * `clear`). `upgrade` is the STARTTLS outcome when it upgraded (`failed`: why TLS did not come up). A server
   * without the endpoint or the PSK asked for, or one that does not answer at all, decides nothing: inconclusive.
   * A refused handshake is an answer: a client without a connection.
   */
  static async toStore(store: MessageStorageRole, transcript: TranscriptSink, how: CpmConnection): Promise<{ client: CpmClient; upgrade?: { failed: string | undefined } }> {
    const transport = how.psk ? 'implicit-tls' : (how.transport ?? (store.endpoint('implicit-tls') ? 'implicit-tls' : 'starttls'));
    const endpoint = how.psk ? store.pskEndpoint() : store.endpoint(transport);
    if (!endpoint) throw new InconclusiveError(`the Message Storage Server offers no ${how.psk ? 'PSK-TLS' : transport} endpoint`);
    const certificate = how.certificate === 'missing' ? undefined : store.clientCredential(how.certificate ?? 'valid');
    const psk = how.psk ? pskFor(store, how.psk) : undefined;
    if (psk) transcript.secret(psk.key);
    const client = await CpmClient.open({ endpoint, transport, trustAnchorPem: store.trustAnchorPem, ...(certificate ? { certificate } : {}), ...(psk ? { psk } : {}), transcript, timeoutMs: store.timeoutMs });
    if (client.unreachable) throw new InconclusiveError(`the Message Storage Server at ${endpoint.host}:${endpoint.port} did not answer (${client.connectError}): nothing can be judged`);
    if (transport !== 'starttls' || how.clear || !client.client) return { client };
    return { client, upgrade: { failed: await client.starttls() } };
  }

  get secure(): boolean {
    return this.client?.secure === true;
  }

  /** The server's certificate chained to the anchor and named the server (or the PSK was used). */
  get serverAuthenticated(): boolean {
    return this.client?.tlsInfo?.authorized === true;
  }

  get tlsProtocol(): string | null | undefined {
    return this.client?.tlsInfo?.protocol;
  }

  /** Protocol violations the client saw: unknown tags (replayed injections), unexpected data. */
  get anomalies(): readonly string[] {
    return this.client?.anomalies ?? [];
  }

  /** One tagged command; 'closed' when there is no connection (any more), 'timeout' when no answer came. */
  async command(line: string): Promise<'OK' | 'NO' | 'BAD' | 'closed' | 'timeout'> {
    if (!this.client) return 'closed';
    try {
      return (await this.client.command(line)).status;
    } catch (err) {
      return err instanceof TimeoutError ? 'timeout' : 'closed';
    }
  }

  /** How an authentication ended and, when it succeeded, the INBOX it opened: what a whose-mailbox judgement looks at. */
  async sessionAfter(attempt: Attempt | undefined): Promise<{ session: { loggedIn: boolean; how: string }; view: InboxView }> {
    const loggedIn = attempt?.status === 'OK';
    const how = `authentication ${attempt?.status ?? 'not tried'} "${attempt?.text ?? ''}"${this.connectError ? ` (${this.connectError})` : ''}`;
    return { session: { loggedIn, how }, view: loggedIn ? await this.inbox() : { status: 'closed', messageIds: [] } };
  }

  /** SELECT INBOX: whether the session is authenticated, as the server shows it. No answer decides nothing: inconclusive. */
  async selectInbox(): Promise<'OK' | 'NO' | 'BAD' | 'closed'> {
    const r = await this.command('SELECT INBOX');
    if (r === 'timeout') throw new InconclusiveError('the Message Storage Server did not answer SELECT INBOX in time');
    return r;
  }

  /**
   * Authenticates with a password: by LOGIN when the server declares it, else by a declared SASL mechanism
   * that carries one; undefined when it declares neither.
   */
  signIn(username: string, password: string, declared: PasswordMethods): Promise<Attempt> | undefined {
    if (declared.loginCommand) return this.login(username, password);
    const mechanism = PASSWORD_MECHANISMS.find((m) => declared.sasl.includes(m));
    return mechanism ? this.authenticate(mechanism, { authcid: username, password }) : undefined;
  }

  /**
   * STARTTLS with a LOGIN pipelined behind it in the same write, before the handshake (STD-03), then one
   * round trip, so that an answer to a replayed LOGIN has arrived. Answers why no TLS session followed,
   * undefined when one did.
   */
  async pipelineLoginBehindStarttls(username: string, password: string): Promise<string | undefined> {
    const dropped = await this.starttls(`${PIPELINED_TAG} LOGIN ${quote(username)} ${quote(password)}`);
    if (!dropped && (await this.command('NOOP')) === 'timeout') throw new InconclusiveError('the Message Storage Server did not answer NOOP after STARTTLS');
    return dropped;
  }

  /** The server's answer inside TLS to the LOGIN pipelined behind STARTTLS, if any. */
  get pipelinedLoginAnswer(): string | undefined {
    return this.anomalies.find((a) => a.includes(PIPELINED_TAG));
  }
}

/** The PSK the client offers: the provisioned identity and key, or one of them spoiled. */
function pskFor(store: MessageStorageRole, how: NonNullable<CpmConnection['psk']>): PskCredential & { version: PskVersion } {
  const provisioned = store.psk();
  if (!provisioned) throw new InconclusiveError('the Message Storage Server has no provisioned PSK-TLS identity');
  return {
    identity: how.identity === 'unknown' ? `unprovisioned-${Date.now().toString(36)}` : provisioned.identity,
    key: how.key === 'wrong' ? Buffer.from(provisioned.key.map((b) => b ^ 0x5a)) : provisioned.key,
    version: how.version,
  };
}
