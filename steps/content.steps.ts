import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { AlgorithmSuite, PartKind } from '../simulators/crypto/cms';
import type { SmimeFlaw } from '../simulators/crypto/pki/smime';
import type { StoreAttack } from '../simulators/evvm-server/content';
import type { ContentProblemCode } from '../simulators/evvm-client/content';
import { CALLER_IDENTITY, type ContentRetrieval, type LeftVoicemail } from '../harness/topology/embedded/content';

// Steps of features/content-security (EVVM-CONT-01..04): thin glue; the content role does the work.

interface ContentState {
  left?: LeftVoicemail;
  opened?: ContentRetrieval;
}

const content = (w: EvvmWorld): ContentState => clauseState(w, 'content', () => ({}));

defineParameterType({ name: 'contentSuite', regexp: /modern|classic/, transformer: (s: string) => s as AlgorithmSuite });

const SIGNER_FLAWS: Record<string, SmimeFlaw> = {
  'issued to another identity': 'wrong-host',
  'issued by an untrusted CA': 'untrusted-ca',
  expired: 'expired',
  'not yet valid': 'not-yet-valid',
  revoked: 'revoked',
  'not for S/MIME': 'wrong-eku',
  'for encryption only': 'wrong-key-usage',
  'without the non-repudiation key usage': 'no-non-repudiation',
};
defineParameterType({ name: 'signerFlaw', regexp: new RegExp(Object.keys(SIGNER_FLAWS).join('|')), transformer: (s: string) => SIGNER_FLAWS[s]! });

const REASONS: Record<string, ContentProblemCode[]> = {
  'the signer is neither the caller nor the EVVM Server': ['signer-identity'],
  "the signer's certificate does not chain to a trust anchor": ['signer-untrusted'],
  "the signer's certificate had expired at the signing time": ['signer-expired'],
  "the signer's certificate was not yet valid at signing time": ['signer-not-yet-valid'],
  "the signer's certificate is revoked": ['signer-revoked'],
  "the signer's certificate is not for signing voicemail": ['signer-key-usage'],
  "the signer's certificate does not support non-repudiation": ['no-non-repudiation'],
  'a MAC is not a signature': ['mac-not-signature'],
};
defineParameterType({ name: 'contentReason', regexp: new RegExp(Object.keys(REASONS).map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')), transformer: (s: string) => s });

const ATTACKS: Record<string, StoreAttack> = {
  'flips one byte of the encrypted content': 'flip-ciphertext-byte',
  'flips one byte of the audio': 'flip-audio-byte',
  'changes the Content-Duration header': 'alter-content-duration',
  'strips the signature': 'strip-signature',
  'replaces the voicemail by one protected with a MAC instead of a signature': 'mac-instead-of-signature',
  'puts the plaintext audio in place of its envelope': 'decrypt-part-in-place',
};

function parts(list: string): PartKind[] {
  return list.split(',').map((s) => s.trim()) as PartKind[];
}

/** What the scenario is about to check was actually produced: a missing retrieval is a harness bug, not a fail. */
function opened(w: EvvmWorld): ContentRetrieval {
  const o = content(w).opened;
  if (!o) throw new Error('no voicemail was retrieved in this scenario');
  return o;
}

function left(w: EvvmWorld): LeftVoicemail {
  const l = content(w).left;
  if (!l) throw new Error('no voicemail was left in this scenario');
  return l;
}

function served(w: EvvmWorld): NonNullable<ContentRetrieval['report']> {
  const o = opened(w);
  w.check('VoicemailServedOverImap', o.report !== undefined, o.report ? `the EVVM Client fetched UID ${o.retrieval.voicemails.find((v) => o.served !== undefined && v.raw.equals(o.served))?.uid ?? '?'} over IMAP` : `the voicemail was not served: ${o.retrieval.error ?? 'not in the mailbox'}`, { loggedIn: o.retrieval.loggedIn, messages: o.retrieval.voicemails.length });
  return o.report!;
}

// --- set-up ---

Given('the EVVM Server protects voicemail for the mailbox {string}, whose device holds the decryption key', async function (this: EvvmWorld, mailbox: string) {
  const role = await this.topology.role('content');
  await this.topology.evvmServer();
  const devices = role.deviceCertificates(mailbox);
  this.check('DeviceKeyProvisioned', devices.length > 0, `the device of "${mailbox}" holds ${devices.map((d) => d.leaf).join(', ')}`);
});

Given(/^the service provider's policy (encrypts whole voicemails|signs voicemails but does not encrypt them|encrypts the .+ part\(s\) of voicemails) with the (modern|classic) algorithms$/, async function (this: EvvmWorld, what: string, suite: AlgorithmSuite) {
  const partList = /^encrypts the (.+) part\(s\)/.exec(what)?.[1];
  const caps = this.profile.capabilities.content;
  const policy = this.profile.policy.content;
  const encryption = what.startsWith('encrypts whole') ? 'whole' : what.startsWith('signs') ? 'none' : 'parts';
  if (encryption !== 'none' && !caps.encryptionModes.includes(encryption)) return this.notApplicable(`capabilities.content.encryptionModes does not declare "${encryption}"`);
  if (!caps.algorithms.includes(suite) || !policy.algorithms.includes(suite)) return this.notApplicable(`the ${suite} algorithm suite is not declared or not allowed by policy.content.algorithms`);
  const role = await this.topology.role('content');
  role.setPolicy({ encryption, algorithms: [suite, ...policy.algorithms.filter((s) => s !== suite)], ...(partList ? { parts: parts(partList) } : {}) });
  return undefined;
});

Given('the service provider\'s policy requires signed voicemails', function (this: EvvmWorld) {
  if (!this.profile.policy.content.signatureRequired) return this.notApplicable('policy.content.signatureRequired is false');
  return undefined;
});

Given('the service provider\'s policy requires non-repudiable signatures', function (this: EvvmWorld) {
  const p = this.profile.policy.content;
  if (!p.signatureRequired || !p.nonRepudiation) return this.notApplicable('policy.content.signatureRequired or nonRepudiation is false');
  return undefined;
});

Given('the device of {string} holds an EC key', async function (this: EvvmWorld, mailbox: string) {
  if (!this.profile.capabilities.content.deviceKeys.includes('ec')) return this.notApplicable('capabilities.content.deviceKeys does not declare ec');
  (await this.topology.role('content')).useDeviceKey(mailbox, 'ec');
  return undefined;
});

Given('the EVVM Server is misconfigured to store voicemail signed but in clear', async function (this: EvvmWorld) {
  (await this.topology.role('content')).setServerPolicy({ encryption: 'none' });
});

Given(new RegExp(`^an attacker with write access to the message store (${Object.keys(ATTACKS).join('|')})$`), async function (this: EvvmWorld, what: string) {
  (await this.topology.role('content')).attackStore(ATTACKS[what]!);
});

// --- deposits ---

When(/^a caller without a key leaves a voicemail( with a transcription)? for "([^"]+)"$/, async function (this: EvvmWorld, transcription: string | undefined, mailbox: string) {
  content(this).left = await (await this.topology.role('content')).leaveVoicemail({ mailbox, caller: { kind: 'pstn' }, transcription: !!transcription });
});

When('a caller with a key signs its voicemail for {string} with its own certificate', async function (this: EvvmWorld, mailbox: string) {
  content(this).left = await (await this.topology.role('content')).leaveVoicemail({ mailbox, caller: { kind: 'with-key', certificate: 'valid' }, transcription: false });
});

When('a caller with a key signs its voicemail for {string} with a certificate that is {signerFlaw}', async function (this: EvvmWorld, mailbox: string, flaw: SmimeFlaw) {
  content(this).left = await (await this.topology.role('content')).leaveVoicemail({ mailbox, caller: { kind: 'with-key', certificate: flaw }, transcription: false });
});

// --- retrieval (real IMAP) ---

When('the EVVM Client of {string} retrieves the voicemail over IMAP', async function (this: EvvmWorld, mailbox: string) {
  content(this).opened = await (await this.topology.role('content')).retrieve({ mailbox, messageId: left(this).messageId });
});

When('the voicemail of {string} is retrieved over IMAP and opened with the device key of {string}', async function (this: EvvmWorld, mailbox: string, other: string) {
  content(this).opened = await (await this.topology.role('content')).retrieve({ mailbox, messageId: left(this).messageId, deviceOf: other });
});

// --- what the EVVM Server stored ---

Then('the EVVM Server stored the voicemail enveloped whole for the device of {string} only', async function (this: EvvmWorld, mailbox: string) {
  const role = await this.topology.role('content');
  const layout = role.inspect(left(this).stored);
  const mine = role.deviceCertificates(mailbox).map((d) => d.serialHex);
  const recipients = layout.envelopes.flatMap((e) => e.recipients.map((r) => r.serialHex ?? r.keyIdHex ?? '?'));
  const ok = layout.top === 'envelope' && layout.envelopes.length === 1 && layout.clearParts.length === 0 && recipients.length > 0 && recipients.every((r) => mine.includes(r));
  this.check('StoredEnvelopedWholeForOwner', ok, ok ? `the stored voicemail is one ${layout.envelopes[0]!.type === 'authEnveloped' ? 'AuthEnvelopedData' : 'EnvelopedData'} (${layout.envelopes[0]!.contentEncryption}) for ${mine.join(', ')} only` : `stored as ${layout.top}, recipients ${recipients.join(', ') || 'none'} (owner: ${mine.join(', ')}), ${layout.clearParts.length} part(s) in clear`, { top: layout.top, envelopes: layout.envelopes.map((e) => ({ at: e.at, type: e.type, contentEncryption: e.contentEncryption, recipients: e.recipients.map((r) => ({ serial: r.serialHex, keyManagement: r.keyManagement })) })), clearParts: layout.clearParts });
});

Then(/^the EVVM Server stored the (.+) part\(s\) enveloped for the device of "([^"]+)" only and the rest in clear$/, async function (this: EvvmWorld, partList: string, mailbox: string) {
  const role = await this.topology.role('content');
  const layout = role.inspect(left(this).stored);
  const chosen = parts(partList);
  const mine = role.deviceCertificates(mailbox).map((d) => d.serialHex);
  const recipients = layout.envelopes.flatMap((e) => e.recipients.map((r) => r.serialHex ?? r.keyIdHex ?? '?'));
  const clearChosen = layout.clearParts.filter((p) => (chosen as string[]).includes(p.kind));
  const clearOthers = layout.clearParts.filter((p) => !(chosen as string[]).includes(p.kind) && p.kind !== 'other');
  const expectedOthers = (['audio', 'transcription'] as const).filter((k) => !chosen.includes(k)).length;
  const ok =
    layout.top !== 'envelope' && layout.envelopes.length === chosen.length && clearChosen.length === 0 && clearOthers.length === expectedOthers && recipients.length > 0 && recipients.every((r) => mine.includes(r));
  this.check(
    'StoredPartsEnvelopedForOwner',
    ok,
    ok
      ? `${layout.envelopes.length} part(s) enveloped for ${mine.join(', ')} only; in clear: headers${clearOthers.map((p) => `, ${p.kind}`).join('')}`
      : `stored as ${layout.top} with ${layout.envelopes.length} envelope(s) (recipients ${recipients.join(', ') || 'none'}), in clear: ${layout.clearParts.map((p) => p.kind).join(', ') || 'nothing'}`,
    { top: layout.top, envelopes: layout.envelopes.map((e) => ({ at: e.at, type: e.type, recipients: e.recipients.map((r) => r.serialHex) })), clearParts: layout.clearParts },
  );
});

Then('the voicemail was served over IMAP exactly as stored', function (this: EvvmWorld) {
  const o = opened(this);
  const same = o.served !== undefined && o.served.equals(left(this).stored);
  this.check('ServedAsStored', same, same ? `the IMAP FETCH returned the ${o.served!.length} stored bytes unchanged` : `served ${o.served?.length ?? 0} bytes, stored ${left(this).stored.length}`);
});

// --- what the EVVM Client did ---

Then('the EVVM Client of {string} decrypts the voicemail to what the caller left, byte for byte', function (this: EvvmWorld, _mailbox: string) {
  const r = served(this);
  const l = left(this);
  const same = r.voicemail !== undefined && r.voicemail.equals(l.deposited);
  const audio = r.readable.audio !== undefined && r.readable.audio.equals(l.audio);
  this.check('DecryptedByteForByte', same && audio, same && audio ? `the decrypted voicemail (${r.voicemail!.length} bytes) and its audio (${l.audio.length} bytes) equal what the caller left` : `not the deposited voicemail: ${r.voicemail ? 'content differs' : 'nothing played'}${audio ? '' : ', audio differs or unreadable'} (${r.problems.map((p) => p.code).join(', ') || 'no problem reported'})`);
});

Then('the EVVM Client of {string} plays the voicemail', function (this: EvvmWorld, _mailbox: string) {
  const r = served(this);
  this.check('ClientPlaysVoicemail', r.verdict === 'play', r.verdict === 'play' ? 'every check passed: the voicemail is played' : `reported instead of played: ${r.problems.map((p) => `${p.code}: ${p.detail}`).join('; ')}`);
});

Then('the EVVM Client of {string} verifies the signature over the voicemail and its headers', function (this: EvvmWorld, _mailbox: string) {
  const r = served(this);
  const s = r.signatures[0];
  const headers = ['From', 'Date', 'Message-Context', 'Content-Duration'];
  const ok = s !== undefined && s.digestMatches && s.signatureValid && s.trusted && headers.every((h) => s.securedHeaders.includes(h)) && !r.problems.some((p) => ['integrity', 'signature-invalid', 'header-altered', 'unsigned'].includes(p.code));
  this.check('SignatureVerifiesContentAndHeaders', ok, ok ? `signature by ${s!.signer?.subject} verifies; it secures ${s!.securedHeaders.join(', ')}` : s ? `signature: digest ${s.digestMatches}, valid ${s.signatureValid}, trusted ${s.trusted}, secures ${s.securedHeaders.join(', ') || 'no header'}; problems: ${r.problems.map((p) => p.code).join(', ')}` : `no signature: ${r.problems.map((p) => p.code).join(', ')}`, s ? { signature: s } : undefined);
});

Then('the EVVM Client of {string} verifies the voicemail as signed by the EVVM Server on behalf of the caller', function (this: EvvmWorld, _mailbox: string) {
  const r = served(this);
  const s = r.signatures[0];
  const ok = s !== undefined && s.signedBy === 'evvm-server' && s.signatureValid && s.digestMatches && s.originator === CALLER_IDENTITY;
  this.check('SignedByEvvmServerForCaller', ok, ok ? `signed by the EVVM Server (${s!.signer?.san.join(' ')}), not by the caller ${s!.originator}: the caller had no key, the server vouches for the deposit (open question 7)` : s ? `signature by ${s.signer?.subject ?? 'unknown'} [${s.signedBy ?? '?'}], valid ${s.signatureValid}` : `no signature: ${r.problems.map((p) => p.code).join(', ')}`, s ? { signature: s } : undefined);
});

Then('the EVVM Client of {string} verifies the voicemail as signed by the caller itself', function (this: EvvmWorld, _mailbox: string) {
  const r = served(this);
  const s = r.signatures[0];
  const ok = s !== undefined && s.signedBy === 'originator' && s.signatureValid && s.digestMatches && s.originator === CALLER_IDENTITY;
  this.check('SignedByOriginator', ok, ok ? `signed by the caller ${s!.originator} itself (${s!.signer?.san.join(' ')})` : s ? `signature by ${s.signer?.subject ?? 'unknown'} [${s.signedBy ?? '?'}] for originator ${s.originator ?? '?'}` : `no signature: ${r.problems.map((p) => p.code).join(', ')}`, s ? { signature: s } : undefined);
});

Then('the signature has a signing time, a trusted chain, no revocation and the non-repudiation key usage', function (this: EvvmWorld) {
  const r = served(this);
  const s = r.signatures[0];
  const ok = s !== undefined && s.signingTime !== undefined && s.trusted && s.revocation.length > 0 && s.revocation.every((x) => x.status === 'good') && s.keyUsage.includes('nonRepudiation') && !r.problems.some((p) => p.code === 'signing-time' || p.code === 'no-non-repudiation');
  this.check('NonRepudiableSignature', ok, ok ? `signed at ${s!.signingTime}; chain ${s!.chain.join(' <- ')}; revocation ${s!.revocation.map((x) => x.status).join('/')}; key usage ${s!.keyUsage.join(', ')}` : s ? `signing time ${s.signingTime ?? 'missing'}, trusted ${s.trusted}, revocation ${s.revocation.map((x) => x.status).join('/') || 'unchecked'}, key usage ${s.keyUsage.join(', ')}; problems: ${r.problems.map((p) => p.code).join(', ')}` : 'no signature');
});

Then('the device key of {string} does not reveal the audio of the voicemail', function (this: EvvmWorld, other: string) {
  const r = served(this);
  const leaked = r.readable.audio !== undefined;
  this.check('OtherKeyCannotDecrypt', !leaked, leaked ? `the device key of "${other}" read the ${r.readable.audio!.length}-byte audio` : `the device key of "${other}" does not open it: ${r.problems.map((p) => p.detail).join('; ')}`);
});

function reported(w: EvvmWorld, condition: string, codes: readonly ContentProblemCode[], what: string): void {
  const r = served(w);
  const found = r.problems.filter((p) => codes.includes(p.code));
  const ok = r.verdict === 'reported' && (codes.length === 0 || found.length > 0);
  w.check(condition, ok, ok ? `reported instead of played: ${(found.length ? found : r.problems).map((p) => `${p.code}: ${p.detail}`).join('; ')}` : r.verdict === 'play' ? `the EVVM Client played a voicemail that is ${what}` : `reported, but not as ${what}: ${r.problems.map((p) => p.code).join(', ')}`, { problems: r.problems });
}

Then('the EVVM Client reports the voicemail instead of playing it', function (this: EvvmWorld) {
  reported(this, 'ClientReportsInsteadOfPlaying', [], 'unreadable for this device');
});

Then('the EVVM Client reports the voicemail as tampered instead of playing it', function (this: EvvmWorld) {
  reported(this, 'ClientReportsTampering', ['integrity', 'signature-invalid', 'header-altered'], 'tampered');
});

Then('the EVVM Client reports the voicemail as not encrypted instead of playing it', function (this: EvvmWorld) {
  reported(this, 'ClientReportsNotEncrypted', ['not-encrypted', 'part-not-encrypted'], 'not encrypted as the policy requires');
});

Then('the EVVM Client reports the voicemail as unsigned instead of playing it', function (this: EvvmWorld) {
  reported(this, 'ClientReportsUnsigned', ['unsigned'], 'unsigned');
});

Then('the EVVM Client reports the voicemail instead of playing it, because {contentReason}', function (this: EvvmWorld, reason: string) {
  reported(this, 'ClientRejectsForNonRepudiation', REASONS[reason]!, reason.replace(/^the /, 'such that the '));
});
