/**
 * Content security end to end over real IMAP: the EVVM Server's content protection stores through
 * EvvmServer.deposit(), the EVVM Client (imapflow, TLS) fetches, its content module opens. The served
 * bytes are the stored bytes, and the transcript carries them (base64) as evidence.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Transcript } from '../../evidence/transcript';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { smimePkiFor, type SmimePki } from '../../simulators/crypto/pki/smime';
import { EvvmServer } from '../../simulators/evvm-server';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { buildVoicemail, certificatesFromPem, crlsFromPem, DEFAULT_CONTENT_POLICY, loadKey, messageId } from '../../simulators/crypto/cms';
import { EvvmContentProtection, attackStoredVoicemail } from '../../simulators/evvm-server/content';
import { EvvmContentClient } from '../../simulators/evvm-client/content';

const ALICE = ['tel:+15550001', 'sip:alice@op.example'];
const BOB = ['tel:+15550002', 'sip:bob@op.example'];
const PASSWORD = 'vm-Pa55word-imap';
const SERVER_NAME = 'evvm-server.op.example';

let pki: TestPki;
let smime: SmimePki;
let server: EvvmServer;
let port: number;
let protection: EvvmContentProtection;
const transcript = new Transcript();

before(async () => {
  pki = await sharedTestPki();
  smime = await smimePkiFor(pki);
  const leaf = pki.leaf('evvm-server');
  server = new EvvmServer({
    listen: { implicitTls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: pki.trustAnchorPem },
    policy: { requireTls: true, clientCertificate: 'none', saslMechanisms: ['PLAIN'], loginCommand: true },
    mailboxes: [
      { identifiers: ALICE, password: PASSWORD, state: 'active' },
      { identifiers: BOB, password: PASSWORD + 'b', state: 'active' },
    ],
    transcript,
  });
  port = (await server.start()).imaps!;
  protection = new EvvmContentProtection({
    server,
    policy: DEFAULT_CONTENT_POLICY,
    signer: loadKey(smime.leaf('smime-evvm-server')),
    devices: () => [
      { identifiers: ALICE, certificates: [loadKey(smime.leaf('smime-alice')).certificate] },
      { identifiers: BOB, certificates: [loadKey(smime.leaf('smime-bob')).certificate] },
    ],
    transcript,
  });
});

after(async () => {
  await server?.stop();
});

function client(): EvvmContentClient {
  return new EvvmContentClient(new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, transcript, timeoutMs: 3000 }), {
    deviceKeys: [loadKey(smime.leaf('smime-alice'))],
    trust: { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) },
    policy: DEFAULT_CONTENT_POLICY,
    evvmServerIdentity: SERVER_NAME,
    transcript,
  });
}

const target = () => ({ host: '127.0.0.1', port, servername: SERVER_NAME, transport: 'implicit-tls' as const });

test('a protected voicemail is stored, served byte for byte over IMAP, recorded, decrypted and verified', async () => {
  const id = `<imap-${randomBytes(4).toString('hex')}@t>`;
  const vm = buildVoicemail({ from: 'tel:+15557777', to: ALICE[0]!, messageId: id, duration: 3, audio: randomBytes(2000) });
  const deposit = protection.deposit(ALICE[0]!, vm);
  assert.equal(deposit.signedBy, 'evvm-server');
  assert.equal(deposit.layout.top, 'envelope');
  assert.ok(server.messages(ALICE[0]!).some((m) => m.raw.equals(deposit.stored)), 'the EVVM Server holds exactly the protected bytes');
  const opened = await client().retrieveAndOpen(target(), { username: ALICE[0]!, password: PASSWORD }, (raw) => messageId(raw) === id);
  assert.ok(opened.served?.equals(deposit.stored), 'served as stored');
  assert.equal(opened.report?.verdict, 'play', JSON.stringify(opened.report?.problems));
  assert.ok(opened.report?.voicemail?.equals(vm), 'byte for byte');
  const evidence = transcript.entries().find((e) => e.channel === 'cms' && e.dir === 'recv' && e.text.includes(`UID ${opened.uid}`));
  const b64 = evidence?.text.split('base64: ')[1];
  assert.ok(b64 && Buffer.from(b64, 'base64').equals(opened.served!), 'the transcript holds the served voicemail');
  assert.ok(transcript.entries().some((e) => e.channel === 'cms' && e.actor === 'EVVM Server' && /signed by the EVVM Server on behalf of the caller/.test(e.text)));
});

test('a voicemail altered in the store is reported over IMAP instead of played', async () => {
  const id = `<imap-${randomBytes(4).toString('hex')}@t>`;
  const vm = buildVoicemail({ from: 'tel:+15557777', to: ALICE[0]!, messageId: id, duration: 3, audio: randomBytes(2000) });
  const { stored } = protection.protect(ALICE[0]!, vm);
  const attacked = attackStoredVoicemail('alter-content-duration', stored, { deposited: vm, recipients: [], suite: 'modern', encryption: 'whole' });
  protection.store(ALICE[0]!, attacked);
  const opened = await client().retrieveAndOpen(target(), { username: ALICE[0]!, password: PASSWORD }, (raw) => messageId(raw) === id);
  assert.equal(opened.report?.verdict, 'reported');
  assert.deepEqual(opened.report?.problems.map((p) => p.code), ['header-altered']);
  assert.equal(opened.report?.voicemail, undefined);
});

test('server faults: wrong recipient, extra recipient, cleartext', async () => {
  const make = (fault: string) =>
    new EvvmContentProtection({
      server,
      policy: DEFAULT_CONTENT_POLICY,
      signer: loadKey(smime.leaf('smime-evvm-server')),
      devices: () => [
        { identifiers: ALICE, certificates: [loadKey(smime.leaf('smime-alice')).certificate] },
        { identifiers: BOB, certificates: [loadKey(smime.leaf('smime-bob')).certificate] },
      ],
      faults: [fault],
    });
  const vm = () => buildVoicemail({ from: 'tel:+15557777', to: ALICE[0]!, messageId: '<f@t>', duration: 3, audio: randomBytes(500) });
  const alice = loadKey(smime.leaf('smime-alice')).certificate.serialHex;
  const bob = loadKey(smime.leaf('smime-bob')).certificate.serialHex;
  const recipients = (fault: string) => make(fault).deposit(ALICE[0]!, vm()).layout.envelopes.flatMap((e) => e.recipients.map((r) => r.serialHex));
  assert.deepEqual(recipients('evvm-server:encrypt-to-wrong-recipient'), [bob]);
  assert.deepEqual(recipients('evvm-server:encrypt-to-extra-recipient').sort(), [alice, bob].sort());
  assert.equal(make('evvm-server:store-cleartext').deposit(ALICE[0]!, vm()).layout.top, 'multipart/signed');
  assert.deepEqual(make('evvm-server:skip-signing').deposit(ALICE[0]!, vm()).signedBy, 'none');
});
