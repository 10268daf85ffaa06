/** Mobile-originated commands (spec.md §c.4): syntax by version, and case-sensitivity (VVM-07). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMo, parseMo } from '../../simulators/protocol/vvm-sms/mo';

describe('MO commands', () => {
  it('parses the v1.1-v1.3 forms', () => {
    assert.deepEqual(parseMo('Activate:pv=13;ct=Acme.Phone1.14;pt=5499;//VVM'), { ok: true, command: { command: 'Activate', pv: 13, ct: 'Acme.Phone1.14', pt: 5499, prefix: '//VVM' } });
    assert.deepEqual(parseMo('Activate:pv=11;ct=Acme'), { ok: true, command: { command: 'Activate', pv: 11, ct: 'Acme' } });
    assert.deepEqual(parseMo('Deactivate:pv=13;ct=Acme.Phone1.14'), { ok: true, command: { command: 'Deactivate', pv: 13, ct: 'Acme.Phone1.14' } });
    assert.deepEqual(parseMo('STATUS'), { ok: true, command: { command: 'STATUS' } });
    assert.deepEqual(parseMo('STATUS:pv=13;ct=Acme;pt=5499;//VVM'), { ok: true, command: { command: 'STATUS', pv: 13, ct: 'Acme', pt: 5499, prefix: '//VVM' } });
  });

  it('is case-sensitive: "status" and "Status" are not STATUS (VVM-07)', () => {
    for (const t of ['status', 'Status', 'activate:pv=13;ct=x', 'DEACTIVATE:pv=13;ct=x']) assert.equal(parseMo(t).ok, false, t);
  });

  it('rejects malformed commands', () => {
    for (const t of ['Activate', 'Activate:pv=13', 'Activate:pv=9;ct=x', 'Activate:pv=13;ct=' + 'c'.repeat(31), 'Activate:pv=13;ct=x;pt=17000', 'Activate:pv=13;ct=x;pt=1a', 'Activate:pv=13;pv=14;ct=x', 'Activate:pv=13;ct=x;msisdn=15550001', 'Deactivate:pv=13;ct=x;pt=1', 'Activate:pv=13;ct=a=b', 'Activate:pv=13;ct=x;//VVM;pt=1']) {
      assert.equal(parseMo(t).ok, false, t);
    }
  });

  it('encode and parse agree', () => {
    for (const c of [{ command: 'Activate' as const, pv: 13, ct: 'EVVM.Simulator.1', pt: 5499, prefix: '//VVM' }, { command: 'Deactivate' as const, pv: 13, ct: 'x' }, { command: 'STATUS' as const }]) {
      assert.deepEqual(parseMo(encodeMo(c)), { ok: true, command: c });
    }
  });
});
