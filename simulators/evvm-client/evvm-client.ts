import { ImapFlow } from 'imapflow';
import { TLSSocket, type ConnectionOptions } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import { nullSink } from '../../evidence/transcript';
import { watchTlsHandshake, type TlsHandshakeEvidence } from '../../evidence/tls';
import { RawImapClient } from '../protocol/imap/client/raw-client';
import { tlsVersionFloor } from '../crypto/tls-versions';
import type { FaultSet } from '../fault-set';
import { EVVM_CLIENT_FAULTS } from './faults';

/** Where the EVVM Client is told to go (in VVM, by the STATUS SMS `srv`/`ipt` fields). */
export interface ServerTarget {
  host: string;
  port: number;
  /** the name the server must prove (certificate SAN), e.g. evvm-server.op.example */
  servername: string;
  transport: 'implicit-tls' | 'starttls';
}

export interface ClientAccount {
  username: string;
  password: string;
  /** the operator configures AUTHENTICATE DIGEST-MD5 (VVM-02, legacy) instead of LOGIN */
  saslMechanism?: 'DIGEST-MD5';
}

export interface EvvmClientOptions {
  actor?: string;
  /** the operator trust anchor the client authenticates servers against */
  trustAnchorPem: string;
  /** the device's client certificate chain and key, for mutual TLS */
  certificate?: { chainPem: string; keyPem: string };
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
  timeoutMs?: number;
}

/** The transports an EVVM Server offers, where each listens (RFC 8314: implicit TLS or STARTTLS). */
export type OfferedTargets = Partial<Record<ServerTarget['transport'], Omit<ServerTarget, 'transport'>>>;

export interface RetrievedVoicemail {
  uid: number;
  raw: Buffer;
}

/** What the EVVM Client observed of one retrieval: the harness judges it, the client does not throw. */
export interface Retrieval {
  /** a TCP connection was made */
  connected: boolean;
  /** the server's certificate chain and name were verified (tls.authorized with the host name checked) */
  serverAuthenticated: boolean;
  tls?: { protocol: string | null; cipher?: string; authorized: boolean; authorizationError?: string; peerSubject?: string };
  loggedIn: boolean;
  voicemails: RetrievedVoicemail[];
  /** why it stopped, when it did: a TLS error code, 'STARTTLS not offered', an IMAP NO text, … */
  error?: string;
  /** the transport it used, when it chose among several (STD-04) */
  transport?: ServerTarget['transport'];
}

/**
 * The EVVM Client: retrieves voicemail over IMAP the way a conformant VVM client does, with imapflow as
 * the engine. Its faults switch off exactly one protection each, so selftest can prove the scenarios
 * notice; the LOGINDISABLED fault needs a raw client because imapflow always honours the capability.
 */
export class EvvmClient {
  readonly actor: string;
  private readonly faults: FaultSet<'evvm-client'>;
  private readonly transcript: TranscriptSink;

  constructor(private readonly options: EvvmClientOptions) {
    this.actor = options.actor ?? 'EVVM Client';
    this.faults = EVVM_CLIENT_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
  }

  async retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    // FAULT evvm-client:ignore-logindisabled (STD-02): LOGIN goes out although the server advertises LOGINDISABLED.
    if (this.faults.has('evvm-client:ignore-logindisabled')) return this.retrieveIgnoringLoginDisabled(target, account);
    if (account.saslMechanism === 'DIGEST-MD5') return this.retrieveWithDigestMd5(target, account);
    // FAULT evvm-client:keep-pre-tls-capabilities (VVM-03): after STARTTLS it goes on with the capability list it read in the clear.
    if (this.faults.has('evvm-client:keep-pre-tls-capabilities') && target.transport === 'starttls') return this.retrieveWithPreTlsCapabilities(target, account);
    return this.retrieveWithImapFlow(target, account);
  }

  /** Retrieves over the transport it prefers among those offered: implicit TLS (RFC 8314 §3), else STARTTLS. */
  async retrieveFromOffered(offered: OfferedTargets, account: ClientAccount): Promise<Retrieval> {
    // FAULT evvm-client:prefer-starttls (STD-04): STARTTLS is picked although implicit TLS is offered.
    const order: Array<ServerTarget['transport']> = this.faults.has('evvm-client:prefer-starttls') ? ['starttls', 'implicit-tls'] : ['implicit-tls', 'starttls'];
    const transport = order.find((t) => offered[t] !== undefined);
    if (!transport) return { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [], error: 'the EVVM Server offers no transport' };
    this.note(`offered ${Object.keys(offered).join(' and ')}: using ${transport}`);
    return { ...(await this.retrieveVoicemail({ ...offered[transport]!, transport }, account)), transport };
  }

  private tlsOptions(target: ServerTarget): ConnectionOptions {
    const tls: ConnectionOptions = {
      ca: this.options.trustAnchorPem,
      servername: target.servername,
      // FAULT evvm-client:skip-server-cert-check (EVVM-AUTH-03, EVVM-SMS-C01): any chain, any validity.
      rejectUnauthorized: !this.faults.has('evvm-client:skip-server-cert-check'),
      // FAULT evvm-client:offer-legacy-tls (STD-07): it offers TLS 1.0 and 1.1 to the EVVM Server.
      ...tlsVersionFloor(this.faults.has('evvm-client:offer-legacy-tls')),
    };
    if (this.options.certificate) {
      tls.cert = this.options.certificate.chainPem;
      tls.key = this.options.certificate.keyPem;
    }
    // FAULT evvm-client:skip-hostname-check (EVVM-AUTH-03): a valid certificate for any host will do.
    if (this.faults.has('evvm-client:skip-hostname-check')) tls.checkServerIdentity = () => undefined;
    return tls;
  }

  private note(text: string, peer?: string): void {
    this.transcript.record({ actor: this.actor, peer, channel: 'imap', dir: 'event', text });
  }

  private async retrieveWithImapFlow(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const peer = `${target.host}:${target.port}`;
    const timeout = this.options.timeoutMs ?? 5000;
    const implicit = target.transport === 'implicit-tls';
    const client = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: implicit,
      // STARTTLS is mandatory for a conformant client: imapflow's default is opportunistic (stack.md §2.1)
      // FAULT evvm-client:opportunistic-starttls (EVVM-AUTH-03): it goes on in plaintext when STARTTLS is not offered.
      doSTARTTLS: implicit ? undefined : this.faults.has('evvm-client:opportunistic-starttls') ? undefined : true,
      servername: target.servername,
      auth: { user: account.username, pass: account.password },
      tls: this.tlsOptions(target),
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 2,
    });
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    // imapflow emits 'error' for socket failures; unhandled it would crash the process
    client.on('error', (err: Error) => this.note(`connection error: ${describe(err)}`, peer));
    this.note(`retrieving voicemail over ${target.transport} as ${account.username}, expecting ${target.servername}`, peer);
    const connecting = client.connect();
    // imapflow makes its implicit-TLS socket before its first await: watched from there, the certificate a
    // server presented is evidence also when the client refused it (EVVM-AUTH-03's rogue server)
    const socket = (client as unknown as { socket?: unknown }).socket;
    const handshake = socket instanceof TLSSocket ? watchTlsHandshake(socket, 'client') : undefined;
    const recordHandshake = (text: string, tls: TlsHandshakeEvidence): void => this.transcript.record({ actor: this.actor, peer, channel: 'tls', dir: 'event', text, tls });
    try {
      await connecting;
      result.connected = true;
      result.loggedIn = client.authenticated === true;
      result.tls = this.tlsEvidence(client);
      result.serverAuthenticated = result.tls?.authorized === true;
      if (result.tls) this.note(`TLS ${result.tls.protocol ?? 'unknown'} ${result.tls.cipher ?? ''}`.trimEnd(), peer);
      if (handshake) recordHandshake('TLS handshake (implicit) completed', handshake());
      const lock = await client.getMailboxLock('INBOX');
      try {
        for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
          if (msg.source) result.voicemails.push({ uid: msg.uid, raw: msg.source });
        }
      } finally {
        lock.release();
      }
      this.note(`retrieved ${result.voicemails.length} voicemail(s)`, peer);
      await client.logout();
    } catch (err) {
      result.error = describe(err);
      if (handshake && !result.connected) recordHandshake(`TLS handshake (implicit) failed: ${result.error}`, handshake(result.error));
      result.tls ??= this.tlsEvidence(client);
      if (!result.loggedIn) result.loggedIn = client.authenticated === true;
      this.note(`stopped: ${result.error}`, peer);
      client.close();
    }
    return result;
  }

  private tlsEvidence(client: ImapFlow): Retrieval['tls'] {
    const info = (client as unknown as { tls?: { authorized?: boolean; standardName?: string; name?: string; version?: string } }).tls;
    if (!info || !client.secureConnection) return undefined;
    return { protocol: info.version ?? null, cipher: info.standardName ?? info.name, authorized: info.authorized === true };
  }

  /**
   * AUTHENTICATE DIGEST-MD5 (VVM-02), which imapflow does not implement: the raw client, TLS first, the
   * capabilities asked again inside TLS, and the server's rspauth checked before anything else is sent (a
   * wrong one closes the connection: authenticate() in the raw client).
   */
  private async retrieveWithDigestMd5(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    const peer = `${target.host}:${target.port}`;
    let client: RawImapClient | undefined;
    try {
      const tlsOptions = this.tlsOptions(target);
      client = await RawImapClient.connect({ host: target.host, port: target.port, tls: target.transport === 'implicit-tls' ? 'implicit' : 'none', tlsOptions, actor: this.actor, transcript: this.transcript, timeoutMs: this.options.timeoutMs ?? 5000 });
      result.connected = true;
      if (target.transport === 'starttls') {
        if (!(await client.capability()).includes('STARTTLS')) throw new Error('STARTTLS not offered');
        await client.starttls(tlsOptions);
      }
      result.serverAuthenticated = client.secure && client.tlsInfo?.authorized === true;
      if (!(await client.capability()).includes('AUTH=DIGEST-MD5')) throw new Error('AUTH=DIGEST-MD5 not offered');
      // FAULT evvm-client:skip-rspauth-check (VVM-02): the server's rspauth is not checked.
      const digestMd5 = { host: target.servername, skipRspauthCheck: this.faults.has('evvm-client:skip-rspauth-check') };
      const auth = await client.authenticate('DIGEST-MD5', { authcid: account.username, password: account.password }, { sasl: { digestMd5 } });
      result.loggedIn = auth.status === 'OK';
      if (!result.loggedIn) throw new Error(`AUTHENTICATE DIGEST-MD5 answered ${auth.status} ${auth.text}`);
      const selected = await client.select('INBOX');
      if ((selected.exists ?? 0) > 0) {
        for (const m of await client.fetch('1:*', ['UID', 'BODY.PEEK[]'])) if (m.body && m.uid !== undefined) result.voicemails.push({ uid: m.uid, raw: m.body });
      }
      this.note(`retrieved ${result.voicemails.length} voicemail(s)`, peer);
      await client.logout();
    } catch (err) {
      result.error = describe(err);
      this.note(`stopped: ${result.error}`, peer);
    } finally {
      client?.close();
    }
    return result;
  }

  /** The faulty path: the capabilities read before STARTTLS still decide after it (RFC 9051 §6.2.1 violated). */
  private async retrieveWithPreTlsCapabilities(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    let client: RawImapClient | undefined;
    try {
      client = await RawImapClient.connect({ host: target.host, port: target.port, tls: 'none', tlsOptions: this.tlsOptions(target), actor: this.actor, transcript: this.transcript, timeoutMs: this.options.timeoutMs ?? 5000 });
      result.connected = true;
      const before = await client.capability();
      if (!before.includes('STARTTLS')) throw new Error('STARTTLS not offered');
      await client.starttls(this.tlsOptions(target));
      result.serverAuthenticated = client.secure && client.tlsInfo?.authorized === true;
      if (before.includes('LOGINDISABLED')) throw new Error('the capabilities (read before TLS) disable LOGIN');
      const login = await client.login(account.username, account.password);
      result.loggedIn = login.status === 'OK';
      if (!result.loggedIn) result.error = login.text;
      await client.logout();
    } catch (err) {
      result.error = describe(err);
    } finally {
      client?.close();
    }
    return result;
  }

  /** The faulty path: opportunistic STARTTLS and LOGIN regardless of LOGINDISABLED (RFC 2595 §3.2 violated). */
  private async retrieveIgnoringLoginDisabled(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    let client: RawImapClient | undefined;
    try {
      client = await RawImapClient.connect({
        host: target.host,
        port: target.port,
        tls: target.transport === 'implicit-tls' ? 'implicit' : 'none',
        tlsOptions: this.tlsOptions(target),
        actor: this.actor,
        transcript: this.transcript,
        timeoutMs: this.options.timeoutMs ?? 5000,
      });
      result.connected = true;
      const caps = await client.capability();
      if (target.transport === 'starttls' && caps.includes('STARTTLS')) await client.starttls(this.tlsOptions(target));
      result.serverAuthenticated = client.secure && client.tlsInfo?.authorized === true;
      const login = await client.login(account.username, account.password);
      result.loggedIn = login.status === 'OK';
      if (!result.loggedIn) result.error = login.text;
      await client.logout();
    } catch (err) {
      result.error = describe(err);
    } finally {
      client?.close();
    }
    return result;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
