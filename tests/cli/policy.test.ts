import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from './cli';

interface Conformance {
  summary: { waived: number; notApplicable: number };
  requirements: Array<{ id: string; verdict: string; reason: string }>;
}

async function runWith(profile: string, tags: string): Promise<{ code: number | null; report: Conformance }> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-policy-'));
  const r = await cli(['run', '--profile', profile, '--tags', tags, '--out', out]);
  return { code: r.code, report: JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Conformance };
}

test('a policy without inter-server mutual authentication waives EVVM-AUTH-08: reported as a waiver, never as a pass', async () => {
  const { code, report } = await runWith('profiles/waiver-inter-server.yaml', '@EVVM-AUTH-08');
  assert.equal(code, 0);
  const req = report.requirements.find((r) => r.id === 'EVVM-AUTH-08')!;
  assert.equal(req.verdict, 'waived');
  assert.match(req.reason, /^waiver: policy\.interfaces\.interServer\.mutualAuth=false/);
  assert.equal(report.summary.waived, 1);
});

test('a policy relaxing the FGW and non-OMA links makes EVVM-AUTH-06/07 not applicable, naming the policy', async () => {
  const { code, report } = await runWith('profiles/relaxed-fgw-nonoma.yaml', '@EVVM-AUTH-06 or @EVVM-AUTH-07');
  assert.equal(code, 0);
  for (const id of ['EVVM-AUTH-06', 'EVVM-AUTH-07']) {
    const req = report.requirements.find((r) => r.id === id)!;
    assert.equal(req.verdict, 'not-applicable', id);
    assert.match(req.reason, /policy\.interfaces\.(forwardingGateway|nonOmaVm)\.mutualAuth=false/, id);
  }
});
