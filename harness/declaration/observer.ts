/**
 * The declaration checked against the wire (design.md "Certification"): before the first scenario, what the
 * implementation under test advertises of itself is recorded once (IMAP CAPABILITY before and after TLS, SASL
 * mechanisms, TLS versions and groups; an SMTP peer's EHLO, an SMPP peer's bind response) and compared with
 * the capabilities its profile declares. Each mismatch is a finding in the report; a declared capability the
 * IUT does not offer fails the scenarios that exercise it (harness/conditions/declaration), where otherwise
 * a refusal of what was never offered could pass.
 *
 * One observer per IUT role, in observers/<role>.ts, found by folder (registerDeclarationObserver): a new IUT
 * role plugs in by adding its observer. A role without one is reported as not checked, never as matching.
 */
import path from 'node:path';
import { Transcript } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import { iutSecrets, type Iut, type IutOf, type IutRole } from '../profile/sections/iut';
import type { Advertised, DeclarationCheck, DeclarationFinding } from '../report/model';
import { loadFolder } from '../topology/registry';

/** What an observer saw: the facts in order, and each capability as declared and as offered. */
export interface WireObservation {
  observed: Array<{ what: string; value: string }>;
  capabilities: Advertised[];
  /** why something could not be seen (an unreachable port, a failed handshake) */
  note?: string;
}

export interface ObserverContext<I extends Iut = Iut> {
  iut: I;
  profile: Profile;
  /** every connection the observer makes is recorded here (the report's evidence/declaration.json) */
  transcript: Transcript;
}

export type DeclarationObserver<I extends Iut = Iut> = (ctx: ObserverContext<I>) => Promise<WireObservation>;

const observers = new Map<IutRole, DeclarationObserver>();

/** Registers the observer of an IUT role (`iut.role`): what it advertises, against what the profile declares. */
export function registerDeclarationObserver<R extends IutRole>(role: R, observer: DeclarationObserver<IutOf<R>>): void {
  // the map is keyed by role, so an observer only ever sees the IUT of its own role
  observers.set(role, observer as DeclarationObserver);
}

loadFolder(path.join(__dirname, 'observers'));

/** The findings of a comparison: each capability declared and not offered, or offered and not declared. */
export function findings(capabilities: readonly Advertised[]): DeclarationFinding[] {
  return capabilities.flatMap((c): DeclarationFinding[] => {
    if (c.offered === undefined || c.offered === c.declared) return [];
    const kind = c.declared ? 'declared-not-offered' : 'offered-not-declared';
    const message = c.declared
      ? `${c.capability} is declared (${c.field}) but not offered: ${c.seen}`
      : `${c.capability} is offered but not declared (${c.field}), so its scenarios do not run: ${c.seen}`;
    return [{ capability: c.capability, field: c.field, kind, requirements: c.requirements, message }];
  });
}

/**
 * Observes the implementation under test the profile names and compares what it advertised with the
 * declaration. Never throws for what the IUT does: what could not be seen is said in `note`.
 */
export async function checkDeclaration(profile: Profile, iut: Iut): Promise<DeclarationCheck> {
  const transcript = new Transcript();
  const observer = observers.get(iut.role);
  if (!observer) {
    return { role: iut.role, observed: [], capabilities: [], findings: [], note: `no observer for the role ${iut.role}: its declaration was not checked against the wire`, transcript: [] };
  }
  for (const s of iutSecrets(iut)) transcript.secret(s);
  let seen: WireObservation;
  try {
    seen = await observer({ iut, profile, transcript });
  } catch (err) {
    seen = { observed: [], capabilities: [], note: `the observation failed (${(err as Error).message}): the declaration was not checked` };
  }
  return {
    role: iut.role,
    observed: seen.observed,
    capabilities: seen.capabilities,
    findings: findings(seen.capabilities),
    ...(seen.note !== undefined ? { note: seen.note } : {}),
    transcript: [...transcript.entries()],
  };
}

/** The finding on a capability, if the run's check has one that says it was declared and not offered. */
export function notOffered(check: Pick<DeclarationCheck, 'findings'> | undefined, capability: string): DeclarationFinding | undefined {
  return check?.findings.find((f) => f.kind === 'declared-not-offered' && f.capability === capability);
}
