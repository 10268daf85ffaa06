/** A mistake in how the command was called: one line on stderr, exit status 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, fail: 1, usage: 2 } as const;

/** Prints progress on a terminal, stays quiet in CI and when piped. */
export function interactive(): boolean {
  return process.stderr.isTTY === true && !process.env.CI;
}
