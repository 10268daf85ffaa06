/** The EVVM Client's SMS filter: originator allow-list (EVVM-SMS-C02) and application port (C03), and their faults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVVM_CLIENT_FAULTS } from '../../simulators/evvm-client/faults';
import { filterSms } from '../../simulators/evvm-client/sms/filter';
import type { ReceivedSms } from '../../simulators/evvm-client/sms/handset';

const policy = { allowList: ['94183', '+15550100'], port: 5499 };
const sms = (over: Partial<ReceivedSms>): ReceivedSms => ({ seq: 0, via: 'network', originator: '94183', port: { destination: 5499, originator: 0, bits: 16 }, text: '//VVM:SYNC:ev=MBU;c=0', ...over });
const none = EVVM_CLIENT_FAULTS.own();

describe('SMS filter', () => {
  it('passes a data SMS to the port from an allow-listed originator (with or without "+")', () => {
    assert.deepEqual(filterSms(sms({}), policy, none), { pass: true });
    assert.deepEqual(filterSms(sms({ originator: '15550100' }), policy, none), { pass: true });
  });

  it('drops other originators, text SMS, other ports and bad headers', () => {
    const check = (s: ReceivedSms, what: 'originator' | 'port'): void => {
      const v = filterSms(s, policy, none);
      assert.equal(v.pass, false);
      if (!v.pass) assert.equal(v.check, what);
    };
    check(sms({ originator: '15559999' }), 'originator');
    check(sms({ originator: 'VVM' }), 'originator');
    check(sms({ port: undefined }), 'port');
    check(sms({ port: { destination: 5500, originator: 0, bits: 16 } }), 'port');
    check(sms({ port: undefined, udhError: 'UDHL runs past the data' }), 'port');
  });

  it('port 0 (legacy text notifications) requires no port', () => {
    assert.deepEqual(filterSms(sms({ port: undefined }), { ...policy, port: 0 }, none), { pass: true });
  });

  it('the faults switch off exactly their check', () => {
    assert.deepEqual(filterSms(sms({ originator: '15559999' }), policy, EVVM_CLIENT_FAULTS.own(['evvm-client:accept-any-originator'])), { pass: true });
    assert.deepEqual(filterSms(sms({ port: undefined }), policy, EVVM_CLIENT_FAULTS.own(['evvm-client:ignore-port'])), { pass: true });
    assert.equal(filterSms(sms({ originator: '15559999', port: undefined }), policy, EVVM_CLIENT_FAULTS.own(['evvm-client:ignore-port'])).pass, false);
  });
});
