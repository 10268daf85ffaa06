/** What the EVVM Server's SMS interface and the SMSC recorded: subscribers, SYNC submissions, binds and refusals (EVVM-SMS-C01, C07..C09). */
import type { SubscriberView } from '../../../simulators/evvm-server/notifications/subscribers';
import type { BindOutcome, SubmitOutcome } from '../../../simulators/protocol/smpp/esme';
import type { ServerSinceDeactivation, SmscRecord } from '../../roles/sms-scenario';
import { condition, judged, type Judgement } from '../condition';

export const serverSentNoSyncAfterDeactivate = condition('ServerSentNoSyncAfterDeactivate', ['EVVM-SMS-C07'], (server: ServerSinceDeactivation, msisdn: string) => {
  const after = server.observations.notifications.slice(server.from).filter((n) => n.kind === 'SYNC' && n.to === msisdn);
  return judged(after.length === 0, 'the EVVM Server submitted no SYNC after Deactivate', `the EVVM Server submitted ${after.length} SYNC after Deactivate`, { submitted: after });
});

const subscriber = (name: string, requirements: readonly string[], ok: (s: SubscriberView) => boolean) =>
  condition(name, requirements, (s: SubscriberView | undefined): Judgement => ({
    ok: s !== undefined && ok(s),
    message: s ? `status ${s.state}, notifications ${s.notifications ? 'on' : 'off'}` : 'no such subscriber',
    evidence: { subscriber: s },
  }));

export const subscriberDeactivated = subscriber('SubscriberDeactivated', ['EVVM-SMS-C07', 'EVVM-SMS-C08'], (s) => !s.notifications && s.state !== 'R');
export const subscriberStillNotified = subscriber('SubscriberStillNotified', ['EVVM-SMS-C08'], (s) => s.notifications && s.state === 'R');

/** The SMSC answered a submit_sm claiming the EVVM Server's number from another account with ESME_RINVSRCADR. */
export const smscSetsOriginator = condition('SmscSetsOriginator', ['EVVM-SMS-C01'], (smsc: SmscRecord, r: SubmitOutcome | undefined, shortCode: string): Judgement => {
  const claims = smsc.observations.submissions.filter((s) => s.claimedSource === shortCode && s.systemId !== smsc.serverSystemId);
  return {
    ok: r?.statusName === 'ESME_RINVSRCADR',
    message: `the spoofer's submit_sm claiming ${shortCode} was answered ${r?.statusName ?? 'nothing'}`,
    evidence: { submissions: claims.map((s) => ({ systemId: s.systemId, claimed: s.claimedSource, source: s.source, status: s.status })) },
  };
});

export const serverBindAuthenticated = condition('ServerBindAuthenticated', ['EVVM-SMS-C09'], (smsc: SmscRecord, tlsRequired: boolean): Judgement => {
  const binds = smsc.observations.binds.filter((b) => b.systemId === smsc.serverSystemId && b.status === 'ESME_ROK');
  const how = `bound as ${smsc.serverSystemId} ${binds.map((b) => (b.secure ? 'over TLS' : 'over plain TCP')).join(', ')}${tlsRequired ? ' (policy: TLS)' : ''}`;
  return { ok: binds.length > 0 && (!tlsRequired || binds.every((b) => b.secure)), message: binds.length ? how : 'the EVVM Server is not bound', evidence: { binds } };
});

export const bindRefused = condition('BindRefused', ['EVVM-SMS-C09'], (b: BindOutcome | undefined, status: string): Judgement => ({
  ok: b?.statusName === status,
  message: `bind_transceiver_resp ${b?.statusName ?? 'none'}`,
  evidence: { expected: status },
}));

export const submitRefused = condition('SubmitRefused', ['EVVM-SMS-C09'], (r: SubmitOutcome | undefined, status: string): Judgement => ({
  ok: r?.statusName === status,
  message: `submit_sm_resp ${r?.statusName ?? 'none'}`,
  evidence: { expected: status },
}));
