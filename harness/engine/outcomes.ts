/**
 * How a scenario can end besides passing. Steps throw these so the roll-up can tell a requirement the
 * IUT violated (CheckFailure) from one the harness could not judge: an IUT that could not be driven or
 * observed is inconclusive, a broken harness or environment is an error — neither is ever a pass, and
 * neither is blamed on the IUT.
 */
export class InconclusiveError extends Error {
  override readonly name = 'InconclusiveError';
}

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

/** A condition (check) tied to a requirement found the IUT non-conformant. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  constructor(
    readonly requirement: string,
    readonly condition: string,
    message: string,
  ) {
    super(`${requirement} ${condition}: ${message}`);
  }
}

export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'error';

/** Classifies what a failed scenario threw. Unknown exceptions are harness errors, not IUT failures. */
export function classifyFailure(error: unknown): { outcome: Outcome; reason: string } {
  if (error instanceof CheckFailure) return { outcome: 'fail', reason: error.message };
  if (error instanceof InconclusiveError) return { outcome: 'inconclusive', reason: error.message };
  if (error instanceof HarnessError) return { outcome: 'error', reason: error.message };
  const message = error instanceof Error ? error.message : String(error);
  // cucumber's own step timeout: the IUT did not answer in time, so nothing was decided
  if (/function timed out/.test(message)) return { outcome: 'inconclusive', reason: `timeout: ${message}` };
  if (error instanceof Error && error.name === 'AssertionError') return { outcome: 'fail', reason: message };
  return { outcome: 'error', reason: `harness error: ${message}` };
}

/** Attachment media types the World writes and the engine reads back. */
export const MEDIA = {
  outcome: 'application/vnd.evvm.outcome+json',
  transcript: 'application/vnd.evvm.transcript+json',
  checks: 'application/vnd.evvm.checks+json',
} as const;
