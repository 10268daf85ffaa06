/** A tiny line-oriented IMAP test client: send bytes, wait for responses, upgrade with STARTTLS. */
import net from 'node:net';
import tls from 'node:tls';

export class RawImap {
  private buf = '';
  private wake: (() => void) | undefined;
  ended = false;
  readonly closed: Promise<void>;
  private closedResolve!: () => void;

  private constructor(public socket: net.Socket) {
    this.closed = new Promise((r) => (this.closedResolve = r));
    this.attach(socket);
  }

  private attach(s: net.Socket): void {
    s.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.notify();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      this.ended = true;
      this.notify();
      this.closedResolve();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  static plain(port: number): Promise<RawImap> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawImap(s)));
      s.once('error', reject);
    });
  }

  static tls(port: number, opts: tls.ConnectionOptions): Promise<RawImap> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ...opts }, () => resolve(new RawImap(s)));
      s.once('error', reject);
    });
  }

  /** Consumes text up to and including the first match of `re` (which must end a line). */
  async until(re: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.buf);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return out;
      }
      if (this.ended) throw new Error(`connection closed while waiting for ${re}; got ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${re}; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  line(timeoutMs?: number): Promise<string> {
    return this.until(/\r\n/, timeoutMs);
  }

  /** Whatever has arrived so far (and stays buffered). */
  pending(): string {
    return this.buf;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends `tag text` and returns everything up to the tagged response line. */
  command(tag: string, text: string, timeoutMs?: number): Promise<string> {
    this.send(`${tag} ${text}\r\n`);
    return this.tagged(tag, timeoutMs);
  }

  tagged(tag: string, timeoutMs?: number): Promise<string> {
    const t = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.until(new RegExp(`(^|\\r\\n)${t} [^\\r\\n]*\\r\\n`), timeoutMs);
  }

  /** STARTTLS, then the TLS handshake on the same socket. */
  async startTls(tag: string, opts: tls.ConnectionOptions): Promise<string> {
    const r = await this.command(tag, 'STARTTLS');
    if (!new RegExp(`${tag} OK`).test(r)) return r;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    this.socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, ...opts }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(this.socket);
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}
