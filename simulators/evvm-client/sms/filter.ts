/**
 * The EVVM Client's SMS filter: which SMS may be a VVM notification at all. Only an allow-listed
 * originator (EVVM-SMS-C02; AOSP's "originating number whitelist") and only a data SMS to the
 * configured application port (EVVM-SMS-C03; AOSP's DESTINATION_PORT_DATA_SMS). Port 0 means the
 * operator uses legacy text notifications, so no port is required.
 */
import type { FaultReader } from '../../fault-set';
import type { ReceivedSms } from './handset';

export interface FilterPolicy {
  /** originating addresses of the operator's VVM server (short code or number; '+' ignored) */
  allowList: readonly string[];
  /** the application port notifications must be addressed to; 0: text SMS */
  port: number;
}

export type FilterVerdict = { pass: true } | { pass: false; check: 'originator' | 'port'; reason: string };

const norm = (a: string): string => a.replace(/^tel:/, '').replace(/^\+/, '');

export function filterSms(sms: ReceivedSms, policy: FilterPolicy, faults: FaultReader<'evvm-client'>): FilterVerdict {
  // FAULT evvm-client:accept-any-originator (EVVM-SMS-C02, PRAC-01): no originator check.
  if (!faults.has('evvm-client:accept-any-originator') && !policy.allowList.some((a) => norm(a) === norm(sms.originator))) {
    return { pass: false, check: 'originator', reason: `originator "${sms.originator}" is not allow-listed` };
  }
  // FAULT evvm-client:ignore-port (EVVM-SMS-C03, PRAC-01): text SMS and any port pass.
  if (policy.port > 0 && !faults.has('evvm-client:ignore-port')) {
    if (sms.udhError) return { pass: false, check: 'port', reason: `malformed user data header: ${sms.udhError}` };
    if (!sms.port) return { pass: false, check: 'port', reason: `a text SMS, not a data SMS to port ${policy.port}` };
    if (sms.port.destination !== policy.port) return { pass: false, check: 'port', reason: `addressed to port ${sms.port.destination}, not ${policy.port}` };
  }
  return { pass: true };
}
