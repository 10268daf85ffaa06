/**
 * A tiny scripted IMAP server for the raw client's tests: each connection runs an async script that
 * reads client lines and writes canned responses, and can upgrade to TLS for STARTTLS. Not a simulator:
 * it does exactly what a test tells it, including the wrong things.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface ServerTls {
  key: string;
  cert: string;
}

export class ServerSide {
  /** every line received from the client, in order, across the TLS upgrade (read by the script or not) */
  readonly lines: string[] = [];
  /** plaintext received after STARTTLS's OK and thrown away by upgrade() */
  discarded = '';
  secure = false;
  private buffer = '';
  private readonly queue: string[] = [];
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;
  private closedFlag = false;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += chunk.toString('utf8');
    for (let idx = this.buffer.indexOf('\r\n'); idx >= 0; idx = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      this.lines.push(line);
      this.queue.push(line);
    }
    if (this.waiting && this.queue.length > 0) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(this.queue.shift()!);
    }
  };

  constructor(public socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('error', () => undefined);
    socket.on('close', () => this.handleClose());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(...lines: string[]): void {
    if (this.socket.writable) this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
  }

  write(raw: string | Buffer): void {
    if (this.socket.writable) this.socket.write(raw);
  }

  /** The next line from the client (without CRLF). */
  line(timeoutMs = 2000): Promise<string> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    if (this.closedFlag) return Promise.reject(new Error('client closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error('no line from client'));
      }, timeoutMs);
      this.waiting = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** The next command: its tag and the rest of the line. */
  async command(): Promise<{ tag: string; name: string; args: string; line: string }> {
    const line = await this.line();
    const [tag = '', name = '', ...rest] = line.split(' ');
    return { tag, name: name.toUpperCase(), args: rest.join(' '), line };
  }

  /** Server side of STARTTLS: stop reading plaintext (what is queued is discarded), then handshake on the same socket. */
  upgrade(creds: ServerTls, options: tls.TlsOptions = {}): Promise<void> {
    this.socket.removeListener('data', this.onData);
    this.discarded = this.queue.splice(0).map((l) => `${l}\r\n`).join('') + this.buffer;
    this.buffer = '';
    const secure = new tls.TLSSocket(this.socket, { isServer: true, key: creds.key, cert: creds.cert, ...options });
    this.socket = secure;
    secure.on('data', this.onData);
    secure.on('close', () => this.handleClose());
    return new Promise((resolve, reject) => {
      secure.once('secure', () => {
        this.secure = true;
        resolve();
      });
      secure.once('error', reject);
      // A client that rejects our certificate may just close: neither 'secure' nor 'error' fires then.
      secure.once('close', () => reject(new Error('client closed during the TLS handshake')));
    });
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private handleClose(): void {
    this.closedFlag = true;
    this.waiting?.reject(new Error('client closed'));
    this.waiting = undefined;
  }
}

export interface ScriptedServer {
  port: number;
  sessions: ServerSide[];
  /** errors thrown by scripts (a failed expectation on the server side) */
  errors: Error[];
  /** resolves when every script started so far has finished */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedServer(
  script: (s: ServerSide) => Promise<void> | void,
  options: { tls?: ServerTls; tlsOptions?: tls.TlsOptions } = {},
): Promise<ScriptedServer> {
  const sessions: ServerSide[] = [];
  const errors: Error[] = [];
  const running: Promise<void>[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const side = new ServerSide(socket);
    sessions.push(side);
    running.push(
      (async () => {
        try {
          await script(side);
        } catch (err) {
          errors.push(err as Error);
        }
      })(),
    );
  };
  const server = options.tls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert, ...options.tlsOptions }, onSocket)
    : net.createServer(onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sessions,
    errors,
    settled: async () => {
      await Promise.all(running);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      for (const side of sessions) side.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves after ms (for scripts that must hold still). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
