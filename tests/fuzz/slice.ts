/**
 * The fuzzing suite's fast slice: 1,000 seeded inputs per protocol (`npm run fuzz` runs 10,000 with a
 * fresh seed). A fixed seed, so a failure replays: `npm run fuzz -- --seed 20261207 --count 1000 --only NAME`.
 * Two files (network and in-process targets) so that node's test runner runs them side by side.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fuzz, summary } from '../../fuzz/runner';
import { TARGETS } from '../../fuzz/targets';

const SEED = 20261207;

export function slice(names: readonly string[]): void {
  for (const target of TARGETS.filter((t) => names.includes(t.name))) {
    it(`${target.name}: 1,000 inputs, no crash, no stall, nothing on stderr, bounded memory`, async () => {
      const r = await fuzz(target, { seed: SEED, count: 1000 });
      const findings = r.findings.map((f) => `${f.kind} ${f.detail} (input ${f.inputSeed})`).join('; ');
      assert.equal(r.crashes, 0, `${summary(r)}: ${findings}`);
      assert.equal(r.stalls, 0, `${summary(r)}: ${findings}`);
      assert.equal(r.stderrBytes, 0, `${summary(r)}: ${findings}`);
      // what stays after a collection: RSS here also counts the test process's transient heap peaks,
      // which `npm run fuzz` keeps small with its own young-generation size
      assert.ok(r.retainedGrowthMiB < 64, summary(r));
    });
  }
}
