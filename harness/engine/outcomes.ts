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

/**
 * A role's answer where the topology cannot do what was asked and the scenario is therefore not applicable
 * there (the reason is reported); the step hands it to the World.
 */
export interface NotApplicable {
  readonly notApplicable: string;
}

export type Outcome = 'pass' | 'fail' | 'inconclusive' | 'not-applicable' | 'error';

/** What cucumber keeps of a thrown error when the object itself is not handed to hooks. */
export interface ExceptionInfo {
  type: string;
  message?: string;
}

/**
 * Classifies what a failed scenario threw (the error, or cucumber's record of it). Unknown exceptions are
 * harness errors, not IUT failures.
 */
export function classifyFailure(error: unknown): { outcome: Outcome; reason: string } {
  const type = error instanceof Error ? error.constructor.name : ((error as ExceptionInfo | undefined)?.type ?? 'unknown');
  const message = error instanceof Error ? error.message : ((error as ExceptionInfo | undefined)?.message ?? String(error));
  if (error instanceof CheckFailure || type === 'CheckFailure') return { outcome: 'fail', reason: message };
  if (error instanceof InconclusiveError || type === 'InconclusiveError') return { outcome: 'inconclusive', reason: message };
  if (error instanceof HarnessError || type === 'HarnessError') return { outcome: 'error', reason: message };
  // cucumber's own step timeout: the IUT did not answer in time, so nothing was decided
  if (/function timed out/.test(message)) return { outcome: 'inconclusive', reason: `timeout: ${message}` };
  if (type === 'AssertionError') return { outcome: 'fail', reason: message };
  return { outcome: 'error', reason: `harness error (${type}): ${message}` };
}

/** Attachment media types the World writes and the engine reads back. */
export const MEDIA = {
  outcome: 'application/vnd.evvm.outcome+json',
  transcript: 'application/vnd.evvm.transcript+json',
  checks: 'application/vnd.evvm.checks+json',
} as const;
