/**
 * An SMTP listener (smtp-server 3.21.6) with the interworking security rules in one place: STARTTLS and
 * implicit TLS, client certificates judged against the link policy (chain AND configured peer name) when
 * the TLS session starts, so a refused peer gets a 554 before any command, no mail before TLS where TLS
 * is required, and SMTP AUTH only after TLS (RFC 4954 §4). What it decides about each session and
 * message is kept as observations; every line goes to the transcript (AUTH arguments never do).
 */
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tlsHandshakeEvidence, type TlsHandshakeEvidence } from '../../../evidence/tls';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { tlsVersionFloor } from '../../crypto/tls-versions';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import { describeJudgement, judgePeer } from './peer';
import type { LinkPolicy, PeerJudgement, SmtpTransport } from './types';

/** An SMTP refusal: the reply code and its text (with the enhanced status code, RFC 3463). */
export interface Refusal {
  code: number;
  text: string;
}

/** What the listener saw of one session. */
export interface InboundSession {
  conn: string;
  transport: SmtpTransport;
  secure: boolean;
  viaStartTls: boolean;
  tls?: { protocol: string | null; cipher: string };
  /** the verdict on the client's certificate (TLS sessions only) */
  peer?: PeerJudgement;
  /** the session was refused as a whole (at the TLS stage) */
  refused?: Refusal;
  auth: Array<{ method: string; username?: string; secure: boolean; outcome: 'success' | 'failure' }>;
  /** commands the listener refused, in order (the first 100; `refusalsNotKept` counts the rest) */
  refusals: Array<{ command: string } & Refusal>;
  refusalsNotKept?: number;
  messages: number;
}

export interface ReceivedMessage {
  conn: string;
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  peer?: PeerJudgement;
  /** the SMTP AUTH identity, when the session authenticated */
  user?: string;
  /** the listener's identity to put in a Received header */
  receivedBy: string;
}

export interface SmtpAuthPolicy {
  mechanisms: Array<'PLAIN' | 'LOGIN'>;
  /** the user name to record when the credentials are right */
  verify(username: string, password: string): string | undefined;
  /** every transaction needs AUTH first */
  required: boolean;
}

export interface SmtpListenerOptions {
  /** transcript name, e.g. 'EVVM Server' */
  actor: string;
  /** the other end in transcripts, e.g. 'Peer EVVM Server' */
  peer: string;
  host?: string;
  /** the host name in the greeting and Received headers */
  name: string;
  listen: { starttls?: boolean; implicitTls?: boolean };
  ports?: { smtp?: number; smtps?: number };
  tls: { key: string; cert: string };
  /** client certificates: requested on every TLS session, judged by this policy */
  clientPolicy: LinkPolicy;
  /** fault hook: accept a client the policy refuses */
  acceptClient?: (j: PeerJudgement) => boolean;
  /** SMTP AUTH (the deposit interface); omitted: AUTH is not offered */
  auth?: SmtpAuthPolicy;
  /** fault hook: AUTH before TLS is not refused with 538 */
  allowInsecureAuth?: () => boolean;
  /** fault hook: STARTTLS is not offered (default: offered) */
  offerStartTls?: () => boolean;
  /** mail transactions need TLS (default true) */
  requireTls?: () => boolean;
  /** fault hook: TLS 1.0 and 1.1 handshakes complete (STD-07); read when the listener starts */
  acceptLegacyTls?: () => boolean;
  onMailFrom?(from: string, session: InboundSession): Refusal | undefined;
  onRcptTo?(to: string, session: InboundSession): Refusal | undefined;
  onMessage(message: ReceivedMessage, session: InboundSession): Promise<Refusal | undefined> | Refusal | undefined;
  transcript?: TranscriptSink;
  /** the biggest message accepted, default 1 MiB */
  maxMessageBytes?: number;
  /** idle time after which a session gets `421 Timeout` (default 5 min, RFC 5321 §4.5.3.2.7) */
  idleTimeoutMs?: number;
  /** a session must pass the TLS client check or SMTP AUTH within this from its start (default 60 s) */
  preAuthTimeoutMs?: number;
  /** simultaneous sessions per listener; more get `421 Too many connected clients` (default 256) */
  maxConnections?: number;
  /** what the listener accepts over its life, a copy per recipient counted, before answering 452 (default MESSAGE_QUOTA) */
  quota?: { messages: number; bytes: number };
}

/** Messages a listener accepts, each recipient's copy counted: what the roles keep of them stays bounded. */
export const MESSAGE_QUOTA = { messages: 5000, bytes: 64 * 1024 * 1024 } as const;

/** RCPT TO per transaction (RFC 5321 §4.5.3.1.8: at least 100 must be accepted); each is a copy of the message. */
export const MAX_RECIPIENTS = 100;
/** Sessions whose observations are kept; the oldest go first, and the observations say how many went. */
export const MAX_SESSIONS_KEPT = 1000;
/** Refused commands kept per session. */
const MAX_REFUSALS_KEPT = 100;

const refusal = (code: number, text: string): Error & { responseCode: number } => Object.assign(new Error(text), { responseCode: code });

let seq = 0;

/**
 * smtp-server holds every new connection for a fixed 100 ms before the greeting (its early-talker
 * check, an anti-spam measure). Our listeners talk only to simulators and test clients, and a suite of a
 * few hundred sessions must stay fast, so for our servers only the greeting goes out at once. The
 * replacement does what init() does in 3.21.6 (pinned), minus the timer; other servers are untouched.
 */
const undelayed = new WeakSet<SMTPServer>();
const originalInit = SMTPConnection.prototype.init;
SMTPConnection.prototype.init = function (this: SMTPConnection): void {
  if (!undelayed.has(this._server)) return originalInit.call(this);
  this._setListeners(() => {
    const max = this._server.options.maxClients;
    if (max && this._server.connections.size > max) return this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
    setImmediate(() => this.connectionReady());
  });
};

/**
 * smtp-server 3.21.6's SMTPStream.continue() calls the stored continuation and only then clears it. The
 * continuation parses what the client pipelined after the message; when that holds a whole further
 * transaction (MAIL, RCPT, DATA, body, end of data), parsing it stores the next continuation, which the
 * clearing then throws away: the session never reads again and ends in `421 Timeout` (issue 12, item 13).
 * The replacement clears first, then calls; otherwise it is the same.
 */
SMTPStream.prototype.continue = function (this: SMTPStream): void {
  const next = this._continueCallback;
  if (typeof next === 'function') {
    this._continueCallback = false;
    next();
  } else this._continueCallback = true;
};

export class SmtpListener {
  private readonly servers: Array<{ transport: SmtpTransport; server: SMTPServer }> = [];
  private readonly sessions = new Map<string, InboundSession>();
  private readonly order: InboundSession[] = [];
  private sessionsNotKept = 0;
  /** copies accepted so far, against the quota */
  private readonly accepted = { messages: 0, bytes: 0 };
  /** pending pre-authentication deadlines, by smtp-server session id */
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private readonly transcript: TranscriptSink;
  private readonly prefix = `smtp-s${++seq}`;

  constructor(private readonly options: SmtpListenerOptions) {
    this.transcript = options.transcript ?? nullSink;
    if (options.listen.starttls) this.servers.push({ transport: 'starttls', server: this.build('starttls') });
    if (options.listen.implicitTls) this.servers.push({ transport: 'implicit-tls', server: this.build('implicit-tls') });
  }

  async start(): Promise<{ smtp?: number; smtps?: number }> {
    const ports: { smtp?: number; smtps?: number } = {};
    for (const { transport, server } of this.servers) {
      const want = transport === 'starttls' ? this.options.ports?.smtp : this.options.ports?.smtps;
      const port = await new Promise<number>((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(want ?? 0, this.options.host ?? '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
      });
      if (transport === 'starttls') ports.smtp = port;
      else ports.smtps = port;
    }
    return ports;
  }

  /** Closes the listeners and every session at once. */
  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            for (const c of (server as unknown as { connections: Set<{ _socket?: { destroy(): void } }> }).connections) c._socket?.destroy();
            server.close(() => resolve());
          }),
      ),
    );
  }

  observations(): InboundSession[] {
    return this.order.map((s) => ({ ...s, auth: [...s.auth], refusals: [...s.refusals] }));
  }

  /** Sessions whose observations were dropped (only the last MAX_SESSIONS_KEPT are kept). */
  get sessionsDropped(): number {
    return this.sessionsNotKept;
  }

  private session(s: SMTPServerSession, transport: SmtpTransport): InboundSession {
    let o = this.sessions.get(s.id);
    if (!o) {
      o = { conn: `${this.prefix}-${s.id.slice(0, 6)}`, transport, secure: false, viaStartTls: false, auth: [], refusals: [], messages: 0 };
      this.sessions.set(s.id, o);
      this.order.push(o);
      if (this.order.length > MAX_SESSIONS_KEPT) {
        this.order.shift();
        if (++this.sessionsNotKept === 1) this.record(undefined, 'event', `evidence limit: only the last ${MAX_SESSIONS_KEPT} sessions' observations are kept`, 'tcp');
      }
    }
    return o;
  }

  /** The session passed the TLS client check or SMTP AUTH: the pre-authentication deadline no longer applies. */
  private authenticatedSession(id: string): void {
    clearTimeout(this.deadlines.get(id));
    this.deadlines.delete(id);
  }

  private record(conn: string | undefined, dir: 'send' | 'recv' | 'event', text: string, channel: 'smtp' | 'tls' | 'tcp' = 'smtp', tls?: TlsHandshakeEvidence): void {
    this.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel, dir, text, ...(conn ? { conn } : {}), ...(tls ? { tls } : {}) });
  }

  private refuse(o: InboundSession, command: string, r: Refusal): Error {
    if (o.refusals.length < MAX_REFUSALS_KEPT) o.refusals.push({ command, ...r });
    else o.refusalsNotKept = (o.refusalsNotKept ?? 0) + 1;
    return refusal(r.code, r.text);
  }

  private build(transport: SmtpTransport): SMTPServer {
    const opts = this.options;
    const conns = new Map<string, string>();
    const connOf = (cid: unknown): string | undefined => (typeof cid === 'string' ? conns.get(cid) : undefined);
    const logger = {
      // smtp-server logs every command ('C:') and reply ('S:'); AUTH arguments arrive already hidden
      debug: (meta: { tnx?: string; cid?: string } | undefined, label?: string, line?: unknown) => {
        if (meta?.tnx === 'command' && label === 'C:') this.record(connOf(meta.cid), 'recv', String(line));
        else if (meta?.tnx === 'send' && label === 'S:') for (const l of String(line).split('\r\n')) this.record(connOf(meta.cid), 'send', l);
      },
      info: () => undefined,
      warn: () => undefined,
      error: (meta: { tnx?: string; cid?: string; err?: Error } | undefined, label?: string) => {
        if (meta?.tnx === 'connection' || meta?.tnx === 'tls' || meta?.err) this.record(connOf(meta?.cid), 'event', `error: ${meta?.err?.message ?? label ?? 'unknown'}`, 'tcp');
      },
    };
    const server: SMTPServer = new SMTPServer({
      secure: transport === 'implicit-tls',
      name: opts.name,
      key: opts.tls.key,
      cert: opts.tls.cert,
      ca: opts.clientPolicy.trustAnchors,
      ...(opts.clientPolicy.crl && opts.clientPolicy.crl.length ? { crl: [...opts.clientPolicy.crl] } : {}),
      // ask every TLS client for its certificate, decide in onSecure so the reason is evidence
      requestCert: true,
      rejectUnauthorized: false,
      // smtp-server's own default floor is TLS 1.0; RFC 8996 (STD-07) forbids it
      ...tlsVersionFloor(opts.acceptLegacyTls?.() ?? false),
      authMethods: opts.auth?.mechanisms ?? [],
      authOptional: !opts.auth?.required,
      disabledCommands: opts.auth ? [] : ['AUTH'],
      size: opts.maxMessageBytes ?? 1024 * 1024,
      hideSize: false,
      hideDSN: true,
      disableReverseLookup: true,
      logger,
      closeTimeout: 200,
      socketTimeout: opts.idleTimeoutMs ?? 5 * 60_000,
      maxClients: opts.maxConnections ?? 256,
      maxRecipients: MAX_RECIPIENTS,
      onConnect: (s, cb) => {
        const o = this.session(s, transport);
        conns.set(s.id, o.conn);
        // a slow client (a byte now and then) resets the idle timer: this deadline it cannot
        const preAuthMs = opts.preAuthTimeoutMs ?? 60_000;
        const deadline = setTimeout(() => {
          this.deadlines.delete(s.id);
          const c = [...(server as unknown as { connections: Set<{ id: string; send(code: number, text: string): void }> }).connections].find((x) => x.id === s.id);
          this.record(o.conn, 'event', `not authenticated within ${preAuthMs} ms: closing`, 'tcp');
          c?.send(421, `${opts.name} 4.4.2 Not authenticated in time, closing connection`);
        }, preAuthMs);
        deadline.unref();
        this.deadlines.set(s.id, deadline);
        this.record(o.conn, 'event', `connection from ${s.remoteAddress}:${s.remotePort} (${transport})`, 'tcp');
        // faults are read per session so a control API can switch them at run time
        server.options.allowInsecureAuth = opts.allowInsecureAuth?.() ?? false;
        const offer = opts.offerStartTls?.() ?? true;
        s.disabledCommands = [...(opts.auth ? [] : ['AUTH']), ...(offer ? [] : ['STARTTLS'])];
        cb();
      },
      onSecure: (socket, s, cb) => {
        const o = this.session(s, transport);
        conns.set(s.id, o.conn);
        const t = socket as TLSSocket;
        const c = t.getCipher();
        o.secure = true;
        o.viaStartTls = transport === 'starttls';
        o.tls = { protocol: t.getProtocol(), cipher: c.standardName ?? c.name };
        o.peer = judgePeer(t, opts.clientPolicy, opts.acceptClient ? { override: opts.acceptClient } : {});
        this.record(o.conn, 'event', `${o.tls.protocol ?? 'TLS'} ${o.tls.cipher}${o.viaStartTls ? ' (STARTTLS)' : ''}; ${describeJudgement(o.peer)}`, 'tls', tlsHandshakeEvidence(t, 'server'));
        if (!o.peer.accepted) {
          o.refused = { code: 554, text: `5.7.1 Client not authenticated: ${o.peer.reason}` };
          return cb(refusal(o.refused.code, o.refused.text));
        }
        if (o.peer.authenticated) this.authenticatedSession(s.id);
        cb();
      },
      onAuth: (auth: SMTPServerAuthentication, s, cb) => {
        const o = this.session(s, transport);
        const user = auth.method === 'PLAIN' || auth.method === 'LOGIN' ? opts.auth?.verify(auth.username ?? '', auth.password ?? '') : undefined;
        o.auth.push({ method: auth.method, ...(auth.username !== undefined ? { username: auth.username } : {}), secure: s.secure, outcome: user ? 'success' : 'failure' });
        if (!user) return cb(refusal(535, '5.7.8 Authentication credentials invalid'));
        this.authenticatedSession(s.id);
        cb(null, { user });
      },
      onMailFrom: (address: SMTPServerAddress, s, cb) => {
        const o = this.session(s, transport);
        if (!s.secure && (opts.requireTls?.() ?? true)) return cb(this.refuse(o, 'MAIL', { code: 530, text: '5.7.0 Must issue a STARTTLS command first' }));
        const r = opts.onMailFrom?.(address.address, o);
        cb(r ? this.refuse(o, 'MAIL', r) : null);
      },
      onRcptTo: (address: SMTPServerAddress, s, cb) => {
        const o = this.session(s, transport);
        const r = opts.onRcptTo?.(address.address, o);
        cb(r ? this.refuse(o, 'RCPT', r) : null);
      },
      onClose: (s) => this.authenticatedSession(s.id),
      onData: (stream, s, cb) => {
        const o = this.session(s, transport);
        const chunks: Buffer[] = [];
        // past the size limit the rest is read and counted (the client is still sending) but not kept
        stream.on('data', (c: Buffer) => {
          if (!stream.sizeExceeded) chunks.push(c);
        });
        stream.on('error', (err: Error) => cb(refusal(451, `4.3.0 ${err.message}`)));
        stream.on('end', () => {
          if (stream.sizeExceeded) return cb(this.refuse(o, 'DATA', { code: 552, text: '5.3.4 Message too big' }));
          const message: ReceivedMessage = {
            conn: o.conn,
            from: s.envelope.mailFrom ? s.envelope.mailFrom.address : '',
            to: s.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            secure: s.secure,
            receivedBy: opts.name,
            ...(o.peer ? { peer: o.peer } : {}),
            ...(typeof s.user === 'string' ? { user: s.user } : {}),
          };
          const copies = Math.max(1, message.to.length);
          const quota = opts.quota ?? MESSAGE_QUOTA;
          if (this.accepted.messages + copies > quota.messages || this.accepted.bytes + copies * message.raw.length > quota.bytes) {
            return cb(this.refuse(o, 'DATA', { code: 452, text: `4.3.1 Insufficient system storage: this listener keeps at most ${quota.messages} messages and ${quota.bytes} bytes` }));
          }
          Promise.resolve()
            .then(() => opts.onMessage(message, o))
            .then(
              (r) => {
                if (r) return cb(this.refuse(o, 'DATA', r));
                o.messages++;
                this.accepted.messages += copies;
                this.accepted.bytes += copies * message.raw.length;
                cb(null, `2.0.0 Accepted (${message.raw.length} bytes)`);
              },
              (err: Error) => cb(this.refuse(o, 'DATA', { code: 451, text: `4.3.0 ${err.message}` })),
            );
        });
      },
    });
    undelayed.add(server);
    // a failing listener socket must not crash the process
    server.on('error', (err: Error) => this.record(undefined, 'event', `listener error: ${err.message}`, 'tcp'));
    return server;
  }
}
