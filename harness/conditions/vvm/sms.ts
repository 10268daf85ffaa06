/**
 * What the handsets received and the EVVM Server recorded of the mobile-originated commands (IF-4): the
 * case-sensitive MO STATUS (VVM-07) and Activate with its failure reply (VVM-08).
 */
import type { EvvmServerSmsObservations } from '../../../simulators/evvm-server/notifications/sms-interface';
import { redactVvmSecrets } from '../../../simulators/protocol/vvm-sms/encode';
import { CREDENTIAL_FIELDS } from '../../../simulators/protocol/vvm-sms/fields';
import { splitNotification } from '../../../simulators/protocol/vvm-sms/parse';
import { arrived, type DeviceSince } from '../../roles/sms';
import { condition, judged } from '../condition';

/** The STATUS SMS a handset received since the step acted, as key/value pairs. */
function statuses(d: DeviceSince, prefix: string): Array<{ text: string; fields: Map<string, string> }> {
  return arrived(d, 'received')
    .filter((r) => r.text.startsWith(`${prefix}:STATUS:`))
    .map((r) => ({ text: redactVvmSecrets(r.text), fields: new Map(splitNotification(r.text)?.pairs ?? []) }));
}

export const statusAnswered = condition('StatusAnswered', ['VVM-07'], (d: DeviceSince, prefix: string) => {
  const got = statuses(d, prefix);
  return judged(got.length > 0, `the handset received ${got.length} STATUS`, 'the handset received no STATUS in reply', { received: got.map((s) => s.text) });
});

export const noStatusAnswered = condition('NoStatusAnswered', ['VVM-07'], (d: DeviceSince, prefix: string) => {
  const got = statuses(d, prefix);
  return judged(got.length === 0, 'the handset received no STATUS', `the handset received ${got.length} STATUS in reply`, { received: got.map((s) => s.text) });
});

/** The EVVM Server's own record of the MO text: it did not take it for a command. */
export const moNotACommand = condition('MoNotACommand', ['VVM-07'], (server: EvvmServerSmsObservations, text: string) => {
  const seen = server.mo.filter((m) => m.text === text);
  return judged(seen.length > 0 && seen.every((m) => m.command === undefined), `the EVVM Server recorded: ${seen.map((m) => m.outcome).join('; ')}`, seen.length ? `the EVVM Server took "${text}" for ${seen.map((m) => m.command).join(', ')}` : `the EVVM Server recorded no "${text}"`);
});

/** Activate: "change the VVM provisioning status from Subscriber Provisioned to Subscriber New or Subscriber Ready". */
export const activatedStatus = condition('ActivatedStatus', ['VVM-08'], (d: DeviceSince, prefix: string) => {
  const st = statuses(d, prefix).map((s) => s.fields.get('st'));
  return judged(st.some((v) => v === 'N' || v === 'R'), `STATUS st=${st.join(', ')}`, st.length ? `STATUS st=${st.join(', ')}, not N or R` : 'no STATUS in reply to Activate', { st });
});

/** "Once the service is activated, VVM notifications are sent to the client." */
export const notifiedAfterActivate = condition('NotifiedAfterActivate', ['VVM-08'], (d: DeviceSince, prefix: string, uid: number | undefined) => {
  const syncs = arrived(d, 'received').filter((r) => r.text.startsWith(`${prefix}:SYNC:`));
  const ok = syncs.some((r) => splitNotification(r.text)?.pairs.some(([k, v]) => k === 'id' && v === String(uid)));
  return judged(ok, `SYNC for UID ${uid} received after Activate`, `no SYNC for UID ${uid} after Activate`, { received: syncs.map((r) => r.text) });
});

/** The failure reply of Activate: //VVM:STATUS:st=U;rc=<code>, and no credentials (VVM12 p.62/64). */
export const activateFailureReply = condition('ActivateFailureReply', ['VVM-08'], (d: DeviceSince, prefix: string) => {
  const got = statuses(d, prefix);
  const ok = got.length > 0 && got.every((s) => s.fields.get('st') === 'U' && /^[0-9]+$/.test(s.fields.get('rc') ?? '') && !CREDENTIAL_FIELDS.some((k) => s.fields.has(k)));
  return judged(ok, `failure reply: ${got.map((s) => s.text).join(' | ')}`, got.length ? `not a failure reply without credentials: ${got.map((s) => s.text).join(' | ')}` : 'no STATUS in reply to the failed Activate');
});
