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
  /** how long the server may stay silent in a session (default 2 × timeoutMs) */
  idleTimeoutMs?: number;
  /** a whole session's deadline, however the server paces it (default 4 × timeoutMs) */
  sessionDeadlineMs?: number;
  /** the operator's capability blacklist (AOSP vvm_disabled_capabilities_string_array): STARTTLS, DIGEST-MD5, … */
  disabledCapabilities?: readonly string[];
  /**
   * Resume TLS sessions (RFC 8446 §2.2) with a server it authenticated before under the same name: only a
   * server holding the ticket's key accepts it, any other gets a full handshake with its certificate checked.
   * Off by default (every session proves the server afresh); on for a client that meets one server a
   * thousand times (the PRAC-02 corpus), where the handshake was most of a session's cost.
   */
  resumeTlsSessions?: boolean;
}

/** The transports an EVVM Server offers, where each listens (RFC 8314: implicit TLS or STARTTLS). */
export type OfferedTargets = Partial<Record<ServerTarget['transport'], Omit<ServerTarget, 'transport'>>>;

/** Capabilities whose blacklisting weakens how client and server authenticate each other (PRAC-03). */
const PROTECTIONS: Readonly<Record<string, string>> = {
  STARTTLS: 'STARTTLS is disabled: no TLS on the STARTTLS port, so the server is not authenticated and credentials would cross in the clear',
  'DIGEST-MD5': 'DIGEST-MD5 is disabled: the client no longer proves the server by rspauth',
};

/** The largest IMAP line, literal and response the client reads: voicemails are small, a hostile server's 100 MB literal is refused when announced (PRAC-02). */
export const IMAP_BOUNDS = { maxLineLength: 64 * 1024, maxLiteralSize: 16 * 1024 * 1024, maxResponseSize: 17 * 1024 * 1024 } as const;

export interface RetrievedVoicemail {
  uid: number;
  raw: Buffer;
}

/** The VVM folder of greetings, and the flag that makes one the active greeting (VVM 1.2 chapter 7). */
const GREETINGS = 'Greetings';
const GREETING_ON = '$CNS-Greeting-On';
/** The personal greeting the client keeps on the server: a few bytes of AMR stand in for the recording. */
const PERSONAL_GREETING = Buffer.from(
  ['From: <evvm-client@op.example>', 'Subject: personal greeting', 'X-CNS-Greeting-Type: normal-greeting', 'Content-Type: audio/amr', 'Content-Transfer-Encoding: base64', '', 'IyFBTVIK', ''].join('\r\n'),
);

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
  /** the capabilities the operator's configuration disabled, each reported as the downgrade it is (PRAC-03) */
  downgrades?: string[];
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
  /** the latest TLS session ticket of each server name it authenticated (resumeTlsSessions) */
  private readonly tlsSessions = new Map<string, Buffer>();

  constructor(private readonly options: EvvmClientOptions) {
    this.actor = options.actor ?? 'EVVM Client';
    this.faults = EVVM_CLIENT_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
  }

  retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    return this.retrieval(target, account, false);
  }

  /**
   * Its normal use of the voicemail box: the retrieval, then, in the same session, the voicemails marked
   * heard, the INBOX counted and the personal greeting kept on. VVM 1.2 p.17 restricts both: only \Seen,
   * \Deleted and $CNS-Greeting-On are set (VVM-05), and the Greetings folder is opened, never asked for
   * its STATUS (VVM-06).
   */
  syncVoicemailBox(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    return this.retrieval(target, account, true);
  }

  private async retrieval(target: ServerTarget, account: ClientAccount, sync: boolean): Promise<Retrieval> {
    // FAULT evvm-client:ignore-logindisabled (STD-02): LOGIN goes out although the server advertises LOGINDISABLED.
    if (this.faults.has('evvm-client:ignore-logindisabled')) return this.retrieveIgnoringLoginDisabled(target, account);
    const downgrades = this.downgrades();
    if (downgrades.length === 0) return this.retrieveAs(target, account, sync);
    for (const d of downgrades) this.note(`downgrade: ${d}`);
    // a STARTTLS port without STARTTLS is a plaintext session: fail closed rather than send anything there
    if (target.transport === 'starttls' && this.disabled('STARTTLS')) {
      this.note(`refused: no session without TLS to ${target.host}:${target.port}`);
      return { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [], error: 'STARTTLS is disabled by configuration: no session without TLS', downgrades };
    }
    return { ...(await this.retrieveAs(target, account, sync)), downgrades };
  }

  /** The retrieval with the authentication the operator configured, unless its blacklist disables it; `sync`: the box managed too (imapflow's path only). */
  private retrieveAs(target: ServerTarget, account: ClientAccount, sync: boolean): Promise<Retrieval> {
    if (account.saslMechanism === 'DIGEST-MD5' && !this.disabled('DIGEST-MD5')) return this.retrieveWithDigestMd5(target, account);
    // FAULT evvm-client:keep-pre-tls-capabilities (VVM-03): after STARTTLS it goes on with the capability list it read in the clear.
    if (this.faults.has('evvm-client:keep-pre-tls-capabilities') && target.transport === 'starttls') return this.retrieveWithPreTlsCapabilities(target, account);
    return this.retrieveWithImapFlow(target, account, sync);
  }

  private disabled(capability: string): boolean {
    return (this.options.disabledCapabilities ?? []).some((c) => c.toUpperCase() === capability || c.toUpperCase() === `AUTH=${capability}`);
  }

  /** The operator's blacklist, as the downgrades it makes (PRAC-03). */
  private downgrades(): string[] {
    // FAULT evvm-client:silent-capability-blacklist (PRAC-03): the blacklist applies, nobody is told.
    if (this.faults.has('evvm-client:silent-capability-blacklist')) return [];
    return Object.keys(PROTECTIONS).filter((c) => this.disabled(c)).map((c) => PROTECTIONS[c]!);
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

  /** Keeps the latest ticket of a session whose server it authenticated; a refused server's are never kept. */
  private keepTlsSessions(socket: TLSSocket, target: ServerTarget): void {
    socket.on('session', (ticket: Buffer) => {
      if (socket.authorized) this.tlsSessions.set(target.servername, ticket);
    });
  }

  private tlsOptions(target: ServerTarget): ConnectionOptions {
    const session = this.options.resumeTlsSessions ? this.tlsSessions.get(target.servername) : undefined;
    const tls: ConnectionOptions = {
      ...(session ? { session } : {}),
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

  private async retrieveWithImapFlow(target: ServerTarget, account: ClientAccount, sync: boolean): Promise<Retrieval> {
    const peer = `${target.host}:${target.port}`;
    const timeout = this.options.timeoutMs ?? 5000;
    const implicit = target.transport === 'implicit-tls';
    const client = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: implicit,
      // STARTTLS is mandatory for a conformant client: imapflow's default is opportunistic (stack.md §2.1)
      // FAULT evvm-client:opportunistic-starttls (EVVM-AUTH-03): it goes on in plaintext when STARTTLS is not offered.
      doSTARTTLS: implicit ? undefined : this.faults.has('evvm-client:opportunistic-starttls') ? undefined : !this.disabled('STARTTLS'),
      servername: target.servername,
      auth: { user: account.username, pass: account.password },
      tls: this.tlsOptions(target),
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: this.options.idleTimeoutMs ?? timeout * 2,
      // FAULT evvm-client:unbounded-literals (PRAC-02): imapflow's own bounds (1 GiB), so a 100 MB literal is read.
      ...(this.faults.has('evvm-client:unbounded-literals') ? {} : IMAP_BOUNDS),
    });
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    // imapflow emits 'error' for socket failures; unhandled it would crash the process
    client.on('error', (err: Error) => this.note(`connection error: ${describe(err)}`, peer));
    this.note(`retrieving voicemail over ${target.transport} as ${account.username}, expecting ${target.servername}`, peer);
    // FAULT evvm-client:no-session-deadline (PRAC-02): a server that drips or never ends holds the session.
    const deadline = this.faults.has('evvm-client:no-session-deadline') ? undefined : this.sessionDeadline(client, timeout);
    const recordHandshake = (text: string, tls: TlsHandshakeEvidence): void => this.transcript.record({ actor: this.actor, peer, channel: 'tls', dir: 'event', text, tls });
    let handshake: ReturnType<typeof watchTlsHandshake> | undefined;
    const session = this.session(client, result, peer, () => handshake && recordHandshake('TLS handshake (implicit) completed', handshake()), sync);
    // imapflow makes its implicit-TLS socket before its first await (session() calls connect() at once): watched
    // from there, the certificate a server presented is evidence also when the client refused it (EVVM-AUTH-03)
    // (evidence nobody records is not gathered: reading the certificates is most of a session's cost in the PRAC-02 corpus)
    const socket = (client as unknown as { socket?: unknown }).socket;
    if (socket instanceof TLSSocket && this.transcript !== nullSink) handshake = watchTlsHandshake(socket, 'client');
    if (socket instanceof TLSSocket && this.options.resumeTlsSessions) this.keepTlsSessions(socket, target);
    // when the deadline wins, the abandoned session's own failure is expected and has nobody to tell
    session.catch(() => undefined);
    try {
      await Promise.race([session, ...(deadline ? [deadline.expired] : [])]);
    } catch (err) {
      result.error = describe(err);
      if (handshake && !result.connected) recordHandshake(`TLS handshake (implicit) failed: ${result.error}`, handshake(result.error));
      result.tls ??= this.tlsEvidence(client);
      if (!result.loggedIn) result.loggedIn = client.authenticated === true;
      // fail closed: what a broken session delivered is not the mailbox
      // FAULT evvm-client:keep-partial-state (PRAC-02): the voicemails fetched before the failure stay.
      result.voicemails = this.faults.has('evvm-client:keep-partial-state') ? [...result.voicemails] : [];
      this.note(`stopped: ${result.error}`, peer);
    } finally {
      deadline?.clear();
      // whatever the server said last (a BYE, nothing at all), the session's socket goes with it
      client.close();
    }
    return result;
  }

  /** Rejects when the whole session has run longer than its deadline, whatever the server keeps sending. */
  private sessionDeadline(client: ImapFlow, timeout: number): { expired: Promise<never>; clear(): void } {
    const ms = this.options.sessionDeadlineMs ?? timeout * 4;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        client.close();
        reject(new Error(`session deadline of ${ms} ms passed`));
      }, ms);
    });
    return { expired, clear: () => clearTimeout(timer) };
  }

  private async session(client: ImapFlow, result: Retrieval, peer: string, connected: () => void, sync: boolean): Promise<void> {
    await client.connect();
    result.connected = true;
    result.loggedIn = client.authenticated === true;
    result.tls = this.tlsEvidence(client);
    result.serverAuthenticated = result.tls?.authorized === true;
    if (result.tls) this.note(`TLS ${result.tls.protocol ?? 'unknown'} ${result.tls.cipher ?? ''}`.trimEnd(), peer);
    connected();
    const lock = await client.getMailboxLock('INBOX');
    try {
      for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
        if (!msg.source) throw new Error(`the FETCH response for message ${msg.seq} carries no message`);
        result.voicemails.push({ uid: msg.uid, raw: msg.source });
      }
      // imapflow ends the iteration quietly when the connection drops: only a connection that is still
      // usable saw the FETCH's tagged completion, and only every message the mailbox holds is the mailbox
      if (!client.usable) throw new Error('the connection ended before the FETCH completed');
      const exists = client.mailbox ? client.mailbox.exists : undefined;
      if (exists === undefined || result.voicemails.length !== exists) {
        throw new Error(`the FETCH returned ${result.voicemails.length} message(s); the mailbox holds ${exists ?? 'an unknown number'}`);
      }
      this.note(`retrieved ${result.voicemails.length} voicemail(s)`, peer);
      if (sync) await this.markHeard(client, result.voicemails, peer);
    } finally {
      lock.release();
    }
    if (sync) await this.keepGreeting(client, peer);
    await client.logout();
  }

  /** The voicemails it read marked heard, and the INBOX counted (STATUS is allowed there). A refusal is noted: the voicemails are read all the same. */
  private async markHeard(client: ImapFlow, voicemails: readonly RetrievedVoicemail[], peer: string): Promise<void> {
    // FAULT evvm-client:set-restricted-flag (VVM-05): \Flagged, which VVM does not allow, goes with \Seen.
    const flags = this.faults.has('evvm-client:set-restricted-flag') ? ['\\Seen', '\\Flagged'] : ['\\Seen'];
    if (voicemails.length > 0) {
      const stored = await client.messageFlagsAdd(voicemails.map((v) => v.uid).join(','), flags, { uid: true });
      this.note(`${stored ? 'marked' : 'the server refused to mark'} ${voicemails.length} voicemail(s) ${flags.join(' ')}`, peer);
    }
    const counted = await client.status('INBOX', { messages: true, unseen: true });
    this.note(counted ? `INBOX: ${counted.messages ?? '?'} voicemail(s), ${counted.unseen ?? '?'} unheard` : 'the server refused STATUS on the INBOX', peer);
  }

  /** The personal greeting kept on: the Greetings folder opened (not asked for its STATUS, VVM-06) and, when it holds none, the greeting uploaded switched on. */
  private async keepGreeting(client: ImapFlow, peer: string): Promise<void> {
    let greetings: number | undefined;
    try {
      // FAULT evvm-client:status-on-greetings (VVM-06): the greetings are counted with STATUS on the Greetings folder.
      greetings = this.faults.has('evvm-client:status-on-greetings') ? ((await client.status(GREETINGS, { messages: true })) || undefined)?.messages : (await client.mailboxOpen(GREETINGS)).exists;
    } catch (err) {
      // a server without the folder is no broken session: the voicemails read stand
      this.note(`the Greetings folder could not be opened: ${describe(err)}`, peer);
    }
    if (greetings === undefined) return this.note('the greetings could not be counted: the personal greeting is left as it is', peer);
    if (greetings > 0) return this.note(`${greetings} greeting(s) on the server`, peer);
    const uploaded = await client.append(GREETINGS, PERSONAL_GREETING, [GREETING_ON]);
    this.note(uploaded ? `uploaded the personal greeting, ${GREETING_ON}` : 'the server refused the personal greeting', peer);
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
  private retrieveWithDigestMd5(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    return this.withRawClient(target, target.transport === 'implicit-tls' ? 'implicit' : 'none', async (client, result) => {
      if (target.transport === 'starttls') {
        if (!(await client.capability()).includes('STARTTLS')) throw new Error('STARTTLS not offered');
        await client.starttls(this.tlsOptions(target));
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
      this.note(`retrieved ${result.voicemails.length} voicemail(s)`, `${target.host}:${target.port}`);
      await client.logout();
    });
  }

  /** The faulty path: the capabilities read before STARTTLS still decide after it (RFC 9051 §6.2.1 violated). */
  private retrieveWithPreTlsCapabilities(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    return this.withRawClient(target, 'none', async (client, result) => {
      const before = await client.capability();
      if (!before.includes('STARTTLS')) throw new Error('STARTTLS not offered');
      await client.starttls(this.tlsOptions(target));
      result.serverAuthenticated = client.secure && client.tlsInfo?.authorized === true;
      if (before.includes('LOGINDISABLED')) throw new Error('the capabilities (read before TLS) disable LOGIN');
      await this.login(client, account, result);
    });
  }

  /** The faulty path: opportunistic STARTTLS and LOGIN regardless of LOGINDISABLED (RFC 2595 §3.2 violated). */
  private retrieveIgnoringLoginDisabled(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    return this.withRawClient(target, target.transport === 'implicit-tls' ? 'implicit' : 'none', async (client, result) => {
      const caps = await client.capability();
      if (target.transport === 'starttls' && caps.includes('STARTTLS')) await client.starttls(this.tlsOptions(target));
      result.serverAuthenticated = client.secure && client.tlsInfo?.authorized === true;
      await this.login(client, account, result);
    });
  }

  private async login(client: RawImapClient, account: ClientAccount, result: Retrieval): Promise<void> {
    const login = await client.login(account.username, account.password);
    result.loggedIn = login.status === 'OK';
    if (!result.loggedIn) result.error = login.text;
    await client.logout();
  }

  /** One session on the raw client (the paths imapflow cannot take): what it observed, the connection closed whatever happens. */
  private async withRawClient(target: ServerTarget, tls: 'implicit' | 'none', session: (client: RawImapClient, result: Retrieval) => Promise<void>): Promise<Retrieval> {
    const result: Retrieval = { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [] };
    let client: RawImapClient | undefined;
    try {
      client = await RawImapClient.connect({ host: target.host, port: target.port, tls, tlsOptions: this.tlsOptions(target), actor: this.actor, transcript: this.transcript, timeoutMs: this.options.timeoutMs ?? 5000 });
      result.connected = true;
      await session(client, result);
    } catch (err) {
      result.error = describe(err);
      this.note(`stopped: ${result.error}`, `${target.host}:${target.port}`);
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
