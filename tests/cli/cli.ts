import { spawn, type ChildProcess } from 'node:child_process';
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

/** Starts `simulate ROLE` and resolves with its ready line and the process (kill it when done); `env` adds variables. */
export async function simulate(role: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<{ ready: Record<string, unknown>; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'simulate', role, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulate ${role} exited with ${code}`)));
  });
  return { ready: JSON.parse(line) as Record<string, unknown>, child };
}
