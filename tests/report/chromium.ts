/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3 in,
 * fd 4 out, NUL-separated JSON), so a test can load a report, ask the page where things are on screen,
 * and take a screenshot, with no npm package and no port. Every call has a timeout; close() ends the
 * browser this started and removes its profile folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary ($CHROMIUM, else a usual place), or undefined when this machine has none. */
export function findChromium(): string | undefined {
  const env = process.env['CHROMIUM'];
  return [...(env ? [env] : []), ...CANDIDATES].find((p) => existsSync(p));
}

interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
  params?: Record<string, unknown>;
}

export class Chromium {
  private nextId = 0;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; sessionId: string; resolve: () => void }[] = [];
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => this.receive(chunk));
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited: ${this.stderr.trim().split('\n').pop() ?? ''}`));
      this.pending.clear();
    });
  }

  static launch(binary: string): Chromium {
    const profile = mkdtempSync(join(tmpdir(), 'evvm-chromium-'));
    const child = spawn(
      binary,
      ['--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--hide-scrollbars', '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    return new Chromium(child, profile);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.buffer.indexOf('\0'); i >= 0; i = this.buffer.indexOf('\0')) {
      const m = JSON.parse(this.buffer.slice(0, i)) as Message;
      this.buffer = this.buffer.slice(i + 1);
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m);
      } else if (m.method) {
        for (let k = this.waiters.length - 1; k >= 0; k--) {
          const w = this.waiters[k]!;
          if (w.method === m.method && w.sessionId === m.sessionId) {
            this.waiters.splice(k, 1);
            w.resolve();
          }
        }
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`chromium: no answer to ${method} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m.result ?? {})),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  private event(method: string, sessionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`chromium: no ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ method, sessionId, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Opens `url` in a fresh tab of the given size and waits for its load event. */
  async open(url: string, width: number, height: number): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await this.send('Page.enable', {}, sessionId);
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
    const loaded = this.event('Page.loadEventFired', sessionId, 30_000);
    await this.send('Page.navigate', { url }, sessionId);
    await loaded;
    return new Page(this, sessionId);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await this.send('Browser.close', {}, undefined, 5_000).catch(() => this.child.kill('SIGKILL'));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    private readonly browser: Chromium,
    private readonly sessionId: string,
  ) {}

  /** Evaluates an expression in the page (awaiting a promise it returns) and gives back its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.browser.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, this.sessionId)) as {
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** A PNG of what the viewport shows. */
  async screenshot(): Promise<Buffer> {
    const { data } = (await this.browser.send('Page.captureScreenshot', { format: 'png' }, this.sessionId)) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
