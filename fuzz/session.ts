/** A raw client socket that collects what the server says, for the line-based targets. */
import net from 'node:net';

export class RawSession {
  private text = '';
  closed = false;
  private wake: (() => void) | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.text += d.toString('latin1');
      // only the tail matters to a waiter; a flood of replies must not grow the fuzzer instead
      if (this.text.length > 1 << 20) this.text = this.text.slice(-(1 << 16));
      this.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static open(port: number): Promise<RawSession> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawSession(s)));
      s.once('error', reject);
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  write(data: string | Buffer): void {
    if (!this.closed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Everything received so far, consumed. */
  take(): string {
    const t = this.text;
    this.text = '';
    return t;
  }

  /** Waits until what was received satisfies `done` (true), the connection closed ('closed') or `ms` passed ('timeout'). */
  async until(done: (received: string) => boolean, ms: number): Promise<true | 'closed' | 'timeout'> {
    const end = Date.now() + ms;
    for (;;) {
      if (done(this.text)) return true;
      if (this.closed) return 'closed';
      const left = end - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
