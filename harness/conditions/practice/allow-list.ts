/** PRAC-01: the EVVM Client's notification filter is the operator's: its allow-listed originators and its application port. */
import { arrived, type DeviceSince } from '../../roles/sms';
import { condition, judged, type Judgement } from '../condition';

/** What the operator configured on the client: the originators notifications may come from, and their port (0: text SMS). */
export interface OperatorFilter {
  allowList: readonly string[];
  port: number;
}

const digits = (a: string): string => a.replace(/^tel:/, '').replace(/^\+/, '');

/** The notification the handset received last was accepted, and it came from an allow-listed originator on the configured port. */
export const acceptedWithinOperatorFilter = condition('AcceptedWithinOperatorFilter', ['PRAC-01'], (d: DeviceSince, filter: OperatorFilter): Judgement => {
  const n = arrived(d, 'notifications').at(-1);
  const listed = n !== undefined && filter.allowList.some((a) => digits(a) === digits(n.originator));
  const onPort = filter.port === 0 || n?.port === filter.port;
  const seen = n ? `${n.verdict} from ${n.originator}${n.port !== undefined ? ` on port ${n.port}` : ' as a text SMS'}` : 'the handset received no SMS';
  return judged(n?.verdict === 'accepted' && listed && onPort, `${seen}: within the operator's allow-list and port`, `${seen}; the operator allows ${filter.allowList.join(', ')} on port ${filter.port}`, { notification: n, filter });
});

/** An SMS outside the operator's filter was dropped before it could do anything: no IMAP session, no change of state. */
export const ignoredOutsideOperatorFilter = condition('IgnoredOutsideOperatorFilter', ['PRAC-01'], (d: DeviceSince, filter: OperatorFilter): Judgement => {
  const n = arrived(d, 'notifications').at(-1);
  const syncs = arrived(d, 'syncs');
  const unchanged = JSON.stringify(d.before.state) === JSON.stringify(d.now.state);
  const ok = n?.verdict === 'dropped' && syncs.length === 0 && unchanged;
  const seen = n ? `${n.verdict}${n.reason ? ` (${n.reason})` : ''}` : 'the handset received no SMS';
  const effects = `${syncs.length} IMAP session(s), state ${unchanged ? 'unchanged' : 'changed'}`;
  return judged(ok, `${seen}; ${effects}`, `${seen}; ${effects}; the operator allows ${filter.allowList.join(', ')} on port ${filter.port}`, { notification: n, syncs, filter });
});
