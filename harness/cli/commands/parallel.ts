import os from 'node:os';
import { UsageError } from '../usage';

/** `--parallel N`: how many worker processes run scenarios (or selftest's fault runs) at once. */
export const PARALLEL_HELP = 'worker processes at once (default: the number of cores; 1 runs everything in this process)';

export function parseParallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel wants a whole number of workers, at least 1 (got "${value}")`);
  return n;
}

/** One worker per core: the scenarios spend their time in TLS handshakes, which is CPU. */
export function defaultParallel(): number {
  return os.availableParallelism();
}
