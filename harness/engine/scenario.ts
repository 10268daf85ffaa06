/**
 * One scenario's beginning and end, which the cucumber hooks (steps/support/hooks.ts) only hand over:
 * whether it applies at all, which topology plays its roles, and how its end becomes its outcome.
 */
import type { Transcript } from '../../evidence/transcript';
import { runSecrets } from '../../evidence/secrets';
import { isRequirementId } from '../catalogue';
import type { Profile } from '../profile/profile';
import type { Advertised } from '../report/model';
import { loadIut } from '../profile/sections/iut';
import { ContainersTopology, fleetLink } from '../topology/containers/topology';
import type { FleetInfo } from '../topology/containers/names';
import { EmbeddedTopology } from '../topology/embedded';
import { ExternalTopology } from '../topology/external';
import { deviceAccounts } from '../topology/external/evvm-client';
import { withSubscriberPasswords } from '../profile/sections/iut/evvm-server-sms';
import type { Topology } from '../topology/roles';
import { iutNotReached, notApplicableBeforeRun, unjudgedBeforeRun } from './applicability';
import { classifyFailure, type Outcome } from './outcomes';
import { runAccounts, runPki, runProfile } from './run-context';

/** What the engine hands every scenario (JSON, through cucumber's worldParameters). */
export interface WorldParameters {
  faults: string[];
  profilePath?: string;
  topology: 'embedded' | 'containers';
  /** the run's simulator containers (topology 'containers') */
  fleet?: FleetInfo;
  /** what the implementation under test advertised, per capability, as the run's declaration check saw it (harness/declaration) */
  declaration?: Advertised[];
}

/**
 * The scenario's requirements (from its tags) and profile, and why it is not applicable, if it is not:
 * decided before anything starts, so a scenario that is not applicable runs nothing and cannot pass.
 */
export function beginScenario(tags: readonly string[], params: WorldParameters): { requirementIds: string[]; profile: Profile; notApplicable?: string; unjudged?: string } {
  const profile = runProfile(params.profilePath);
  const requirementIds = tags.map((t) => t.slice(1)).filter(isRequirementId);
  const iut = params.profilePath ? profile.iut?.role : undefined;
  const notApplicable = notApplicableBeforeRun(tags, iut);
  const unjudged = unjudgedBeforeRun(tags, iut);
  return { requirementIds, profile, ...(notApplicable ? { notApplicable } : {}), ...(unjudged ? { unjudged } : {}) };
}

/**
 * Who plays the scenario's roles: the run's containers, or the embedded simulators, with a vendor's
 * implementation under test in one role when the profile names one (iut:).
 */
export async function scenarioTopology(params: WorldParameters, profile: Profile, transcript: Transcript): Promise<Topology> {
  const iut = profile.iut && params.profilePath ? loadIut(profile, params.profilePath) : undefined;
  const accounts = iut?.role === 'evvm-client' ? deviceAccounts(runAccounts(), iut) : iut?.role === 'evvm-server-sms' ? withSubscriberPasswords(runAccounts(), iut) : runAccounts();
  for (const a of accounts) for (const s of [a.password, a.tuiPin]) transcript.secret(s);
  const pki = await runPki();
  if (params.topology === 'containers' && params.fleet) {
    const link = await fleetLink(params.fleet, pki, accounts, profile, runSecrets());
    return new ContainersTopology(link, pki, profile, accounts, params.faults, transcript);
  }
  const embedded = new EmbeddedTopology(pki, profile, accounts, params.faults, transcript);
  return iut ? new ExternalTopology(embedded, iut, profile, pki, params.faults, transcript) : embedded;
}

/**
 * The scenario's outcome from how cucumber says it ended (`status`, and what it threw): not applicable
 * only with the reason the scenario gave; a failure is classified (a check, the IUT, the harness); a pass
 * that never reached the implementation under test says nothing about it.
 */
export function scenarioOutcome(
  status: string | undefined,
  thrown: unknown,
  notApplicableReason: string | undefined,
  topology: Topology | undefined,
): { outcome: Outcome; reason?: string } {
  if (status === 'SKIPPED' && notApplicableReason) return { outcome: 'not-applicable', reason: notApplicableReason };
  if (status === 'FAILED') return classifyFailure(thrown);
  if (status !== 'PASSED') return { outcome: 'error', reason: `scenario ended ${String(status)}` };
  if (topology instanceof ExternalTopology && !topology.iutInvolved) return { outcome: 'not-applicable', reason: iutNotReached(topology.iut.role) };
  return { outcome: 'pass' };
}
