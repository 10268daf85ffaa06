/** What the EVVM Client did with the SMS its handset received, and where that left it (EVVM-SMS-C01..C04, C06). */
import type { ClientVvmState, NotificationRecord } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import type { Endpoint } from '../../topology/roles';
import { arrived, type DeviceSince, type MailboxEntry } from '../../roles/sms';
import { condition, judged, type Condition, type Judgement } from '../condition';

const ALL = ['EVVM-SMS-C01', 'EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04', 'EVVM-SMS-C05', 'EVVM-SMS-C06', 'EVVM-SMS-C07', 'EVVM-SMS-C08', 'EVVM-SMS-C09'];

/** A judgement on what a device observed since a step last acted on it, and on nothing else. */
export type DeviceOutcome = Condition<[DeviceSince]>;

// PRAC-01's scenarios start from an activated client too
export const clientActivated = condition('ClientActivated', [...ALL, 'PRAC-01'], (s: ClientVvmState): Judgement => ({
  ok: s.provisioned && s.reportedStatus === 'R',
  message: s.provisioned ? `the EVVM Client holds its account and ${s.voicemails.length} voicemail(s)` : `the EVVM Client is not provisioned (status ${s.reportedStatus ?? 'none'})`,
  evidence: { state: s },
}));

export const clientAcceptedNotification = condition('ClientAcceptedNotification', ['EVVM-SMS-C01', 'EVVM-SMS-C02', 'EVVM-SMS-C04'], (d: DeviceSince, event: string, shortCode: string) => {
  const got = arrived(d, 'notifications');
  const hit = got.find((n) => n.verdict === 'accepted' && n.event === event && n.originator.replace(/^\+/, '') === shortCode);
  return judged(!!hit, `accepted ${event} from ${hit?.originator}: ${hit?.action ?? ''}`, `no ${event} from ${shortCode} was accepted`, { notifications: got });
});

export const clientSynchronised = condition('ClientSynchronised', ['EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04', 'EVVM-SMS-C06'], (d: DeviceSince) => {
  const syncs = arrived(d, 'syncs');
  const ok = syncs.find((s) => s.serverAuthenticated && s.loggedIn && !s.error);
  return judged(!!ok, `authenticated IMAP sync (${ok?.trigger}): ${ok?.voicemails} voicemail(s)`, 'no authenticated IMAP synchronisation followed', { syncs });
});

export const noSynchronisation = condition('NoSynchronisation', ['EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04'], (d: DeviceSince) => {
  const syncs = arrived(d, 'syncs');
  return judged(syncs.length === 0, 'the EVVM Client made no IMAP connection', `the SMS made the EVVM Client connect to ${syncs.map((s) => `${s.host}:${s.port}`).join(', ')}`, { syncs });
});

export const clientAuthenticatedServerFirst = condition('ClientAuthenticatedServerFirst', ['EVVM-SMS-C01', 'EVVM-SMS-C04'], (d: DeviceSince): Judgement => {
  const syncs = arrived(d, 'syncs');
  const last = syncs[syncs.length - 1];
  return {
    ok: !!last && last.serverAuthenticated && last.loggedIn,
    message: last
      ? `server authenticated: ${last.serverAuthenticated} (as ${last.servername}), logged in: ${last.loggedIn}${last.error ? `, ${last.error}` : ''}`
      : 'the EVVM Client made no IMAP connection',
    evidence: { syncs },
  };
});

/** The account the EVVM Client holds still leads to the genuine EVVM Server's IMAP endpoint. */
export const clientKeepsEvvmServer = condition('ClientKeepsEvvmServer', ['EVVM-SMS-C01'], (s: ClientVvmState, genuine: Endpoint | undefined): Judgement => ({
  ok: s.provisioned && s.server?.port === genuine?.port && s.server?.host === genuine?.servername,
  message: s.server ? `the EVVM Client's account points at ${s.server.host}:${s.server.port}` : 'the EVVM Client has no account',
  evidence: { genuine: genuine ? `${genuine.servername}:${genuine.port}` : undefined },
}));

export const noLoginAtRogue = condition('NoLoginAtRogue', ['EVVM-SMS-C01'], (d: DeviceSince, roguePort: number): Judgement => {
  const toRogue = arrived(d, 'syncs').filter((s) => s.port === roguePort);
  const loggedIn = toRogue.filter((s) => s.loggedIn);
  const refused = toRogue.length
    ? `the EVVM Client refused the rogue server: ${toRogue.map((s) => s.error ?? 'not authenticated').join('; ')}`
    : 'the EVVM Client did not connect to the rogue server';
  return { ok: loggedIn.length === 0, message: loggedIn.length ? `the EVVM Client logged in to the rogue server (as ${loggedIn[0]!.servername})` : refused, evidence: { attempts: toRogue } };
});

/** The EVVM Client's verdict on the last SMS its handset received since the mark. */
const lastVerdict = (name: string, requirements: readonly string[], ok: (n: NotificationRecord) => boolean) =>
  condition(name, requirements, (d: DeviceSince): Judgement => {
    const n = arrived(d, 'notifications').at(-1);
    return {
      ok: n !== undefined && ok(n),
      message: n ? `${n.verdict}${n.reason ? `: ${n.reason}` : ''}${n.action ? `; ${n.action}` : ''}` : 'the handset received no SMS',
      evidence: { notification: n },
    };
  });

export const originatorNotAllowListed = lastVerdict('OriginatorNotAllowListed', ['EVVM-SMS-C01', 'EVVM-SMS-C02'], (n) => n.verdict === 'dropped' && /originator/.test(n.reason ?? ''));
export const notOnApplicationPort = lastVerdict('NotOnApplicationPort', ['EVVM-SMS-C03'], (n) => n.verdict === 'dropped' && /port|text SMS|header/.test(n.reason ?? ''));
export const malformedNotificationRejected = lastVerdict('MalformedNotificationRejected', ['EVVM-SMS-C04'], (n) => n.verdict === 'malformed');

export const clientStateUnchanged = condition('ClientStateUnchanged', ['EVVM-SMS-C02', 'EVVM-SMS-C03', 'EVVM-SMS-C04'], (d: DeviceSince) => {
  const same = JSON.stringify(d.before.state) === JSON.stringify(d.now.state);
  return judged(same, 'account and voicemail list as before', 'the SMS changed the EVVM Client state', { before: d.before.state, now: d.now.state });
});

/** The EVVM Client shows exactly what the mailbox holds on the server (IF-1, the authority), and no more new ones. */
export const clientEqualsImapState = condition('ClientEqualsImapState', ['EVVM-SMS-C06'], (client: ClientVvmState, server: readonly MailboxEntry[]) => {
  const key = (v: MailboxEntry): string => `${v.uid} ${v.messageId ?? '(no Message-ID)'}`;
  const want = server.map(key).sort();
  const got = client.voicemails.map((v) => key(v) + (v.placeholder ? ' (from the SMS only)' : '')).sort();
  const ok = JSON.stringify(want) === JSON.stringify(got) && client.newCount <= server.length;
  const differs = `the EVVM Client shows ${got.length} voicemail(s) (${client.newCount} new), the server holds ${want.length}`;
  return judged(ok, `${got.length} voicemail(s), as on the server`, differs, { server: want, client: got, newCount: client.newCount });
});
