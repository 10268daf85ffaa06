import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { AlgorithmSuite, PartKind } from '../simulators/crypto/cms';
import type { SmimeFlaw } from '../simulators/crypto/pki/smime';
import type { StoreAttack } from '../simulators/evvm-server/content';
import type { ContentProblemCode, ContentReport } from '../simulators/evvm-client/content';
import type { ContentRetrieval, LeftVoicemail } from '../harness/roles/content';
import { servedAsStored, storedEnvelopedWholeForOwner, storedPartsEnvelopedForOwner } from '../harness/conditions/content/stored';
import { clientPlaysVoicemail, clientReportsInsteadOfPlaying, clientReportsNotEncrypted, clientReportsTampering, clientReportsUnsigned, decryptedByteForByte, deviceKeyProvisioned, otherKeyCannotDecrypt, voicemailServedOverImap } from '../harness/conditions/content/opened';
import { clientRejectsForNonRepudiation, nonRepudiableSignature, signedByEvvmServerForCaller, signedByOriginator, signatureVerifiesContentAndHeaders } from '../harness/conditions/content/signatures';

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

/** What the scenario is about to judge was actually produced: a missing retrieval is a harness bug, not a fail. */
function produced<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no voicemail was ${what} in this scenario`);
  return value;
}
const left = (w: EvvmWorld): LeftVoicemail => produced(content(w).left, 'left');

/** The EVVM Client's report on the voicemail it fetched over IMAP (judged served first). */
function served(w: EvvmWorld): ContentReport {
  const o = produced(content(w).opened, 'retrieved');
  w.verify(voicemailServedOverImap, o);
  return o.report!;
}

// --- set-up ---

Given('the EVVM Server protects voicemail for the mailbox {string}, whose device holds the decryption key', async function (this: EvvmWorld, mailbox: string) {
  const role = await this.topology.role('content');
  await this.topology.evvmServer();
  this.verify(deviceKeyProvisioned, mailbox, role.deviceCertificates(mailbox));
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
  this.verify(storedEnvelopedWholeForOwner, role.inspect(left(this).stored), role.deviceCertificates(mailbox).map((d) => d.serialHex));
});

Then(/^the EVVM Server stored the (.+) part\(s\) enveloped for the device of "([^"]+)" only and the rest in clear$/, async function (this: EvvmWorld, partList: string, mailbox: string) {
  const role = await this.topology.role('content');
  this.verify(storedPartsEnvelopedForOwner, role.inspect(left(this).stored), parts(partList), role.deviceCertificates(mailbox).map((d) => d.serialHex));
});

Then('the voicemail was served over IMAP exactly as stored', function (this: EvvmWorld) {
  this.verify(servedAsStored, produced(content(this).opened, 'retrieved').served, left(this).stored);
});

// --- what the EVVM Client did ---

Then('the EVVM Client of {string} decrypts the voicemail to what the caller left, byte for byte', function (this: EvvmWorld, _mailbox: string) {
  this.verify(decryptedByteForByte, served(this), left(this));
});

Then('the EVVM Client of {string} plays the voicemail', function (this: EvvmWorld, _mailbox: string) {
  this.verify(clientPlaysVoicemail, served(this));
});

Then('the EVVM Client of {string} verifies the signature over the voicemail and its headers', function (this: EvvmWorld, _mailbox: string) {
  this.verify(signatureVerifiesContentAndHeaders, served(this));
});

Then('the EVVM Client of {string} verifies the voicemail as signed by the EVVM Server on behalf of the caller', function (this: EvvmWorld, _mailbox: string) {
  this.verify(signedByEvvmServerForCaller, served(this));
});

Then('the EVVM Client of {string} verifies the voicemail as signed by the caller itself', function (this: EvvmWorld, _mailbox: string) {
  this.verify(signedByOriginator, served(this));
});

Then('the signature has a signing time, a trusted chain, no revocation and the non-repudiation key usage', function (this: EvvmWorld) {
  this.verify(nonRepudiableSignature, served(this));
});

Then('the device key of {string} does not reveal the audio of the voicemail', function (this: EvvmWorld, other: string) {
  this.verify(otherKeyCannotDecrypt, served(this), other);
});

Then('the EVVM Client reports the voicemail instead of playing it', function (this: EvvmWorld) {
  this.verify(clientReportsInsteadOfPlaying, served(this));
});

Then('the EVVM Client reports the voicemail as tampered instead of playing it', function (this: EvvmWorld) {
  this.verify(clientReportsTampering, served(this));
});

Then('the EVVM Client reports the voicemail as not encrypted instead of playing it', function (this: EvvmWorld) {
  this.verify(clientReportsNotEncrypted, served(this));
});

Then('the EVVM Client reports the voicemail as unsigned instead of playing it', function (this: EvvmWorld) {
  this.verify(clientReportsUnsigned, served(this));
});

Then('the EVVM Client reports the voicemail instead of playing it, because {contentReason}', function (this: EvvmWorld, reason: string) {
  this.verify(clientRejectsForNonRepudiation, served(this), REASONS[reason]!, reason);
});
