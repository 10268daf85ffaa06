/**
 * Benchmark: what a person waits for, through the compiled CLI as they run it. The start time of each
 * command (median of N runs), the wall time of the full embedded suite (first with no cache of parsed
 * catalogue and features, nor of compiled code, then warm) and of the selftest, sequential and, when
 * `run --help` / `selftest --help` advertise `--parallel`, parallel with one worker per core. Beside each
 * wall time, the CPU time (user + system) of the command and every process it waited for: on a machine
 * others share, the wall time says little and the CPU time compares before with after.
 * Prints figures; it decides nothing (timing never decides a test).
 *
 *   npm run bench:suite [-- --iterations 5]
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../harness/paths';

const CLI = path.resolve(__dirname, '../harness/cli/main.js');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Ran {
  ms: number;
  /** user + system CPU of the command and the processes it waited for; undefined off Linux */
  cpuMs?: number;
  code: number | null;
  stdout: string;
}

/**
 * CPU time (ms) of this process's children that have ended, and of theirs they waited for: Linux's
 * cutime and cstime (/proc/self/stat, in ticks of 10 ms). Undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after the command name, which may hold spaces
  return (Number(fields[13]) + Number(fields[14])) * 10; // fields 16 and 17 of proc(5), counted from 1 before the name
}

/** Runs the CLI to its end; the wall time counts from spawn to exit, node's own start included. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: 'true', ...env } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuAfter = childrenCpuMs();
      resolve({ ms, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuMs: cpuAfter - cpuBefore } : {}), code, stdout });
    });
  });
}

/** `simulate ROLE` from spawn to its ready line; then stopped (SIGTERM) before the next run. */
function simulateUntilReady(role: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, 'simulate', role], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.on('error', reject);
    child.once('exit', (code) => reject(new Error(`simulate ${role} exited with ${code} before its ready line`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      child.removeAllListeners('exit');
      child.once('exit', (code) => resolve({ ms, code, stdout: line }));
      child.kill('SIGTERM');
    });
  });
}

/** "12.3 s (CPU 20.1 s)": the wall time, and the CPU time where it is known. */
function seconds(ran: Ran): string {
  return `${(ran.ms / 1000).toFixed(1).padStart(6)} s${ran.cpuMs !== undefined ? ` (CPU ${(ran.cpuMs / 1000).toFixed(1)} s)` : ''}`;
}

function median(samples: readonly number[]): { median: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

/** The CR `cr analyze` reads: the first seed of ../shared/seeds, or its copy among the test fixtures. */
function crSeed(root: string): string {
  for (const dir of [path.join(root, '../shared/seeds'), path.join(root, 'tests/cr/fixtures')]) {
    const seed = existsSync(dir) ? readdirSync(dir).find((f) => /^000_.*\.txt$/.test(f)) : undefined;
    if (seed) return path.join(dir, seed);
  }
  throw new Error('no CR seed (000_*.txt) in ../shared/seeds or tests/cr/fixtures');
}

/** A whole command (`run`, `selftest`) in a fresh output folder: its wall time and exit status. */
async function whole(command: string, extra: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  const out = await mkdtemp(path.join(os.tmpdir(), `evvm-bench-${command}-`));
  try {
    return await cli([command, ...extra, '--out', out], env);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function advertisesParallel(command: string): Promise<boolean> {
  return /--parallel\b/.test((await cli([command, '--help'])).stdout);
}

async function main(): Promise<void> {
  const iterations = arg('iterations', 5);
  const root = projectRoot();
  const cores = os.availableParallelism();
  process.stdout.write(`node ${process.version}, ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);

  const starts: Array<[string, () => Promise<Ran>]> = [
    ['--version', () => cli(['--version'])],
    ['--help', () => cli(['--help'])],
    ['requirements', () => cli(['requirements'])],
    ['cr analyze', () => cli(['cr', 'analyze', crSeed(root), '--fail-on', 'none'])],
    ['simulate evvm-server (ready line)', () => simulateUntilReady('evvm-server')],
  ];
  process.stdout.write(`start time, median of ${iterations} (min-max): wall, CPU\n`);
  for (const [name, start] of starts) {
    const runs: Ran[] = [];
    for (let i = 0; i < iterations; i++) runs.push(await start());
    const s = median(runs.map((r) => r.ms));
    const cpu = runs.every((r) => r.cpuMs !== undefined) ? `, CPU ${median(runs.map((r) => r.cpuMs!)).median.toFixed(0)} ms` : '';
    process.stdout.write(`  ${name.padEnd(36)} ${s.median.toFixed(0).padStart(6)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)})${cpu}\n`);
  }

  process.stdout.write('\nwall time (CPU time), one run each\n');
  // the first run after an install: no parsed catalogue and features (dist/.cache), and on Node 22+ an empty compile cache
  const compileCache = await mkdtemp(path.join(os.tmpdir(), 'evvm-bench-compile-cache-'));
  try {
    await rm(path.resolve(__dirname, '../.cache'), { recursive: true, force: true });
    const first = await whole('run', [], { NODE_COMPILE_CACHE: compileCache });
    process.stdout.write(`  ${`full embedded suite, first run (${cores} workers)`.padEnd(36)} ${seconds(first)} (exit ${first.code})\n`);
  } finally {
    await rm(compileCache, { recursive: true, force: true });
  }
  for (const command of ['run', 'selftest']) {
    const what = command === 'run' ? 'full embedded suite' : 'selftest';
    const sequential = await whole(command, ['--parallel', '1']); // the default is one worker per core
    process.stdout.write(`  ${`${what}, sequential`.padEnd(36)} ${seconds(sequential)} (exit ${sequential.code})\n`);
    if (await advertisesParallel(command)) {
      const parallel = await whole(command, ['--parallel', String(cores)]);
      process.stdout.write(`  ${`${what}, --parallel ${cores}`.padEnd(36)} ${seconds(parallel)} (exit ${parallel.code})\n`);
    } else {
      process.stdout.write(`  ${`${what}, parallel`.padEnd(36)}      - (\`${command} --help\` advertises no --parallel)\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:suite: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
