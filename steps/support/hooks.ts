import { After, Before, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { EvvmWorld } from '../world';
import { EmbeddedTopology } from '../../harness/topology/embedded';
import { ExternalTopology } from '../../harness/topology/external';
import { ContainersTopology, fleetLink } from '../../harness/topology/containers/topology';
import { runSecrets } from '../../evidence/secrets';
import { loadIut } from '../../harness/profile/sections/iut';
import { classifyFailure, MEDIA, type Outcome } from '../../harness/engine/outcomes';
import { iutNotReached, notApplicableBeforeRun } from '../../harness/engine/applicability';
import { isRequirementId } from '../../harness/catalogue';
import { handBackSecrets } from '../../harness/engine/handover';
import { runAccounts, runPki, runProfile } from './run-context';

// A step that waits longer than this is stuck on an IUT: cucumber's timeout is classified inconclusive.
setDefaultTimeout(15_000);

Before(async function (this: EvvmWorld, { pickle }) {
  this.requirementIds = pickle.tags.map((t) => t.name.slice(1)).filter(isRequirementId);
  this.profile = runProfile(this.parameters.profilePath);
  // decided before anything starts: a scenario that is not applicable runs nothing, so it cannot pass
  const excluded = notApplicableBeforeRun(pickle.tags.map((t) => t.name), this.parameters.profilePath ? this.profile.iut?.role : undefined);
  if (excluded) return this.notApplicable(excluded);
  const accounts = runAccounts();
  for (const a of accounts) this.transcript.secret(a.password);
  const pki = await runPki();
  if (this.parameters.topology === 'containers' && this.parameters.fleet) {
    const link = await fleetLink(this.parameters.fleet, pki, accounts, this.profile, runSecrets());
    this.topology = new ContainersTopology(link, pki, this.profile, accounts, this.parameters.faults, this.transcript);
    return;
  }
  const embedded = new EmbeddedTopology(pki, this.profile, accounts, this.parameters.faults, this.transcript);
  // a profile naming an implementation under test (iut:) puts it in one role; the harness plays the others
  this.topology = this.profile.iut && this.parameters.profilePath
    ? new ExternalTopology(embedded, loadIut(this.profile, this.parameters.profilePath), this.profile, pki, this.parameters.faults, this.transcript)
    : embedded;
});

After(async function (this: EvvmWorld, { result, error }) {
  this.testClient?.close();
  await this.topology?.stop();
  let outcome: { outcome: Outcome; reason?: string };
  if (result?.status === Status.PASSED) outcome = { outcome: 'pass' };
  else if (result?.status === Status.SKIPPED && this.notApplicableReason) outcome = { outcome: 'not-applicable', reason: this.notApplicableReason };
  else if (result?.status === Status.FAILED) outcome = classifyFailure(error ?? result.exception);
  else outcome = { outcome: 'error', reason: `scenario ended ${String(result?.status)}` };
  // a scenario that never reached the implementation under test says nothing about it
  if (outcome.outcome === 'pass' && this.topology instanceof ExternalTopology && !this.topology.iutInvolved) {
    outcome = { outcome: 'not-applicable', reason: iutNotReached(this.topology.iut.role) };
  }
  if (outcome.reason) outcome.reason = this.transcript.scrub(outcome.reason);
  this.attach(JSON.stringify(outcome), MEDIA.outcome);
  this.attach(JSON.stringify(this.transcript.entries()), MEDIA.transcript);
  this.attach(JSON.stringify(this.conditions.records), MEDIA.checks);
  // a parallel worker's secrets (made by its scenarios) must reach the coordinator's report writer
  handBackSecrets();
});
