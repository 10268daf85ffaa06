/**
 * Benchmark: concurrent IMAP sessions against `simulate evvm-server` (its own process, as users run it):
 * TLS connect with a client certificate, LOGIN, SELECT INBOX, LOGOUT. For scale, the same load generator
 * then drives a bare Node TLS server that answers canned lines: the ceiling on this machine.
 * Prints sessions per second and latency percentiles; timing never decides a test.
 *
 *   node dist/bench/imap-sessions.js [--sessions 2000] [--concurrency 32]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';

interface Target {
  host: string;
  port: number;
  ca: string;
  cert: string;
  key: string;
  user: string;
  password: string;
  caPath: string;
}

/** Calls onLine for every CRLF-terminated line the socket delivers. */
function onLines(socket: tls.TLSSocket, onLine: (line: string) => void): void {
  let buffer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      onLine(line);
    }
  });
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One session; resolves with its latency in ms, rejects on any protocol surprise. */
function session(t: Target): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const script = [`a LOGIN "${t.user}" "${t.password}"`, 'b SELECT INBOX', 'c LOGOUT'];
    const socket = tls.connect({ host: t.host, port: t.port, ca: t.ca, cert: t.cert, key: t.key, servername: 'evvm-server.op.example' });
    let step = -1; // -1: waiting for the greeting
    onLines(socket, (line) => {
      if (step === -1 && line.startsWith('* OK')) {
        step = 0;
        socket.write(script[0] + '\r\n');
      } else if (step >= 0 && line.startsWith(String.fromCharCode(97 + step) + ' ')) {
        if (!line.includes(' OK')) return reject(new Error(`unexpected: ${line}`));
        step++;
        if (step === script.length) {
          socket.end();
          return resolve(performance.now() - started);
        }
        socket.write(script[step] + '\r\n');
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('timeout')));
  });
}

async function load(t: Target, sessions: number, concurrency: number): Promise<{ rate: number; latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sessions) {
        next++;
        try {
          latencies.push(await session(t));
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rate: (latencies.length * 1000) / (performance.now() - started), latencies, errors };
}

function pct(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN).toFixed(1);
}

function print(label: string, r: { rate: number; latencies: number[]; errors: number }): void {
  const s = [...r.latencies].sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} sessions/s   p50 ${pct(s, 50)} ms  p95 ${pct(s, 95)} ms  p99 ${pct(s, 99)} ms  errors ${r.errors}`);
}

async function startSimulator(): Promise<{ target: Target; stop: () => void }> {
  const cli = path.resolve(__dirname, '../harness/cli/main.js');
  const child = spawn(process.execPath, [cli, 'simulate', 'evvm-server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulate exited with ${code}`)));
  });
  const ready = JSON.parse(first) as { endpoints: { imaps: string }; trust: { ca: string; clientCert: string; clientKey: string }; accounts: Array<{ identifiers: string[]; password: string; blocked: boolean }> };
  const [host, port] = ready.endpoints.imaps.split(':') as [string, string];
  const account = ready.accounts.find((a) => !a.blocked)!;
  return {
    target: { host, port: Number(port), caPath: ready.trust.ca, ca: readFileSync(ready.trust.ca, 'utf8'), cert: readFileSync(ready.trust.clientCert, 'utf8'), key: readFileSync(ready.trust.clientKey, 'utf8'), user: account.identifiers[0]!, password: account.password },
    stop: () => child.kill('SIGTERM'),
  };
}

/** The ceiling: a TLS server with the same certificates that answers canned IMAP lines, in its own process. */
function serveBare(pkiDir: string): void {
  const read = (f: string) => readFileSync(path.join(pkiDir, f), 'utf8');
  const server = tls.createServer({ key: read('evvm-server.key'), cert: read('evvm-server.crt'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, (socket) => {
    socket.write('* OK ready\r\n');
    onLines(socket, (line) => {
      const tag = line.slice(0, line.indexOf(' '));
      if (/ SELECT /i.test(line)) socket.write('* 1 EXISTS\r\n* FLAGS (\\Seen)\r\n');
      socket.write(`${tag} OK done\r\n`);
      if (/ LOGOUT/i.test(line)) socket.end();
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
  process.once('SIGTERM', () => process.exit(0));
}

async function startBareServer(like: Target): Promise<{ target: Target; stop: () => void }> {
  const child = spawn(process.execPath, [__filename, '--bare-server', path.dirname(like.caPath)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
  return { target: { ...like, port: (JSON.parse(first) as { port: number }).port }, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const sessions = arg('sessions', 2000);
  const concurrency = arg('concurrency', 32);
  console.log(`${sessions} sessions, ${concurrency} concurrent, TLS with client certificate, LOGIN, SELECT INBOX, LOGOUT`);
  const sim = await startSimulator();
  try {
    await load(sim.target, 100, concurrency); // warm-up
    print('simulate evvm-server', await load(sim.target, sessions, concurrency));
    const bare = await startBareServer(sim.target);
    await load(bare.target, 100, concurrency);
    print('bare Node TLS, canned lines', await load(bare.target, sessions, concurrency));
    bare.stop();
  } finally {
    sim.stop();
  }
}

if (process.argv[2] === '--bare-server') serveBare(process.argv[3]!);
else main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
