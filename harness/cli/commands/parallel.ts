import { availableParallelism } from 'node:os';
import { UsageError } from '../usage';

/**
 * `--parallel N`: how many worker processes run scenarios (or selftest's fault runs) at once. By default
 * one per core the machine offers this process; 1 runs everything in this process.
 */
export function defaultParallel(): number {
  return availableParallelism();
}

export const PARALLEL_HELP = `worker processes at once (default: one per core, here ${defaultParallel()}; 1: everything in this process)`;

export function parseParallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel wants a whole number of workers, at least 1 (got "${value}")`);
  return n;
}
