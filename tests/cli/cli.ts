import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';

export const CLI = path.resolve(__dirname, '../../harness/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled CLI as a user would, with a deadline so a hang fails the test instead of the suite;
 * `env` adds variables (e.g. the passwordEnv values an IUT profile names).
 */
export function cli(args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`evvm-conformance ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `simulate ROLE [ARGS]` and resolves with its ready line and the process (kill it when done); `env`
 * adds variables. The accounts come with their secrets, read from the ready line's `secrets` file as a user
 * sourcing it would (the line itself names only the variables); `line` is the line as printed.
 */
export async function simulate(role: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<{ ready: Record<string, unknown>; child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [CLI, 'simulate', role, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulate ${role} exited with ${code}`)));
  });
  const ready = JSON.parse(line) as Record<string, unknown>;
  return { ready: await withSecrets(ready), child, line };
}

/** The ready line with each account's `…Env` field resolved from its `secrets` file (NAME=value a line). */
async function withSecrets(ready: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (typeof ready.secrets !== 'string') return ready;
  const values = new Map((await readFile(ready.secrets, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const accounts = (ready.accounts as Array<Record<string, unknown>>).map((a) =>
    Object.fromEntries(Object.entries(a).map(([k, v]) => (k.endsWith('Env') && typeof v === 'string' && values.has(v) ? [k.slice(0, -3), values.get(v)] : [k, v]))),
  );
  return { ...ready, accounts };
}
