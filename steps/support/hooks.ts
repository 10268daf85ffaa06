import { After, Before, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import type { EvvmWorld } from '../world';
import { beginScenario, scenarioOutcome, scenarioTopology } from '../../harness/engine/scenario';
import { InconclusiveError, MEDIA } from '../../harness/engine/outcomes';
import { handBackSecrets } from '../../harness/engine/handover';
import { runPki } from '../../harness/engine/run-context';
import { shareSecureContexts } from '../../simulators/crypto/secure-contexts';

// A step that waits longer than this is stuck on an IUT: cucumber's timeout is classified inconclusive.
setDefaultTimeout(15_000);

// The run's test PKI is made once, before the first scenario: on a loaded machine its key generation
// alone can outlast a step's timeout, which would make the first scenario inconclusive.
BeforeAll({ timeout: 120_000 }, async () => {
  shareSecureContexts(); // one TLS context per configuration, not per connection (simulators/crypto/secure-contexts)
  await runPki();
});

Before(async function (this: EvvmWorld, { pickle }) {
  const begun = beginScenario(pickle.tags.map((t) => t.name), this.parameters);
  this.requirementIds = begun.requirementIds;
  this.profile = begun.profile;
  if (begun.notApplicable) return this.notApplicable(begun.notApplicable);
  // it applies, but the implementation under test cannot be judged on it: inconclusive, with the reason
  if (begun.unjudged) throw new InconclusiveError(begun.unjudged);
  this.topology = await scenarioTopology(this.parameters, this.profile, this.transcript);
  return undefined;
});

After(async function (this: EvvmWorld, { result, error }) {
  for (const c of this.closeAtEnd) c.close();
  await this.topology?.stop();
  const outcome = scenarioOutcome(result?.status, error ?? result?.exception, this.notApplicableReason, this.topology);
  if (outcome.reason) outcome.reason = this.transcript.scrub(outcome.reason);
  this.attach(JSON.stringify(outcome), MEDIA.outcome);
  this.attach(JSON.stringify(this.transcript.entries()), MEDIA.transcript);
  this.attach(JSON.stringify(this.conditions.records), MEDIA.checks);
  // a parallel worker's secrets (made by its scenarios) must reach the coordinator's report writer
  handBackSecrets();
});
