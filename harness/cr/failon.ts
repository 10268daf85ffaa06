/**
 * `--fail-on`: which outcomes make `cr analyze` / `cr diff` exit 1, so CI can gate a CR on what the
 * project cares about. `none` never fails; an unknown name is a usage error.
 */

export const ANALYZE_FAIL_ON = ['uncovered', 'weakened', 'strengthened', 'inverted', 'dropped', 'new', 'lint-error', 'lint-warning'] as const;
export type AnalyzeFailOn = (typeof ANALYZE_FAIL_ON)[number];
/** A statement without a scenario, or a move that weakens, inverts or drops a statement. */
export const DEFAULT_ANALYZE_FAIL_ON: readonly AnalyzeFailOn[] = ['uncovered', 'weakened', 'inverted', 'dropped'];

export const DIFF_FAIL_ON = ['removed', 'weakened', 'inverted', 'added', 'strengthened', 'reworded', 'moved', 'uncovered', 'run-failed'] as const;
export type DiffFailOn = (typeof DIFF_FAIL_ON)[number];
/** A statement removed, weakened or inverted, a changed or new one no scenario tests (as analyze), or (with --run) a scenario that now fails. */
export const DEFAULT_DIFF_FAIL_ON: readonly DiffFailOn[] = ['removed', 'weakened', 'inverted', 'uncovered', 'run-failed'];

/** Bad input from the person calling: the CLI prints the message on one line and exits 2. */
export class CrInputError extends Error {
  override readonly name = 'CrInputError';
}

/** Parses "uncovered,weakened" (spaces allowed), "none", or undefined for the defaults. */
export function parseFailOn<T extends string>(value: string | readonly string[] | undefined, known: readonly T[], defaults: readonly T[]): T[] {
  if (value === undefined) return [...defaults];
  const parts = (typeof value === 'string' ? [value] : value)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) throw new CrInputError(`--fail-on needs a value: none, or a comma-separated list of ${known.join(', ')}`);
  if (parts.includes('none')) {
    if (parts.length > 1) throw new CrInputError('--fail-on none cannot be combined with other values');
    return [];
  }
  const unknown = parts.filter((p) => !(known as readonly string[]).includes(p));
  if (unknown.length > 0) throw new CrInputError(`--fail-on: unknown value${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (known: none, ${known.join(', ')})`);
  return [...new Set(parts)] as T[];
}
