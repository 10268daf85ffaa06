/** What the subscribers' handsets received: the EVVM Server's SYNC and STATUS, and nothing a forger put through (EVVM-SMS-C01, C03, C05, C07..C09). */
import type { ReceivedSms } from '../../../simulators/evvm-client/sms/handset';
import { redactVvmSecrets } from '../../../simulators/protocol/vvm-sms/encode';
import { CREDENTIAL_FIELDS } from '../../../simulators/protocol/vvm-sms/fields';
import { notificationKeys, splitNotification } from '../../../simulators/protocol/vvm-sms/parse';
import type { Profile } from '../../profile/profile';
import type { TestAccount } from '../../topology/accounts';
import { arrived, type DeviceSince } from '../../roles/sms';
import { condition, judged } from '../condition';

type SmsPolicy = Profile['policy']['sms'];
const ofEvent = (received: readonly ReceivedSms[], prefix: string, event: 'SYNC' | 'STATUS'): ReceivedSms[] => received.filter((r) => r.text.startsWith(`${prefix}:${event}:`));
/** the last STATUS the handset received, if any */
const lastStatus = (received: readonly ReceivedSms[], prefix: string): string | undefined => ofEvent(received, prefix, 'STATUS').at(-1)?.text;

export const syncOnApplicationPort = condition('SyncOnApplicationPort', ['EVVM-SMS-C03'], (d: DeviceSince, policy: SmsPolicy) => {
  const got = ofEvent(arrived(d, 'received'), policy.clientPrefix, 'SYNC');
  const ok = got.some((r) => r.port?.destination === policy.applicationPort && r.port.bits === 16 && r.originator === policy.shortCode);
  const how = `SYNC received ${got.map((r) => (r.port ? `on port ${r.port.destination} (${r.port.bits}-bit)` : 'as a text SMS')).join(', ')} from ${got.map((r) => r.originator).join(', ')}`;
  return { ok, message: got.length ? how : 'no SYNC received', evidence: { port: policy.applicationPort } };
});

export const syncForNewVoicemail = condition('SyncForNewVoicemail', ['EVVM-SMS-C07', 'EVVM-SMS-C08', 'EVVM-SMS-C09'], (d: DeviceSince, prefix: string, uid: number | undefined) => {
  const got = ofEvent(arrived(d, 'received'), prefix, 'SYNC').map((r) => r.text);
  const ok = got.some((t) => splitNotification(t)?.pairs.some(([k, v]) => k === 'id' && v === String(uid)));
  return judged(ok, `SYNC for UID ${uid} received`, `no SYNC for UID ${uid} received`, { received: got });
});

/** `d` is marked at the deactivation. */
export const noSyncAfterDeactivate = condition('NoSyncAfterDeactivate', ['EVVM-SMS-C07'], (d: DeviceSince, prefix: string) => {
  const got = ofEvent(arrived(d, 'received'), prefix, 'SYNC').map((r) => r.text);
  return judged(got.length === 0, 'no SYNC received after Deactivate', `${got.length} SYNC received after Deactivate`, { received: got });
});

export const statusReported = condition('StatusReported', ['EVVM-SMS-C05', 'EVVM-SMS-C08'], (received: readonly ReceivedSms[], prefix: string, st: string) => {
  const text = lastStatus(received, prefix);
  const got = text === undefined ? undefined : splitNotification(text)?.pairs.find(([k]) => k === 'st')?.[1];
  return { ok: got === st, message: text === undefined ? 'no STATUS received' : `STATUS st=${got ?? '(none)'}`, evidence: { status: text === undefined ? [] : [redactVvmSecrets(text)] } };
});

export const noCredentialsInStatus = condition('NoCredentialsInStatus', ['EVVM-SMS-C05', 'EVVM-SMS-C08'], (received: readonly ReceivedSms[], prefix: string) => {
  const text = lastStatus(received, prefix);
  const keys = text ? notificationKeys(text) : [];
  const leaked = CREDENTIAL_FIELDS.filter((k) => keys.includes(k));
  const message = !text ? 'no STATUS received' : leaked.length ? `the STATUS carries ${leaked.join(', ')}` : `the STATUS carries only ${keys.join(', ')}`;
  return { ok: !!text && leaked.length === 0, message, evidence: { status: text ? redactVvmSecrets(text) : undefined } };
});

export const statusCarriesOwnCredentials = condition(
  'StatusCarriesOwnCredentials',
  ['EVVM-SMS-C05', 'EVVM-SMS-C08'],
  (received: readonly ReceivedSms[], prefix: string, account: TestAccount) => {
    const text = lastStatus(received, prefix);
    const pairs = text ? (splitNotification(text)?.pairs ?? []) : [];
    const ok = pairs.some(([k, v]) => k === 'u' && v === account.identifiers.MSISDN) && pairs.some(([k, v]) => k === 'pw' && v === account.password);
    const status = text ? redactVvmSecrets(text) : undefined;
    return judged(ok, `the STATUS names the account ${account.identifiers.MSISDN} and its password`, 'the STATUS does not carry the account of the mailbox', { status });
  },
);

export const noPasswordToOtherHandset = condition('NoPasswordToOtherHandset', ['EVVM-SMS-C05', 'EVVM-SMS-C08'], (received: readonly ReceivedSms[], accounts: readonly TestAccount[]) => {
  const texts = received.map((r) => r.text);
  const owners = accounts.filter((a) => texts.some((t) => t.includes(a.password))).map((a) => a.name);
  const none = `${texts.length} SMS received, no mailbox password among them`;
  return judged(owners.length === 0, none, `the password of ${owners.join(', ')} reached this handset`, { received: texts.map(redactVvmSecrets) });
});

/** Nothing a forger submitted through the SMSC (`text`) reached the handset since the mark. */
const notDelivered = (name: string, requirement: string, notDeliveredMessage: string, deliveredMessage: string) =>
  condition(name, [requirement], (d: DeviceSince, text: string | undefined) => {
    const got = arrived(d, 'received').filter((r) => r.text === text);
    return judged(got.length === 0, notDeliveredMessage, `${deliveredMessage} ${got.map((r) => r.originator).join(', ')}`);
  });

export const spoofedSmsNotDelivered = notDelivered('SpoofedSmsNotDelivered', 'EVVM-SMS-C01', 'the spoofed SMS was not delivered', 'delivered with the originator');
export const nothingDeliveredWithoutBind = notDelivered(
  'NothingDeliveredWithoutBind',
  'EVVM-SMS-C09',
  "the test ESME's SYNC was not delivered",
  "the test ESME's SYNC was delivered with the originator",
);
