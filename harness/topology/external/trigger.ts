/**
 * A trigger command: how the harness makes an implementation under test act (an EVVM Client retrieving, an
 * SMTP server sending). An argv, no shell, every `{placeholder}` replaced; it runs until it has ended and
 * `settled` says what it caused is over, or the timeout. Its output is kept only for the reason it gives.
 */
import { spawn } from 'node:child_process';
import type { TranscriptSink } from '../../../evidence/transcript';

/** Output a command may leave for evidence of why it did not act (its first line). */
const MAX_OUTPUT = 4096;

export interface Trigger {
  argv: readonly string[];
  values: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** names the command in the transcript, e.g. 'trigger command' */
  what: string;
  transcript: TranscriptSink;
  /** polled once the command has ended (its exit code: null when a signal ended it): is what it caused over? */
  settled(exitCode: number | null): boolean | Promise<boolean>;
}

/** Runs the command; answers how it ended ("exited 0", "could not be started (…)", "still running after …"). */
export function runTrigger(t: Trigger): Promise<string> {
  const args = t.argv.map((a) => a.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => t.values[name] ?? whole));
  return new Promise((resolve) => {
    let output = '';
    let exited: string | undefined;
    let polling = false;
    const child = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += d.toString('utf8').slice(0, MAX_OUTPUT - output.length);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const finish = (how: string): void => {
      clearTimeout(timer);
      clearInterval(poll);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      t.transcript.record({ actor: 'harness', channel: 'note', dir: 'event', text: `${t.what} ${t.argv[0]}: ${how}` });
      resolve(how);
    };
    const timer = setTimeout(() => finish(`still running after ${t.timeoutMs} ms, stopped${exited ? ` (${exited})` : ''}`), t.timeoutMs);
    const poll = setInterval(() => {
      if (exited === undefined || polling) return;
      polling = true;
      const done = exited;
      void Promise.resolve(t.settled(child.exitCode))
        .then((over) => over && finish(done), () => undefined)
        .finally(() => (polling = false));
    }, 100);
    child.once('error', (e) => finish(`could not be started (${e.message})`));
    child.once('exit', (code, signal) => {
      const first = output.split('\n').find((l) => l.trim() !== '');
      exited = `exited ${code ?? signal}${code !== 0 && first ? `: ${first.trim().slice(0, 200)}` : ''}`;
    });
  });
}
