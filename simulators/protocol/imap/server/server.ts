/**
 * The IMAP server: an implicit-TLS listener and/or a plain listener offering STARTTLS. STARTTLS uses one
 * tls.Server with the real options and `emit('connection', plainSocket)` (stack.md §2.2: a standalone
 * TLSSocket never sets `authorized`). Client certificates are requested with rejectUnauthorized false,
 * so the handshake completes and the backend decides from `authorized` / `authorizationError`, which are
 * recorded as evidence. PSK-TLS (TLS 1.2 PSK suites and TLS 1.3 external PSK) is on when a PSK lookup is given.
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { nullSink, type TranscriptSink } from '../../../../evidence/transcript';
import { pemCertificateEvidence, tlsHandshakeEvidence, type TlsHandshakeEvidence } from '../../../../evidence/tls';
import { tlsVersionFloor } from '../../../crypto/tls-versions';
import type { ImapBackend, ListenerKind, PeerCertificateInfo, TlsInfo } from './backend';
import { MAX_LINE, MAX_LITERAL } from './framing';
import { ConnectionRecord, EvidenceBudget, ImapSession, type SessionHost } from './session';

export interface ImapTlsOptions {
  key: string | Buffer;
  /** leaf then intermediates */
  cert: string | Buffer;
  /** trust anchors for client certificates */
  ca?: string | Buffer | Array<string | Buffer>;
  /** CRLs for every CA in the client chain (Node turns on CRL_CHECK_ALL) */
  crl?: string | Buffer | Array<string | Buffer>;
  /** ask for a client certificate (verification is then the backend's decision) */
  requestCert?: boolean;
  /** PSK-TLS: the key for an identity, or undefined when unknown */
  psk?: (identity: string) => Buffer | undefined;
  pskIdentityHint?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  /** accept TLS 1.0 and 1.1 (a fault: STD-07); default TLS 1.2 and up. Read at start and by reloadTls(). */
  legacyVersions?: () => boolean;
}

export interface ImapServerOptions {
  /** transcript name, in the spec's words */
  actor?: string;
  /** the other end in transcripts */
  peer?: string;
  /** connection ids are `${connPrefix}-${n}` */
  connPrefix?: string;
  host?: string;
  listen: { implicitTls?: boolean; plain?: boolean; starttls?: boolean };
  /** fixed ports (default 0, ephemeral) */
  ports?: { imaps?: number; imap?: number };
  tls?: ImapTlsOptions;
  backend: ImapBackend;
  transcript?: TranscriptSink;
  /** RFC 9051 §5.4 autologout once authenticated (default 30 min) */
  idleTimeoutMs?: number;
  /** a connection must authenticate within this from its start (default 60 s) */
  preAuthTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** simultaneous connections; more are told `* BYE too many connections` (default 256) */
  maxConnections?: number;
  limits?: { maxLine?: number; maxLiteral?: number };
  /** client bytes kept for evidence, all connections together and per connection (default 64 MiB, 8 MiB) */
  evidence?: { total: number; perConnection: number };
}

/** Connection records kept for evidence; the oldest closed ones go first. */
const MAX_RECORDS = 1000;

export const PSK_CIPHERS = 'PSK-AES128-GCM-SHA256:PSK-AES256-GCM-SHA384:PSK-CHACHA20-POLY1305';

function dn(s: string | undefined): string {
  return (s ?? '').split('\n').filter(Boolean).join(', ');
}

function peerCertificate(sock: tls.TLSSocket): PeerCertificateInfo | undefined {
  let x: X509Certificate | undefined;
  try {
    x = sock.getPeerX509Certificate();
  } catch {
    x = undefined;
  }
  if (!x) return undefined;
  const info: PeerCertificateInfo = {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    fingerprint256: x.fingerprint256,
    serialNumber: x.serialNumber,
    validFrom: x.validFrom,
    validTo: x.validTo,
  };
  if (x.subjectAltName) info.subjectAltName = x.subjectAltName;
  return info;
}

export function describeTls(info: TlsInfo): string {
  const cert = info.peerCertificate;
  const who = info.pskIdentity !== undefined
    ? `PSK identity "${info.pskIdentity}"`
    : cert
      ? `client certificate "${cert.subject}" issued by "${cert.issuer}" (SHA-256 ${cert.fingerprint256})${cert.subjectAltName ? ` SAN ${cert.subjectAltName}` : ''}`
      : 'no client certificate';
  const verdict = info.authorized ? 'authorized' : `not authorized: ${info.authorizationError ?? 'unknown reason'}`;
  return `TLS ${info.viaStartTls ? 'via STARTTLS' : 'implicit'} established: ${info.protocol ?? '?'} ${info.cipher}; ${who}; ${verdict}`;
}

export class ImapServer implements Omit<SessionHost, 'upgrade' | 'sessionClosed'> {
  readonly actor: string;
  readonly peer: string;
  readonly transcript: TranscriptSink;
  readonly backend: ImapBackend;
  readonly idleTimeoutMs: number;
  readonly preAuthTimeoutMs: number;
  readonly limits: { maxLine: number; maxLiteral: number };
  private readonly maxConnections: number;
  private readonly evidence: EvidenceBudget;
  private recordsDropped = 0;
  private readonly options: ImapServerOptions;
  private readonly prefix: string;
  private counter = 0;
  private implicitServer: tls.Server | undefined;
  private plainServer: net.Server | undefined;
  /** the TLS server STARTTLS hands plain sockets to (never listens) */
  private upgradeServer: tls.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly byRemote = new Map<string, ConnectionRecord>();
  private readonly pending = new Map<string, { resolve: (s: tls.TLSSocket) => void; reject: (e: Error) => void }>();
  private readonly pskIdentities = new WeakMap<tls.TLSSocket, string>();
  private readonly records: ConnectionRecord[] = [];
  private readonly live = new Set<ImapSession>();

  constructor(options: ImapServerOptions) {
    this.options = options;
    this.actor = options.actor ?? 'IMAP Server';
    this.peer = options.peer ?? 'IMAP client';
    this.prefix = options.connPrefix ?? this.actor.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    this.transcript = options.transcript ?? nullSink;
    this.backend = options.backend;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60 * 1000;
    this.preAuthTimeoutMs = options.preAuthTimeoutMs ?? 60 * 1000;
    this.maxConnections = options.maxConnections ?? 256;
    this.evidence = options.evidence ? new EvidenceBudget(options.evidence.total, options.evidence.perConnection) : new EvidenceBudget();
    this.limits = { maxLine: options.limits?.maxLine ?? MAX_LINE, maxLiteral: options.limits?.maxLiteral ?? MAX_LITERAL };
    if ((options.listen.implicitTls || options.listen.starttls) && !options.tls) {
      throw new Error('ImapServer: implicit TLS and STARTTLS need tls options');
    }
  }

  get starttlsOffered(): boolean {
    return !!this.options.listen.starttls && !!this.options.tls;
  }

  /** Every connection so far, with its TLS evidence and the plaintext bytes the client sent. */
  connections(): readonly ConnectionRecord[] {
    return this.records;
  }

  /** Sessions currently open (to tell a role's state changes to them, or to close them). */
  sessions(): readonly ImapSession[] {
    return [...this.live];
  }

  private tlsOptions(): tls.TlsOptions {
    const t = this.options.tls!;
    const o: tls.TlsOptions = {
      key: t.key,
      cert: t.cert,
      requestCert: t.requestCert ?? false,
      rejectUnauthorized: false,
      // a client that never completes the handshake is cut then, not after Node's 120 s
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    };
    if (t.ca !== undefined) o.ca = t.ca;
    if (t.crl !== undefined) o.crl = t.crl;
    // Node's default list excludes PSK suites ('!PSK'); add them for TLS 1.2 PSK clients.
    const ciphers = t.ciphers ?? (t.psk ? `${PSK_CIPHERS}:${tls.DEFAULT_CIPHERS.replace(':!PSK', '')}` : undefined);
    Object.assign(o, tlsVersionFloor(t.legacyVersions?.() ?? false, ciphers));
    if (t.minVersion) o.minVersion = t.minVersion;
    if (t.maxVersion) o.maxVersion = t.maxVersion;
    if (t.psk) {
      const lookup = t.psk;
      o.pskCallback = (socket: tls.TLSSocket, identity: string) => {
        this.pskIdentities.set(socket, identity);
        return lookup(identity) ?? null;
      };
      if (t.pskIdentityHint) o.pskIdentityHint = t.pskIdentityHint;
    }
    return o;
  }

  /** Applies the TLS options again to the running listeners (a fault switched at run time). */
  reloadTls(): void {
    if (!this.options.tls) return;
    const opts = this.tlsOptions();
    for (const srv of [this.implicitServer, this.upgradeServer]) srv?.setSecureContext(opts);
  }

  private tlsInfo(sock: tls.TLSSocket, viaStartTls: boolean): TlsInfo {
    const cipher = sock.getCipher();
    const info: TlsInfo = {
      protocol: sock.getProtocol(),
      cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
      authorized: sock.authorized,
      viaStartTls,
    };
    if (sock.authorizationError) info.authorizationError = String(sock.authorizationError);
    const psk = this.pskIdentities.get(sock);
    if (psk !== undefined) info.pskIdentity = psk;
    const cert = peerCertificate(sock);
    if (cert) info.peerCertificate = cert;
    return info;
  }

  private remoteKey(s: net.Socket): string {
    return `${s.remoteAddress}:${s.remotePort}`;
  }

  /** Keeps the record, forgetting the oldest closed one beyond MAX_RECORDS (and saying so). */
  private keep(rec: ConnectionRecord): void {
    this.records.push(rec);
    if (this.records.length <= MAX_RECORDS) return;
    const i = this.records.findIndex((r) => r.closedAt !== undefined);
    if (i < 0) return;
    this.records.splice(i, 1)[0]!.release();
    if (++this.recordsDropped === 1) {
      this.transcript.record({ actor: this.actor, peer: this.peer, channel: 'tcp', dir: 'event', text: `evidence limit: only the last ${MAX_RECORDS} connections' records are kept` });
    }
  }

  /** Over the connection limit: the client is told so (in TLS on the implicit-TLS port) and the connection closed. */
  private overLimit(): boolean {
    return this.sockets.size >= this.maxConnections;
  }

  private refuse(socket: net.Socket, rec: ConnectionRecord): void {
    this.transcript.record({ actor: this.actor, peer: this.peer, channel: 'tcp', dir: 'event', text: `${this.maxConnections} connections open: refused with BYE`, conn: rec.conn });
    socket.end('* BYE too many connections\r\n');
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private accept(raw: net.Socket, listener: ListenerKind): ConnectionRecord {
    raw.on('error', () => undefined); // errors are recorded by the session; never crash on a reset
    raw.setNoDelay(true);
    const rec = new ConnectionRecord(`${this.prefix}-${++this.counter}`, listener, this.remoteKey(raw), this.evidence);
    rec.refused = this.overLimit();
    this.keep(rec);
    this.sockets.add(raw);
    this.byRemote.set(rec.remote, rec);
    raw.once('close', () => {
      this.sockets.delete(raw);
      this.byRemote.delete(rec.remote);
      rec.closedAt ??= new Date();
    });
    this.transcript.record({
      actor: this.actor,
      peer: this.peer,
      channel: 'tcp',
      dir: 'event',
      text: `${listener === 'plain' ? 'plain' : 'implicit TLS'} connection from ${rec.remote}`,
      conn: rec.conn,
    });
    return rec;
  }

  private tlsEvent(rec: ConnectionRecord | undefined, text: string, tls?: TlsHandshakeEvidence): void {
    this.transcript.record({ actor: this.actor, peer: this.peer, channel: 'tls', dir: 'event', text, ...(tls ? { tls } : {}), ...(rec ? { conn: rec.conn } : {}) });
  }

  /** What this server presented in a handshake that failed (the socket no longer says). */
  private failedHandshake(error: string): TlsHandshakeEvidence {
    const presented = pemCertificateEvidence(this.options.tls!.cert);
    return { side: 'server', ...(presented ? { ownCertificate: presented } : {}), error };
  }

  private startSession(rec: ConnectionRecord, socket: net.Socket, tlsInfo?: TlsInfo): void {
    const host: SessionHost = {
      actor: this.actor,
      peer: this.peer,
      transcript: this.transcript,
      backend: this.backend,
      starttlsOffered: this.starttlsOffered,
      idleTimeoutMs: this.idleTimeoutMs,
      preAuthTimeoutMs: this.preAuthTimeoutMs,
      limits: this.limits,
      upgrade: (plain, session) => this.upgrade(plain, session),
      sessionClosed: (session) => this.live.delete(session),
    };
    if (rec.refused) {
      this.refuse(socket, rec);
      return;
    }
    const session = new ImapSession(host, rec, socket, tlsInfo);
    this.live.add(session);
    void session.run();
  }

  private upgrade(plain: net.Socket, session: ImapSession): Promise<{ socket: tls.TLSSocket; tls: TlsInfo }> {
    const key = this.remoteKey(plain);
    const timeoutMs = this.options.handshakeTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        plain.destroy();
        reject(new Error(`no TLS handshake within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(key, {
        resolve: (sock) => {
          clearTimeout(timer);
          const info = this.tlsInfo(sock, true);
          session.event('tls', describeTls(info), tlsHandshakeEvidence(sock, 'server'));
          resolve({ socket: sock, tls: info });
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.upgradeServer!.emit('connection', plain);
    });
  }

  async start(): Promise<{ imaps?: number; imap?: number }> {
    const host = this.options.host ?? '127.0.0.1';
    const out: { imaps?: number; imap?: number } = {};
    if (this.options.tls && (this.options.listen.starttls || this.options.listen.implicitTls)) {
      const opts = this.tlsOptions();
      if (this.options.listen.starttls) {
        const up = tls.createServer(opts);
        up.on('secureConnection', (sock: tls.TLSSocket) => {
          sock.on('error', () => undefined);
          const p = this.pending.get(this.remoteKey(sock));
          this.pending.delete(this.remoteKey(sock));
          if (p) p.resolve(sock);
          else sock.destroy();
        });
        up.on('tlsClientError', (err: NodeJS.ErrnoException, sock: tls.TLSSocket) => {
          const key = this.remoteKey(sock);
          const rec = this.byRemote.get(key);
          const text = `${err.code ?? 'TLS_ERROR'}: ${err.message}`;
          if (rec) rec.tlsError = text;
          const p = this.pending.get(key);
          this.pending.delete(key);
          p?.reject(Object.assign(new Error(text), { tls: this.failedHandshake(text) }));
          sock.destroy();
        });
        this.upgradeServer = up;
      }
      if (this.options.listen.implicitTls) {
        const srv = tls.createServer(opts);
        srv.maxConnections = 2 * this.maxConnections; // beyond the refused ones, dropped outright: descriptors stay bounded
        srv.on('connection', (raw: net.Socket) => this.accept(raw, 'implicit-tls'));
        srv.on('secureConnection', (sock: tls.TLSSocket) => {
          sock.on('error', () => undefined);
          const rec = this.byRemote.get(this.remoteKey(sock));
          if (!rec) {
            sock.destroy();
            return;
          }
          const info = this.tlsInfo(sock, false);
          this.tlsEvent(rec, describeTls(info), tlsHandshakeEvidence(sock, 'server'));
          this.startSession(rec, sock, info);
        });
        srv.on('tlsClientError', (err: NodeJS.ErrnoException, sock: tls.TLSSocket) => {
          const rec = this.byRemote.get(this.remoteKey(sock));
          const text = `${err.code ?? 'TLS_ERROR'}: ${err.message}`;
          if (rec) rec.tlsError = text;
          this.tlsEvent(rec, `TLS handshake failed: ${text}`, this.failedHandshake(text));
          sock.destroy(); // with a listener Node leaves the socket open, also after a handshake timeout
        });
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(this.options.ports?.imaps ?? 0, host, () => resolve());
        });
        srv.on('error', (e) => this.tlsEvent(undefined, `implicit TLS listener error: ${e.message}`));
        this.implicitServer = srv;
        out.imaps = (srv.address() as net.AddressInfo).port;
      }
    }
    if (this.options.listen.starttls || this.options.listen.plain) {
      const srv = net.createServer((raw) => {
        const rec = this.accept(raw, 'plain');
        this.startSession(rec, raw);
      });
      srv.maxConnections = 2 * this.maxConnections;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(this.options.ports?.imap ?? 0, host, () => resolve());
      });
      this.plainServer = srv;
      out.imap = (srv.address() as net.AddressInfo).port;
    }
    return out;
  }

  /** Closes the listeners and every connection at once. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    for (const s of this.live) s.destroy();
    const closing: Array<Promise<void>> = [];
    for (const srv of [this.implicitServer, this.plainServer]) {
      if (srv) closing.push(new Promise((resolve) => srv.close(() => resolve())));
    }
    this.implicitServer = undefined;
    this.plainServer = undefined;
    this.upgradeServer = undefined;
    await Promise.all(closing);
  }
}
