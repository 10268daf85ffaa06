import net from 'node:net';
import tls, { type SecureVersion } from 'node:tls';
import type { TranscriptSink } from '../../evidence/transcript';
import { onlyVersion } from '../../simulators/crypto/tls-versions';
import type { TlsApplication } from './tls-version-probe';

export interface SingleVersionTlsServerOptions {
  /** transcript name, e.g. 'Legacy IMAP Server' */
  actor: string;
  application: TlsApplication;
  /** implicit TLS, or a STARTTLS offer first (IMAP, SMTP) */
  upgrade: 'implicit' | 'starttls';
  /** the only version it speaks */
  version: SecureVersion;
  /** the genuine server's certificate and key, so that only the version differs */
  credential: { key: string; cert: string };
  /** the name in its greeting */
  name: string;
  transcript: TranscriptSink;
}

/** What the server saw of its clients; the outcome, never an error text, decides a verdict. */
export interface SingleVersionTlsObservations {
  connections: number;
  /** handshakes that completed, with the version and cipher */
  handshakes: Array<{ protocol: string; cipher: string }>;
  /** bytes clients sent inside TLS */
  applicationBytes: number;
}

const MAX_CONNECTIONS = 16;
const MAX_PREAMBLE = 8192;
/** how long a session stays open after its handshake, to see whether the client speaks in it */
const SESSION_MS = 1000;

/**
 * Test equipment (not a role): a server that speaks exactly one TLS version, standing where a genuine
 * server should be, to see whether a client completes a handshake with it (TLS 1.0 or 1.1: a client
 * that does violates STD-07) and whether it then sends anything. Inside TLS it says no more than an
 * implicit-TLS IMAP greeting (so that a client has something to answer): a session is observed for a
 * moment and closed.
 */
export class SingleVersionTlsServer {
  private readonly server: net.Server;
  private readonly secureContext: tls.SecureContext;
  private readonly sockets = new Set<net.Socket>();
  private readonly seen: SingleVersionTlsObservations = { connections: 0, handshakes: [], applicationBytes: 0 };
  private port = 0;

  constructor(private readonly options: SingleVersionTlsServerOptions) {
    this.secureContext = tls.createSecureContext({ key: options.credential.key, cert: options.credential.cert, ...onlyVersion(options.version) });
    this.server = net.createServer((s) => this.accept(s));
    this.server.maxConnections = MAX_CONNECTIONS;
  }

  async start(host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return { host, port: this.port };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  observations(): SingleVersionTlsObservations {
    return { ...this.seen, handshakes: [...this.seen.handshakes] };
  }

  private note(text: string, dir: 'send' | 'recv' | 'event' = 'event', channel: 'tls' | 'tcp' | 'imap' | 'smtp' = 'tls'): void {
    this.options.transcript.record({ actor: this.options.actor, channel, dir, text });
  }

  private accept(socket: net.Socket): void {
    this.seen.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(5000, () => socket.destroy());
    this.note(`connection from ${socket.remoteAddress}:${socket.remotePort}; speaks only ${this.options.version}`, 'event', 'tcp');
    if (this.options.upgrade === 'implicit') this.secure(socket);
    else this.offerStartTls(socket);
  }

  /** The clear-text part: a greeting that offers STARTTLS, and a go-ahead when the client asks. */
  private offerStartTls(socket: net.Socket): void {
    const { application, name } = this.options;
    const channel = application === 'smtp' ? 'smtp' : 'imap';
    const send = (line: string): void => {
      this.note(line, 'send', channel);
      socket.write(line + '\r\n');
    };
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      if (buf.length > MAX_PREAMBLE) return void socket.destroy();
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        this.note(line, 'recv', channel);
        const go = application === 'smtp' ? this.smtpLine(line, send) : this.imapLine(line, send);
        if (go) {
          socket.off('data', onData);
          return this.secure(socket);
        }
      }
    };
    socket.on('data', onData);
    if (application === 'smtp') send(`220 ${name} ESMTP`);
    else send(`* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ${name} ready`);
  }

  /** Answers one clear-text IMAP command; true when TLS starts. */
  private imapLine(line: string, send: (l: string) => void): boolean {
    const [tag = '*', command = ''] = line.split(' ');
    if (/^STARTTLS$/i.test(command)) {
      send(`${tag} OK Begin TLS negotiation now`);
      return true;
    }
    if (/^CAPABILITY$/i.test(command)) send('* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED');
    send(/^(CAPABILITY|NOOP)$/i.test(command) ? `${tag} OK done` : `${tag} BAD STARTTLS first`);
    return false;
  }

  /** Answers one clear-text SMTP command; true when TLS starts. */
  private smtpLine(line: string, send: (l: string) => void): boolean {
    if (/^STARTTLS$/i.test(line)) {
      send('220 2.0.0 Ready to start TLS');
      return true;
    }
    if (/^(EHLO|HELO) /i.test(line)) {
      send(`250-${this.options.name}`);
      send('250 STARTTLS');
    } else send('530 5.7.0 Must issue a STARTTLS command first');
    return false;
  }

  private secure(socket: net.Socket): void {
    const s = new tls.TLSSocket(socket, { isServer: true, secureContext: this.secureContext });
    s.on('error', (err: NodeJS.ErrnoException) => this.note(`no TLS session: ${err.code ?? err.message}`));
    s.once('secure', () => {
      const c = s.getCipher();
      const done = { protocol: s.getProtocol() ?? 'unknown', cipher: c.standardName ?? c.name };
      this.seen.handshakes.push(done);
      this.note(`handshake completed: ${done.protocol} ${done.cipher}`);
      // the first bytes the client sends inside TLS settle what is observed: the session ends there
      s.once('data', () => setImmediate(() => s.destroy()));
      s.on('data', (d: Buffer) => {
        this.seen.applicationBytes += d.length;
        this.note(`${d.length} byte(s) of application data from the client`);
      });
      if (this.options.application === 'imap' && this.options.upgrade === 'implicit') s.write(`* OK ${this.options.name} ready\r\n`);
      setTimeout(() => s.destroy(), SESSION_MS).unref();
    });
  }
}
