/**
 * Conditions in the OpenID Foundation conformance suite's sense: each a small named judgement that
 * declares the requirement(s) it evidences and says what it looked at. They live by clause in
 * harness/conditions/<clause>/, so grepping a requirement ID finds them beside its catalogue entry,
 * scenarios and fault sites. A step evaluates one with `world.verify(condition, …)`; the World records
 * it against the scenario's requirements the condition evidences, and a failure fails the scenario.
 */
export interface Judgement {
  ok: boolean;
  /** what was seen, in the spec's words; a failure's message is the scenario's reason */
  message: string;
  evidence?: Record<string, unknown>;
}

export interface Condition<A extends unknown[]> {
  readonly name: string;
  /** the catalogue requirement IDs this condition evidences */
  readonly requirements: readonly string[];
  judge(...args: A): Judgement;
}

export function condition<A extends unknown[]>(name: string, requirements: readonly string[], judge: (...args: A) => Judgement): Condition<A> {
  return { name, requirements, judge };
}

/** Builds a judgement: `ok` decides which message is the one recorded. */
export function judged(ok: boolean, pass: string, fail: string, evidence?: Record<string, unknown>): Judgement {
  return { ok, message: ok ? pass : fail, ...(evidence ? { evidence } : {}) };
}
