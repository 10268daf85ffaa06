/**
 * The fuzzing runner: feeds one target seeded inputs one after the other while a second session probes
 * it, and reports what the issue asks for: crashes (an uncaught exception or unhandled rejection, or an
 * input the target could not take), stalls (the probe answered later than STALL_MS), RSS growth after
 * garbage collection, and anything written to stderr. Each input has its own seed, so any failing one
 * replays alone (`npm run fuzz -- --only NAME --input SEED`).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { Rng } from './rng';

/** A probe slower than this is a stall (another session was starved). */
export const STALL_MS = 1000;

export type Fed = 'answered' | 'unanswered';

/** What a target gives the runner once started. */
export interface Driver {
  /** Sends one input made from `rng`; resolves when it was answered or refused (or the connection closed). */
  feed(rng: Rng): Promise<Fed>;
  /** One ordinary request on a session of its own; resolves when answered. */
  probe(): Promise<void>;
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  start(): Promise<Driver>;
}

export interface Finding {
  kind: 'crash' | 'stall' | 'stderr';
  /** the seed of the input in flight (replay it alone) */
  inputSeed: number;
  detail: string;
}

export interface Report {
  target: string;
  seed: number;
  inputs: number;
  unanswered: number;
  crashes: number;
  stalls: number;
  /** the slowest probe, ms */
  maxProbeMs: number;
  rssGrowthMiB: number;
  /** what is still referenced (JS heap and external memory after a full collection): a leak shows here, V8's high-water mark only in RSS */
  retainedGrowthMiB: number;
  stderrBytes: number;
  ms: number;
  findings: Finding[];
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** The seed of input `i` of a run seeded `seed`. */
export function inputSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}

function memoryMiB(): { rss: number; retained: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss / (1024 * 1024), retained: (m.heapUsed + m.external) / (1024 * 1024) };
}

const growth = (after: number, before: number): number => Math.round((after - before) * 10) / 10;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/** Runs `count` inputs (or the single input `only`) against `target`. */
export async function fuzz(target: Target, options: { seed: number; count: number; only?: number }): Promise<Report> {
  const findings: Finding[] = [];
  const seeds = options.only !== undefined ? [options.only] : Array.from({ length: options.count }, (_, i) => inputSeed(options.seed, i));
  let current = seeds[0] ?? 0;
  let crashes = 0;
  let stderrBytes = 0;
  const note = (kind: Finding['kind'], detail: string): void => {
    if (findings.filter((f) => f.kind === kind).length < 10) findings.push({ kind, inputSeed: current, detail: detail.split('\n')[0]!.slice(0, 300) });
  };
  const onCrash = (e: unknown): void => {
    crashes++;
    note('crash', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  };
  // what the target writes to stderr is noise the issue counts; it still goes out, to be seen
  const realWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    stderrBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    note('stderr', String(chunk));
    return (realWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const driver = await target.start();
  const before = memoryMiB();
  const started = Date.now();
  let stalls = 0;
  let maxProbeMs = 0;
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t0 = Date.now();
      const r = await withTimeout(driver.probe(), 5 * STALL_MS).catch((e: Error) => e);
      const ms = Date.now() - t0;
      maxProbeMs = Math.max(maxProbeMs, ms);
      if (r instanceof Error) note('stall', `probe failed: ${r.message}`);
      if (ms > STALL_MS || r instanceof Error) {
        stalls++;
        note('stall', `probe answered after ${ms} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  let unanswered = 0;
  try {
    for (const s of seeds) {
      current = s;
      try {
        if ((await driver.feed(new Rng(s))) === 'unanswered') unanswered++;
      } catch (e) {
        onCrash(e);
      }
    }
  } finally {
    probing = false;
    await prober;
    await driver.stop();
    process.removeListener('uncaughtException', onCrash);
    process.removeListener('unhandledRejection', onCrash);
    process.stderr.write = realWrite;
  }
  return {
    target: target.name,
    seed: options.seed,
    inputs: seeds.length,
    unanswered,
    crashes,
    stalls,
    maxProbeMs,
    ...((after) => ({ rssGrowthMiB: growth(after.rss, before.rss), retainedGrowthMiB: growth(after.retained, before.retained) }))(memoryMiB()),
    stderrBytes,
    ms: Date.now() - started,
    findings,
  };
}

/** One line per target for a terminal or a CI log. */
export function summary(r: Report): string {
  return (
    `${r.target.padEnd(12)} ${String(r.inputs).padStart(6)} inputs  crashes ${r.crashes}  stalls ${r.stalls} (slowest probe ${r.maxProbeMs} ms)  ` +
    `RSS ${r.rssGrowthMiB >= 0 ? '+' : ''}${r.rssGrowthMiB} MiB (retained ${r.retainedGrowthMiB >= 0 ? '+' : ''}${r.retainedGrowthMiB})  stderr ${r.stderrBytes} B  unanswered ${r.unanswered}  ${(r.ms / 1000).toFixed(1)} s`
  );
}
