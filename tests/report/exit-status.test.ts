import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exitDecision, exitStatusFor } from '../../harness/report';
import { buildReport, reportWith } from './fixture';

describe('exitStatusFor', () => {
  it('is 0 when every applicable requirement passes; warnings, n/a and untested allowed', () => {
    assert.equal(exitStatusFor(reportWith({ A: 'pass' })), 0);
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'warning', C: 'not-applicable', D: 'untested' })), 0);
    assert.equal(exitStatusFor(reportWith({})), 0);
  });

  it('is 1 when a requirement fails, even next to errors', () => {
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'fail' })), 1);
    assert.equal(exitStatusFor(reportWith({ A: 'error', B: 'fail', C: 'inconclusive' })), 1);
    assert.equal(exitStatusFor(buildReport()), 1);
  });

  it('is 2 when nothing failed but something is error or inconclusive', () => {
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'error' })), 2);
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'inconclusive', C: 'warning' })), 2);
  });

  it('is 1 when a requirement regressed from the baseline', () => {
    const baseline = reportWith({ A: 'pass', B: 'pass', C: 'warning', D: 'pass', E: 'pass' });
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'pass', C: 'warning' }), { baseline }), 0, 'absent is not a regression');
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'warning' }), { baseline }), 1, 'pass -> warning');
    assert.equal(exitStatusFor(reportWith({ A: 'pass', B: 'inconclusive' }), { baseline }), 1, 'pass -> inconclusive');
    assert.equal(exitStatusFor(reportWith({ A: 'untested', B: 'not-applicable' }), { baseline }), 0);
    assert.equal(exitStatusFor(reportWith({ C: 'inconclusive' }), { baseline }), 2, 'only a pass can regress');
    const d = exitDecision(reportWith({ A: 'error', B: 'pass' }), { baseline });
    assert.deepEqual(d, { status: 1, failed: [], regressed: [{ id: 'A', from: 'pass', to: 'error' }], undecided: ['A'] });
  });
});
