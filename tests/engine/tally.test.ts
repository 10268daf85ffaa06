/**
 * RunTally: a requirement settles when the last of its selected scenarios has run, and the roll-up of a
 * run stopped half-way never passes a requirement whose scenarios did not all run. progressEvents: a line
 * per settled requirement in CI, one redrawn line on a terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { loadCatalogue } from '../../harness/catalogue';
import { RunTally } from '../../harness/engine/tally';
import { progressEvents } from '../../harness/cli/progress';
import type { RequirementResult, ScenarioOutcome, ScenarioResult } from '../../harness/report/model';

const catalogue = loadCatalogue();

function scenario(line: number, ids: string[], outcome: ScenarioOutcome = 'pass'): ScenarioResult {
  return { name: `scenario at ${line}`, uri: 'features/x.feature', line, polarity: 'positive', status: outcome === 'pass' ? 'passed' : 'failed', outcome, ...(outcome === 'fail' ? { reason: 'it failed' } : {}), durationMs: 1, tags: ids, requirementIds: ids, steps: [], checks: [], transcript: [] };
}

function plan(tally: RunTally, scenarios: readonly ScenarioResult[]): void {
  for (const s of scenarios) tally.planned({ name: s.name, uri: s.uri, line: s.line, requirementIds: s.requirementIds });
}

test('a requirement settles with its last selected scenario, with the verdict of all of them', () => {
  const settled: RequirementResult[] = [];
  const tally = new RunTally(catalogue, { settled: (r) => settled.push(r) });
  const s = [scenario(1, ['EVVM-AUTH-01']), scenario(2, ['EVVM-AUTH-01', 'STD-02']), scenario(3, ['STD-02'], 'fail')];
  plan(tally, s);
  tally.finished(s[0]!);
  assert.equal(settled.length, 0);
  tally.finished(s[1]!);
  assert.deepEqual(settled.map((r) => [r.id, r.verdict, r.scenarios.length]), [['EVVM-AUTH-01', 'pass', 2]]);
  tally.finished(s[2]!);
  assert.deepEqual(settled.map((r) => [r.id, r.verdict]), [['EVVM-AUTH-01', 'pass'], ['STD-02', 'fail']]);
  assert.deepEqual([tally.ranCount, tally.plannedCount], [3, 3]);
});

test('stopped half-way: a requirement still waiting is inconclusive, a failure that ran stands, one that finished keeps its verdict', () => {
  const tally = new RunTally(catalogue);
  const s = [scenario(1, ['EVVM-AUTH-01']), scenario(2, ['EVVM-AUTH-01']), scenario(3, ['STD-02'], 'fail'), scenario(4, ['STD-02']), scenario(5, ['STD-03'])];
  plan(tally, s);
  // finished out of order, as parallel workers do: the report keeps the plan's order
  tally.finished(s[2]!);
  tally.finished(s[0]!);
  tally.finished(s[4]!);
  const verdicts = new Map(tally.requirements().map((r) => [r.id, r]));
  assert.equal(verdicts.get('EVVM-AUTH-01')!.verdict, 'inconclusive');
  assert.equal(verdicts.get('EVVM-AUTH-01')!.reason, 'the run was interrupted: 1 of 2 scenario(s) ran (1 scenario(s) passed)');
  assert.equal(verdicts.get('STD-02')!.verdict, 'fail');
  assert.equal(verdicts.get('STD-03')!.verdict, 'pass');
  assert.equal(verdicts.get('EVVM-AUTH-02')!.verdict, 'untested', 'not selected: as in any run');
});

test('progress: a line per settled requirement when not on a terminal, a bar redrawn in place on one', () => {
  const lines = new PassThrough();
  let text = '';
  lines.on('data', (d: Buffer) => (text += d.toString()));
  const ci = progressEvents(lines as unknown as NodeJS.WriteStream, false);
  const tally = new RunTally(catalogue, ci);
  const s = [scenario(1, ['EVVM-AUTH-01']), scenario(2, ['STD-02'], 'fail')];
  plan(tally, s);
  for (const x of s) tally.finished(x);
  ci.done();
  assert.equal(text, '1/2 scenarios run; EVVM-AUTH-01 settled: pass (1 scenario(s))\n2/2 scenarios run; STD-02 settled: fail (1 scenario(s))\n');

  text = '';
  const bar = progressEvents(lines as unknown as NodeJS.WriteStream, true);
  const live = new RunTally(catalogue, bar);
  plan(live, s);
  for (const x of s) live.finished(x);
  bar.done();
  assert.ok(!text.includes('\n'), 'one line, redrawn');
  assert.ok(text.includes('\r[############............] 1/2 scenarios\x1b[K'), JSON.stringify(text));
  assert.ok(text.includes('2/2 scenarios, 1 failed\x1b[K'), JSON.stringify(text));
  assert.ok(text.endsWith('\r\x1b[K'), 'cleared at the end');
});
