/**
 * The core of the raw SMTP client: one socket (plain, or TLS from the start, or upgraded by STARTTLS), a
 * reply reader (RFC 5321 §4.2: multi-line replies, `250-` then `250 `) and a command writer. Every line
 * goes to the transcript; AUTH arguments never do. Bad or missing replies never hang: each wait has a
 * deadline and a closed socket ends every wait.
 */
import net from 'node:net';
import tls from 'node:tls';
import { tlsVersionFloor } from '../../../crypto/tls-versions';
import type { TranscriptSink } from '../../../../evidence/transcript';
import type { SmtpEndpoint, TlsCredential } from '../types';

export interface SmtpReply {
  code: number;
  /** the text of every line, without the code */
  lines: string[];
  /** the last line's text */
  text: string;
}

export class SmtpClientError extends Error {
  override readonly name = 'SmtpClientError';
}

/** What a TLS layer of the client is built from. */
export interface ClientTls {
  /** PEM anchors the server certificate must chain to */
  trustAnchors: string;
  /** the client certificate, when this end authenticates itself */
  credential?: TlsCredential;
  /** CRLs for every CA of the server's chain (one PEM each) */
  crl?: readonly string[];
  /** offer TLS 1.0 and 1.1 too (a fault: STD-07); default TLS 1.2 and up */
  legacyVersions?: boolean;
}

export interface SmtpConnectionOptions {
  actor: string;
  peer: string;
  endpoint: SmtpEndpoint;
  tls: ClientTls;
  transcript: TranscriptSink;
  /** per reply, default 5 s */
  timeoutMs?: number;
}

const MAX_LINE = 4096;
let seq = 0;

export class SmtpConnection {
  readonly conn = `smtp-c${++seq}`;
  private socket: net.Socket;
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter?: () => void;
  private closedWith?: string;
  private tlsSocket?: tls.TLSSocket;

  private constructor(
    private readonly options: SmtpConnectionOptions,
    socket: net.Socket,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects (with TLS at once for implicit TLS); the greeting is the first reply to read. */
  static async open(options: SmtpConnectionOptions): Promise<SmtpConnection> {
    const { host, port } = options.endpoint;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(s));
      s.once('error', reject);
      s.setTimeout(options.timeoutMs ?? 5000, () => s.destroy(new SmtpClientError('connect timed out')));
    });
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    const c = new SmtpConnection(options, socket);
    c.note('tcp', `connected to ${host}:${port}`);
    if (options.endpoint.transport === 'implicit-tls') await c.upgrade();
    return c;
  }

  get tls(): tls.TLSSocket | undefined {
    return this.tlsSocket;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.onClose(err.message));
    socket.on('close', () => this.onClose('connection closed'));
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    let i: number;
    while ((i = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.lines.push(line);
      this.options.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smtp', dir: 'recv', text: line, conn: this.conn });
    }
    if (this.buffer.length > MAX_LINE) {
      this.onClose('reply line too long');
      this.socket.destroy();
    }
    this.wake();
  }

  private onClose(why: string): void {
    if (this.closedWith === undefined) {
      this.closedWith = why;
      this.note('tcp', `closed: ${why}`);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private note(channel: 'tcp' | 'tls', text: string): void {
    this.options.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel, dir: 'event', text, conn: this.conn });
  }

  /** Reads one reply; a closed connection or the deadline gives code 0 with the reason. */
  async reply(): Promise<SmtpReply> {
    const deadline = Date.now() + (this.options.timeoutMs ?? 5000);
    const collected: string[] = [];
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
        if (!m) return { code: 0, lines: [...collected, line], text: `malformed reply: ${line.slice(0, 80)}` };
        collected.push(m[3]!);
        if (m[2] !== '-') return { code: Number(m[1]), lines: collected, text: m[3]! };
      }
      if (this.closedWith !== undefined) return { code: 0, lines: collected, text: this.closedWith };
      const left = deadline - Date.now();
      if (left <= 0) return { code: 0, lines: collected, text: 'no reply in time' };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Writes one command line; `shown` replaces it in the transcript (AUTH arguments). */
  write(line: string, shown?: string): void {
    this.options.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smtp', dir: 'send', text: shown ?? line, conn: this.conn });
    if (!this.closed) this.socket.write(line + '\r\n');
  }

  /** Writes raw bytes (the DATA body), noted by size only. */
  writeRaw(bytes: Buffer, note: string): void {
    this.options.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smtp', dir: 'send', text: note, conn: this.conn });
    if (!this.closed) this.socket.write(bytes);
  }

  async command(line: string, shown?: string): Promise<SmtpReply> {
    this.write(line, shown);
    return this.reply();
  }

  /**
   * Starts TLS on the socket (implicit TLS, or after `220` to STARTTLS). The server certificate is not
   * judged here: `authorized` carries the chain verdict only and the caller checks the name
   * (peer.ts), so the reason for a refusal is evidence rather than a bare handshake error.
   */
  async upgrade(): Promise<void> {
    const { endpoint, tls: t } = this.options;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.lines.length = 0;
    this.buffer = '';
    const plain = this.socket;
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        socket: plain,
        servername: endpoint.servername,
        ca: t.trustAnchors,
        ...(t.crl && t.crl.length ? { crl: [...t.crl] } : {}),
        ...(t.credential ? { cert: t.credential.chainPem, key: t.credential.keyPem } : {}),
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        ...tlsVersionFloor(!!t.legacyVersions),
      });
      const timer = setTimeout(() => s.destroy(new SmtpClientError('TLS handshake timed out')), this.options.timeoutMs ?? 5000);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    }).catch((err: Error) => {
      this.closedWith = `TLS handshake failed: ${err.message}`;
      this.note('tls', this.closedWith);
      plain.destroy();
      throw new SmtpClientError(this.closedWith);
    });
    this.socket = secure;
    this.tlsSocket = secure;
    this.attach(secure);
    const c = secure.getCipher();
    this.note('tls', `${secure.getProtocol() ?? 'TLS'} ${c.standardName ?? c.name}; client certificate ${t.credential ? 'sent' : 'not sent'}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
