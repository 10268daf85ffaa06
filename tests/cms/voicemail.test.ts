/**
 * The EVVM Client's content checks (simulators/evvm-client/content) against the EVVM Server's
 * protection (simulators/crypto/cms), without IMAP: every mode and suite opens byte for byte, every
 * attack and every flawed signer is reported for its own reason, each client fault turns off exactly
 * its rule, and hostile bytes never crash the client.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { smimePkiFor, type SmimeFlaw, type SmimePki } from '../../simulators/crypto/pki/smime';
import {
  buildVoicemail,
  certificatesFromPem,
  crlsFromPem,
  DEFAULT_CONTENT_POLICY,
  inspectProtection,
  loadKey,
  protectVoicemail,
  type AlgorithmSuite,
  type ContentPolicy,
  type KeyMaterial,
  type TrustStore,
} from '../../simulators/crypto/cms';
import { openVoicemail, type ContentReport, type OpenVoicemailOptions } from '../../simulators/evvm-client/content';
import { attackStoredVoicemail, type StoreAttack } from '../../simulators/evvm-server/content';

let smime: SmimePki;
let trust: TrustStore;
let server: KeyMaterial;
let caller: KeyMaterial;
let alice: KeyMaterial;
let aliceEc: KeyMaterial;
let bob: KeyMaterial;
const SERVER = 'evvm-server.op.example';

before(async () => {
  smime = await smimePkiFor(await sharedTestPki());
  trust = { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) };
  server = loadKey(smime.leaf('smime-evvm-server'));
  caller = loadKey(smime.leaf('smime-caller'));
  alice = loadKey(smime.leaf('smime-alice'));
  aliceEc = loadKey(smime.leaf('smime-alice-ec'));
  bob = loadKey(smime.leaf('smime-bob'));
});

function voicemail(): Buffer {
  return buildVoicemail({ from: 'tel:+15557777', to: 'tel:+15550001', messageId: `<${randomBytes(6).toString('hex')}@t>`, duration: 5, audio: randomBytes(2500), transcription: 'please call back' });
}

function open(raw: Buffer, policy: Partial<ContentPolicy> = {}, extra: Partial<OpenVoicemailOptions> = {}): ContentReport {
  return openVoicemail(raw, { deviceKeys: [alice], trust, policy: { ...DEFAULT_CONTENT_POLICY, ...policy }, evvmServerIdentity: SERVER, ...extra });
}

const codes = (r: ContentReport): string[] => r.problems.map((p) => p.code);

test('every mode and suite: the owner decrypts and verifies byte for byte; another device cannot read the audio', () => {
  for (const suite of ['modern', 'classic'] as AlgorithmSuite[]) {
    for (const encryption of ['whole', 'parts', 'none'] as const) {
      const vm = voicemail();
      const { raw } = protectVoicemail(vm, { suite, encryption, parts: ['audio'], recipients: [alice.certificate], signer: server });
      const r = open(raw, { encryption });
      assert.equal(r.verdict, 'play', `${suite}/${encryption}: ${JSON.stringify(r.problems)}`);
      assert.ok(r.voicemail?.equals(vm), `${suite}/${encryption}: byte for byte`);
      assert.equal(r.signatures[0]?.signedBy, 'evvm-server');
      assert.ok(r.signatures[0]?.securedHeaders.includes('Content-Duration'));
      const other = open(raw, { encryption }, { deviceKeys: [bob], trial: true });
      if (encryption === 'none') assert.ok(other.readable.audio, 'in clear anyone reads it');
      else {
        assert.equal(other.readable.audio, undefined, `${suite}/${encryption}: bob reads nothing`);
        assert.deepEqual(codes(other), ['cannot-decrypt'], `${suite}/${encryption}: ${JSON.stringify(other.problems)}`);
        if (encryption === 'parts') assert.equal(other.readable.transcription, 'please call back', 'a part not chosen stays readable');
      }
    }
  }
});

test('ECDH: an EC device key receives the voicemail by key agreement; both parts and whole', () => {
  for (const encryption of ['whole', 'parts'] as const) {
    const vm = voicemail();
    const { raw } = protectVoicemail(vm, { suite: 'modern', encryption, parts: ['audio', 'transcription'], recipients: [aliceEc.certificate], signer: server });
    const layout = inspectProtection(raw);
    assert.ok(layout.envelopes.every((e) => e.recipients.every((x) => x.keyManagement.startsWith('ECDH'))));
    const r = open(raw, { encryption, parts: ['audio', 'transcription'] }, { deviceKeys: [aliceEc] });
    assert.equal(r.verdict, 'play', JSON.stringify(r.problems));
    assert.ok(r.voicemail?.equals(vm));
  }
});

test('store attacks are each reported for their reason', () => {
  const cases: Array<[StoreAttack, 'whole' | 'parts' | 'none', AlgorithmSuite, string]> = [
    ['flip-ciphertext-byte', 'whole', 'modern', 'integrity'],
    ['flip-ciphertext-byte', 'whole', 'classic', 'integrity'],
    ['flip-ciphertext-byte', 'parts', 'modern', 'integrity'],
    ['flip-audio-byte', 'none', 'modern', 'integrity'],
    ['alter-content-duration', 'whole', 'modern', 'header-altered'],
    ['strip-signature', 'whole', 'modern', 'unsigned'],
    ['strip-signature', 'none', 'classic', 'unsigned'],
    ['mac-instead-of-signature', 'whole', 'modern', 'mac-not-signature'],
    ['decrypt-part-in-place', 'parts', 'modern', 'part-not-encrypted'],
  ];
  for (const [attack, encryption, suite, code] of cases) {
    const vm = voicemail();
    const { raw } = protectVoicemail(vm, { suite, encryption, parts: ['audio'], recipients: [alice.certificate], signer: server });
    const attacked = attackStoredVoicemail(attack, raw, { deposited: vm, recipients: [alice.certificate], suite, encryption });
    const r = open(attacked, { encryption });
    assert.equal(r.verdict, 'reported', `${attack}/${encryption}/${suite}`);
    assert.ok(codes(r).includes(code), `${attack}/${encryption}/${suite}: ${JSON.stringify(r.problems)}`);
    assert.equal(r.voicemail, undefined, 'nothing is played');
  }
});

test('flawed signers are rejected for non-repudiation, each for its reason; the good caller is the originator', () => {
  const good = open(protectVoicemail(voicemail(), { suite: 'modern', encryption: 'whole', recipients: [alice.certificate], signer: caller }).raw);
  assert.equal(good.verdict, 'play', JSON.stringify(good.problems));
  assert.equal(good.signatures[0]?.signedBy, 'originator');
  const expected: Record<SmimeFlaw, string> = {
    'wrong-host': 'signer-identity',
    'untrusted-ca': 'signer-untrusted',
    expired: 'signer-expired',
    'not-yet-valid': 'signer-not-yet-valid',
    revoked: 'signer-revoked',
    'wrong-eku': 'signer-key-usage',
    'wrong-key-usage': 'signer-key-usage',
    'no-non-repudiation': 'no-non-repudiation',
  };
  for (const [flaw, code] of Object.entries(expected) as Array<[SmimeFlaw, string]>) {
    const signer = loadKey(smime.bad('smime-caller', flaw));
    const r = open(protectVoicemail(voicemail(), { suite: 'modern', encryption: 'whole', recipients: [alice.certificate], signer }).raw);
    assert.equal(r.verdict, 'reported', flaw);
    assert.ok(codes(r).includes(code), `${flaw}: ${JSON.stringify(r.problems)}`);
  }
  const noTime = open(protectVoicemail(voicemail(), { suite: 'modern', encryption: 'whole', recipients: [alice.certificate], signer: server, signingTime: null }).raw);
  assert.deepEqual(codes(noTime), ['signing-time']);
  const integrityOnly = open(protectVoicemail(voicemail(), { suite: 'modern', encryption: 'whole', recipients: [alice.certificate], signer: loadKey(smime.bad('smime-caller', 'no-non-repudiation')) }).raw, { nonRepudiation: false });
  assert.equal(integrityOnly.verdict, 'play', 'without the non-repudiation policy digitalSignature is enough');
});

test('each client fault turns off exactly its rule', () => {
  const run = (raw: Buffer, fault: string, policy: Partial<ContentPolicy> = {}): ContentReport => open(raw, policy, { faults: [`evvm-client:${fault}`] });
  const protect = (o: Partial<Parameters<typeof protectVoicemail>[1]> = {}) => protectVoicemail(voicemail(), { suite: 'modern', encryption: 'whole', recipients: [alice.certificate], signer: server, ...o }).raw;
  const badSigner = (flaw: SmimeFlaw) => protect({ signer: loadKey(smime.bad('smime-caller', flaw)) });
  const vm = voicemail();
  const attacked = (attack: StoreAttack, encryption: 'whole' | 'none' = 'whole') =>
    attackStoredVoicemail(attack, protectVoicemail(vm, { suite: 'modern', encryption, recipients: [alice.certificate], signer: server }).raw, { deposited: vm, recipients: [alice.certificate], suite: 'modern', encryption });
  const plays: Array<[string, Buffer, Partial<ContentPolicy>?]> = [
    ['skip-integrity-check', attacked('flip-ciphertext-byte')],
    ['skip-integrity-check', attacked('flip-audio-byte', 'none'), { encryption: 'none' }],
    ['skip-header-check', attacked('alter-content-duration')],
    ['accept-unsigned', attacked('strip-signature')],
    ['accept-mac-as-signature', attacked('mac-instead-of-signature')],
    ['skip-signer-identity-check', badSigner('wrong-host')],
    ['skip-chain-check', badSigner('untrusted-ca')],
    ['skip-validity-check', badSigner('expired')],
    ['skip-revocation-check', badSigner('revoked')],
    ['skip-key-usage-check', badSigner('no-non-repudiation')],
    ['accept-cleartext', protect({ encryption: 'none' })],
  ];
  for (const [fault, raw, policy] of plays) {
    assert.equal(open(raw, policy ?? {}).verdict, 'reported', `${fault}: reported without the fault`);
    const r = run(raw, fault, policy ?? {});
    assert.equal(r.verdict, 'play', `${fault}: played with the fault, ${JSON.stringify(r.problems)}`);
  }
});

test('policy: the classic suite is refused where the policy allows only modern algorithms', () => {
  const raw = protectVoicemail(voicemail(), { suite: 'classic', encryption: 'whole', recipients: [alice.certificate], signer: server }).raw;
  const r = open(raw, { algorithms: ['modern'] });
  assert.ok(codes(r).includes('algorithm-not-allowed'), JSON.stringify(r.problems));
  assert.equal(open(raw).verdict, 'play');
});

test('hostile bytes: flipping, truncating or garbling a protected voicemail never throws; what still plays is unaltered', () => {
  const audio = randomBytes(2500);
  const vm = buildVoicemail({ from: 'tel:+15557777', to: 'tel:+15550001', messageId: '<h@t>', duration: 5, audio, transcription: 'please call back' });
  const raw = protectVoicemail(vm, { suite: 'modern', encryption: 'parts', parts: ['audio'], recipients: [alice.certificate], signer: server }).raw;
  let reported = 0;
  for (let i = 0; i < 300; i++) {
    const copy = Buffer.from(raw);
    const at = Math.floor(Math.random() * copy.length);
    if (i % 3 === 0) copy[at] = copy[at]! ^ (1 << (i % 8));
    const variant = i % 3 === 1 ? copy.subarray(0, at) : i % 3 === 2 ? Buffer.concat([copy.subarray(0, at), randomBytes(20), copy.subarray(at)]) : copy;
    const r = open(variant, { encryption: 'parts' });
    if (r.verdict === 'reported') reported++;
    else {
      // Only bytes outside the protection can change unnoticed (MIME-Version, the multipart/signed
      // parameters, line-end bytes): the content played is still the content signed.
      assert.ok(r.readable.audio?.equals(audio), `variant ${i} played altered audio`);
      assert.equal(r.readable.transcription, 'please call back');
    }
  }
  assert.ok(reported > 250, `${reported} of 300 variants reported`);
  assert.equal(open(Buffer.from('not a message at all')).verdict, 'reported');
  assert.equal(open(Buffer.alloc(0)).verdict, 'reported');
});
