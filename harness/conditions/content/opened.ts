/** What the EVVM Client of a mailbox did with the voicemail it fetched over IMAP (EVVM-CONT-01..04). */
import type { ContentProblemCode, ContentReport } from '../../../simulators/evvm-client/content';
import type { ContentRetrieval, DeviceCertificate, LeftVoicemail } from '../../roles/content';
import { condition, judged } from '../condition';

const ALL = ['EVVM-CONT-01', 'EVVM-CONT-02', 'EVVM-CONT-03', 'EVVM-CONT-04'];
const codes = (r: ContentReport): string => r.problems.map((p) => p.code).join(', ');

export const deviceKeyProvisioned = condition('DeviceKeyProvisioned', ALL, (mailbox: string, devices: readonly DeviceCertificate[]) =>
  judged(devices.length > 0, `the device of "${mailbox}" holds ${devices.map((d) => d.leaf).join(', ')}`, `no device key is provisioned for "${mailbox}"`),
);

/** Everything else is judged on a voicemail the EVVM Client actually fetched over IMAP. */
export const voicemailServedOverImap = condition('VoicemailServedOverImap', ALL, (o: ContentRetrieval) => {
  const uid = o.retrieval.voicemails.find((v) => o.served !== undefined && v.raw.equals(o.served))?.uid ?? '?';
  return judged(o.report !== undefined, `the EVVM Client fetched UID ${uid} over IMAP`, `the voicemail was not served: ${o.retrieval.error ?? 'not in the mailbox'}`, { loggedIn: o.retrieval.loggedIn, messages: o.retrieval.voicemails.length });
});

export const decryptedByteForByte = condition('DecryptedByteForByte', ALL, (r: ContentReport, left: LeftVoicemail) => {
  const same = r.voicemail !== undefined && r.voicemail.equals(left.deposited);
  const audio = r.readable.audio !== undefined && r.readable.audio.equals(left.audio);
  return judged(
    same && audio,
    `the decrypted voicemail (${r.voicemail?.length} bytes) and its audio (${left.audio.length} bytes) equal what the caller left`,
    `not the deposited voicemail: ${r.voicemail ? 'content differs' : 'nothing played'}${audio ? '' : ', audio differs or unreadable'} (${codes(r) || 'no problem reported'})`,
  );
});

export const clientPlaysVoicemail = condition('ClientPlaysVoicemail', ALL, (r: ContentReport) =>
  judged(r.verdict === 'play', 'every check passed: the voicemail is played', `reported instead of played: ${r.problems.map((p) => `${p.code}: ${p.detail}`).join('; ')}`),
);

export const otherKeyCannotDecrypt = condition('OtherKeyCannotDecrypt', ['EVVM-CONT-01', 'EVVM-CONT-02'], (r: ContentReport, other: string) => {
  const leaked = r.readable.audio !== undefined;
  return judged(!leaked, `the device key of "${other}" does not open it: ${r.problems.map((p) => p.detail).join('; ')}`, `the device key of "${other}" read the ${r.readable.audio?.length}-byte audio`);
});

/** The EVVM Client reports instead of playing, for one of `expected` (any problem when empty). */
export const clientReports = (name: string, expected: readonly ContentProblemCode[], what: string) =>
  condition(name, ALL, (r: ContentReport) => {
    const found = r.problems.filter((p) => expected.includes(p.code));
    const ok = r.verdict === 'reported' && (expected.length === 0 || found.length > 0);
    return judged(
      ok,
      `reported instead of played: ${(found.length ? found : r.problems).map((p) => `${p.code}: ${p.detail}`).join('; ')}`,
      r.verdict === 'play' ? `the EVVM Client played a voicemail that is ${what}` : `reported, but not as ${what}: ${codes(r)}`,
      { problems: r.problems },
    );
  });

export const clientReportsInsteadOfPlaying = clientReports('ClientReportsInsteadOfPlaying', [], 'unreadable for this device');
export const clientReportsTampering = clientReports('ClientReportsTampering', ['integrity', 'signature-invalid', 'header-altered'], 'tampered');
export const clientReportsNotEncrypted = clientReports('ClientReportsNotEncrypted', ['not-encrypted', 'part-not-encrypted'], 'not encrypted as the policy requires');
export const clientReportsUnsigned = clientReports('ClientReportsUnsigned', ['unsigned'], 'unsigned');
