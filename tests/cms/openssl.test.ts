/**
 * Interoperability with OpenSSL, both ways (the independent oracle, stack.md §2.4):
 * - what the EVVM Server produces decrypts with `openssl cms -decrypt` and verifies with
 *   `openssl cms -verify` (whole and per-part, modern and classic, RSA and ECDH), and OpenSSL reaches
 *   the same verdict on flawed signers;
 * - what `openssl cms` produces (enveloped, auth-enveloped, signed, detached, BER, SKI recipients,
 *   RSA-PSS, ECDH) the EVVM Client decrypts and verifies;
 * plus node-forge as a second decryptor of classic envelopes, and the S/MIME test PKI under
 * `openssl verify -purpose smimesign`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { sharedTestPki, writePki, type PkiIndex } from '../../simulators/crypto/pki';
import { smimePkiFor, SMIME_FLAWS, type SmimeFlaw, type SmimePki } from '../../simulators/crypto/pki/smime';
import {
  buildVoicemail,
  certificatesFromPem,
  contentTypeOf,
  crlsFromPem,
  decodedBody,
  DEFAULT_CONTENT_POLICY,
  joinMessage,
  loadKey,
  multipartSignedEntity,
  parseEntity,
  partEntities,
  pkcs7MimeEntity,
  protectVoicemail,
  splitMessage,
  base64Lines,
  type ContentPolicy,
  type KeyMaterial,
  type TrustStore,
} from '../../simulators/crypto/cms';
import { openVoicemail, type ContentReport } from '../../simulators/evvm-client/content';
import { skipWithoutOpenssl as skip } from '../pki/openssl-cli';

let dir: string;
let smime: SmimePki;
let trust: TrustStore;
let server: KeyMaterial;
let alice: KeyMaterial;
let aliceEc: KeyMaterial;
let index: PkiIndex;

before(async () => {
  const pki = await sharedTestPki();
  smime = await smimePkiFor(pki);
  trust = { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) };
  server = loadKey(smime.leaf('smime-evvm-server'));
  alice = loadKey(smime.leaf('smime-alice'));
  aliceEc = loadKey(smime.leaf('smime-alice-ec'));
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-cms-openssl-'));
  index = await writePki(pki, dir, { includeKeys: true });
  // `openssl cms -verify` has no -CRLfile: CRLs go into the -CAfile store with the anchor.
  await writeFile(path.join(dir, 'trust.pem'), smime.trustAnchorPem + smime.crlPem);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

/** openssl with `input` on stdin, in the PKI directory; resolves whatever the outcome. */
function openssl(args: string[], input?: Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn('openssl', args, { cwd: dir });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('close', (code) => resolve({ ok: code === 0, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    p.stdin.on('error', () => undefined);
    p.stdin.end(input ?? Buffer.alloc(0));
  });
}

const VERIFY = ['cms', '-verify', '-CAfile', 'trust.pem', '-crl_check_all', '-purpose', 'smimesign'];
const decryptArgs = (leaf: string): string[] => ['cms', '-decrypt', '-recip', `smime/${leaf}.crt`, '-inkey', `smime/${leaf}.key`];

function voicemail(): Buffer {
  return buildVoicemail({ from: 'tel:+15557777', to: 'tel:+15550001', messageId: `<${randomBytes(6).toString('hex')}@t>`, duration: 5, audio: randomBytes(4000), transcription: 'call me back' });
}

function open(raw: Buffer, policy: Partial<ContentPolicy>, keys: KeyMaterial[] = [alice]): ContentReport {
  return openVoicemail(raw, { deviceKeys: keys, trust, policy: { ...DEFAULT_CONTENT_POLICY, ...policy }, evvmServerIdentity: 'evvm-server.op.example' });
}

test('the S/MIME test PKI: good signers verify for smimesign with CRLs; each twin fails for its reason', { skip }, async () => {
  const verify = (file: string, extra: string[] = []) =>
    openssl(['verify', '-CAfile', 'ca.pem', '-untrusted', 'smime/smime-ca.pem', '-purpose', 'smimesign', '-crl_check_all', '-CRLfile', 'smime/crl.pem', ...extra, file]);
  for (const leaf of ['smime-evvm-server', 'smime-caller']) assert.ok((await verify(`smime/${leaf}.crt`)).ok, leaf);
  const reasons: Partial<Record<SmimeFlaw, RegExp>> = {
    'untrusted-ca': /unable to get local issuer certificate/,
    expired: /certificate has expired/,
    'not-yet-valid': /certificate is not yet valid/,
    revoked: /certificate revoked/,
    'wrong-eku': /unsuitable certificate purpose/,
  };
  for (const [flaw, re] of Object.entries(reasons)) {
    const r = await verify(`smime/bad/smime-caller.${flaw}.crt`);
    assert.ok(!r.ok, flaw);
    assert.match(r.stdout.toString() + r.stderr, re, flaw);
  }
  const files = index.files.filter((f) => f.file.startsWith('smime/'));
  assert.equal(files.filter((f) => f.kind === 'smime-leaf-key').length, smime.leaves.size);
  assert.equal(files.filter((f) => f.kind === 'smime-bad-leaf-chain').length, smime.leaves.size * SMIME_FLAWS.length);
  assert.match(await readFile(path.join(dir, 'smime/crl.pem'), 'utf8'), /BEGIN X509 CRL[\s\S]*BEGIN X509 CRL/);
});

test('ours -> openssl: whole voicemail, modern, classic and ECDH, decrypts and verifies', { skip }, async () => {
  const cases: Array<[string, 'modern' | 'classic', KeyMaterial]> = [
    ['smime-alice', 'modern', alice],
    ['smime-alice', 'classic', alice],
    ['smime-alice-ec', 'modern', aliceEc],
    ['smime-alice-ec', 'classic', aliceEc],
  ];
  for (const [leaf, suite, key] of cases) {
    for (const form of ['detached', 'opaque'] as const) {
      const vm = voicemail();
      const { raw } = protectVoicemail(vm, { suite, encryption: 'whole', recipients: [key.certificate], signer: server, signatureForm: form });
      const dec = await openssl(decryptArgs(leaf), raw);
      assert.ok(dec.ok, `${leaf}/${suite}/${form} decrypt: ${dec.stderr}`);
      const ver = await openssl(VERIFY, dec.stdout);
      assert.ok(ver.ok, `${leaf}/${suite}/${form} verify: ${ver.stderr}`);
      assert.match(ver.stderr, /Verification successful/);
      assert.ok(ver.stdout.equals(splitMessage(vm).entity), `${leaf}/${suite}/${form}: openssl recovers the voicemail entity byte for byte`);
    }
  }
});

test('ours -> openssl: per-part envelopes decrypt, and the detached signature verifies over the spliced plaintext', { skip }, async () => {
  for (const suite of ['modern', 'classic'] as const) {
    const vm = voicemail();
    const { raw } = protectVoicemail(vm, { suite, encryption: 'parts', parts: ['audio'], recipients: [alice.certificate], signer: server });
    const { entity } = splitMessage(raw);
    const [signed, signature] = partEntities(parseEntity(entity));
    const mixed = parseEntity(signed!.entity.raw);
    const parts = partEntities(mixed);
    const env = parts.find((p) => contentTypeOf(p.entity).mime === 'application/pkcs7-mime')!;
    const dec = await openssl(decryptArgs('smime-alice'), env.entity.raw);
    assert.ok(dec.ok, dec.stderr);
    const original = partEntities(parseEntity(splitMessage(vm).entity))[0]!.entity.raw;
    assert.ok(dec.stdout.equals(original), `${suite}: the audio part decrypts byte for byte`);
    const plain = Buffer.concat([mixed.raw.subarray(0, env.range.start), dec.stdout, mixed.raw.subarray(env.range.end)]);
    await writeFile(path.join(dir, 'plain.txt'), plain);
    const ver = await openssl([...VERIFY, '-inform', 'DER', '-content', 'plain.txt', '-binary', '-out', os.devNull], decodedBody(signature!.entity));
    assert.ok(ver.ok, `${suite}: ${ver.stderr}`);
  }
});

test('ours -> openssl: the same verdict on flawed signers (revoked, expired, untrusted, not for S/MIME)', { skip }, async () => {
  for (const flaw of ['revoked', 'expired', 'untrusted-ca', 'wrong-eku'] as SmimeFlaw[]) {
    const signer = loadKey(smime.bad('smime-caller', flaw));
    const { raw } = protectVoicemail(voicemail(), { suite: 'modern', encryption: 'none', recipients: [], signer });
    const ours = open(raw, { encryption: 'none' });
    const theirs = await openssl(VERIFY, splitMessage(raw).entity);
    assert.equal(ours.verdict, 'reported', flaw);
    assert.ok(!theirs.ok, `${flaw}: openssl also refuses it`);
  }
});

test('ours -> openssl: AuthenticatedData (a MAC, no signature) is well-formed CMS', { skip }, async () => {
  const { raw } = protectVoicemail(voicemail(), { suite: 'modern', encryption: 'none', recipients: [alice.certificate], mac: true });
  const printed = await openssl(['cms', '-cmsout', '-print'], splitMessage(raw).entity);
  assert.ok(printed.ok, printed.stderr);
  assert.match(printed.stdout.toString(), /id-smime-ct-authData[\s\S]*hmacWithSHA256/);
});

/** The voicemail's message headers in front of what openssl wrote (which brings MIME-Version and Content-*). */
function withHeaders(vm: Buffer, entity: Buffer): Buffer {
  const { outer } = splitMessage(vm);
  return joinMessage(outer.filter((h) => h.name.toLowerCase() !== 'mime-version'), entity);
}

test('openssl -> ours: signed (detached and opaque, PKCS#1 and PSS), enveloped, auth-enveloped, BER, SKI, ECDH', { skip }, async () => {
  // -certfile: a signer sends its issuing CA along (the EVVM Client builds paths from the message's certificates)
  const caller = ['-signer', 'smime/smime-caller.crt', '-inkey', 'smime/smime-caller.key', '-certfile', 'smime/smime-ca.pem'];
  const vm = voicemail();
  const entity = splitMessage(vm).entity;
  const sign = async (extra: string[]): Promise<Buffer> => {
    const r = await openssl(['cms', '-sign', ...caller, '-binary', ...extra], entity);
    assert.ok(r.ok, r.stderr);
    return r.stdout;
  };
  const detached = await sign([]);
  const opaque = await sign(['-nodetach']);
  const pss = await sign(['-keyopt', 'rsa_padding_mode:pss']);
  for (const [name, signed] of [['detached', detached], ['opaque', opaque], ['RSA-PSS', pss]] as const) {
    const r = open(withHeaders(vm, signed), { encryption: 'none' });
    assert.equal(r.verdict, 'play', `${name}: ${JSON.stringify(r.problems)}`);
    assert.equal(r.signatures[0]?.signedBy, 'originator');
    assert.ok(r.voicemail?.equals(vm), `${name}: byte for byte`);
  }

  const encrypt = async (signed: Buffer, extra: string[], recip = 'smime/smime-alice.crt'): Promise<Buffer> => {
    // -keyopt applies to the -recip before it
    const r = await openssl(['cms', '-encrypt', '-binary', '-recip', recip, ...extra], signed);
    assert.ok(r.ok, r.stderr);
    return r.stdout;
  };
  const oaep = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'];
  const envelopes: Array<[string, Buffer, KeyMaterial]> = [
    ['auth-enveloped AES-256-GCM + OAEP', await encrypt(detached, ['-aes-256-gcm', ...oaep]), alice],
    ['enveloped AES-256-CBC + PKCS#1 v1.5', await encrypt(detached, ['-aes256']), alice],
    ['enveloped 3DES (openssl default) + PKCS#1 v1.5', await encrypt(opaque, []), alice],
    ['enveloped AES-128-CBC + OAEP, SKI recipient', await encrypt(detached, ['-aes128', '-keyid', ...oaep]), alice],
    ['auth-enveloped AES-128-GCM + ECDH', await encrypt(detached, ['-aes-128-gcm'], 'smime/smime-alice-ec.crt'), aliceEc],
    ['enveloped AES-256-CBC + ECDH', await encrypt(opaque, ['-aes256'], 'smime/smime-alice-ec.crt'), aliceEc],
  ];
  for (const [name, enveloped, key] of envelopes) {
    const r = open(withHeaders(vm, enveloped), { encryption: 'whole' }, [key]);
    assert.equal(r.verdict, 'play', `${name}: ${JSON.stringify(r.problems)}`);
    assert.ok(r.voicemail?.equals(vm), `${name}: byte for byte`);
    assert.equal(r.encryptedWhole, true);
  }

  // BER from -stream, DER output wrapped as S/MIME by us
  const ber = await openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-stream', '-outform', 'DER', '-recip', 'smime/smime-alice.crt', ...oaep], detached);
  assert.ok(ber.ok, ber.stderr);
  assert.equal(ber.stdout[1], 0x80, 'indefinite length at the top');
  const r = open(withHeaders(vm, pkcs7MimeEntity(ber.stdout, 'authEnveloped-data')), { encryption: 'whole' });
  assert.equal(r.verdict, 'play', JSON.stringify(r.problems));

  // A flipped byte in an openssl envelope is caught too
  const tampered = Buffer.from(envelopes[0]![1]);
  const body = parseEntity(tampered);
  const der = decodedBody(body);
  der[Math.floor(der.length / 2)]! ^= 1;
  const t = open(withHeaders(vm, Buffer.concat([tampered.subarray(0, body.bodyStart), base64Lines(der)])), { encryption: 'whole' });
  assert.equal(t.verdict, 'reported');
});

test('openssl -> ours: openssl envelopes one part, openssl signs the plaintext, the EVVM Client decrypts then verifies', { skip }, async () => {
  const vm = voicemail();
  const entity = splitMessage(vm).entity;
  const sig = await openssl(['cms', '-sign', '-signer', 'smime/smime-caller.crt', '-inkey', 'smime/smime-caller.key', '-certfile', 'smime/smime-ca.pem', '-binary', '-outform', 'DER'], entity);
  assert.ok(sig.ok, sig.stderr);
  const mixed = parseEntity(entity);
  const audio = partEntities(mixed)[0]!;
  const env = await openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-recip', 'smime/smime-alice.crt'], audio.entity.raw);
  assert.ok(env.ok, env.stderr);
  // openssl writes LF line ends around its own entity; a MIME part may (RFC 2046 allows any line end here)
  const parted = Buffer.concat([entity.subarray(0, audio.range.start), env.stdout, entity.subarray(audio.range.end)]);
  const message = joinMessage(splitMessage(vm).outer, multipartSignedEntity(parted, sig.stdout));
  const r = open(message, { encryption: 'parts', parts: ['audio'] });
  assert.equal(r.verdict, 'play', JSON.stringify(r.problems));
  assert.ok(r.voicemail?.equals(vm));
});

test('node-forge (a second implementation) opens the classic envelope the EVVM Server writes', () => {
  const content = Buffer.from('Content-Type: text/plain\r\n\r\nhello forge\r\n');
  const { raw } = protectVoicemail(
    Buffer.concat([Buffer.from('From: tel:+15557777\r\nMIME-Version: 1.0\r\n'), content]),
    { suite: 'classic', encryption: 'whole', recipients: [alice.certificate] },
  );
  const der = decodedBody(parseEntity(splitMessage(raw).entity));
  const msg = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')))) as forge.pkcs7.PkcsEnvelopedData;
  const cert = forge.pki.certificateFromPem(smime.leaf('smime-alice').certPem);
  const recipient = msg.findRecipient(cert);
  assert.ok(recipient, 'forge finds the recipient by issuer and serial');
  msg.decrypt(recipient, forge.pki.privateKeyFromPem(smime.leaf('smime-alice').keyPem) as forge.pki.rsa.PrivateKey);
  assert.equal(Buffer.from((msg.content as forge.util.ByteStringBuffer).getBytes(), 'binary').toString(), content.toString());
});
