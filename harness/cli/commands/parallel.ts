import { UsageError } from '../usage';

/**
 * `--parallel N`: how many worker processes run scenarios (or selftest's fault runs) at once. Off (1) by
 * default: on the shared 2-core machine each worker's start (its own copy of the support code) cost more
 * than the second core gave back (figures in issue 17's closing note).
 */
export const PARALLEL_HELP = 'worker processes at once, up to the number of cores (default 1: everything in this process)';

export function parseParallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--parallel wants a whole number of workers, at least 1 (got "${value}")`);
  return n;
}
