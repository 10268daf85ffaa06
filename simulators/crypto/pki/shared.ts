/** One test PKI per process: a run generates it once and every role and scenario shares it. */
import { DEFAULT_LEAVES, generateTestPki } from './generate';
import type { TestPki } from './types';

let shared: Promise<TestPki> | undefined;

export function sharedTestPki(): Promise<TestPki> {
  if (!shared) {
    shared = generateTestPki({ leaves: DEFAULT_LEAVES });
    // A failed generation is not cached: the next caller tries again instead of inheriting the error.
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
