/** The S/MIME signer behind EVVM-IW-C03, against openssl itself: sign, verify, tamper, re-encode. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, it } from 'node:test';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { opensslSigner } from '../../simulators/protocol/smtp/smime';
import { readVpim, vpimEntity, vpimMessage } from '../../simulators/protocol/smtp/vpim';
import { reEncode } from '../../simulators/protocol/smtp/re-encode';

let pki: TestPki;
let message: Buffer;
before(async () => {
  pki = await sharedTestPki();
  const vm = { from: 'alice@op.example', to: 'dave@peer.example', messageId: '<s1@op.example>', audio: randomBytes(600) };
  const leaf = pki.leaf('evvm-server');
  message = vpimMessage(vm, await opensslSigner.sign(vpimEntity(vm), { chainPem: leaf.chainPem, keyPem: leaf.keyPem }));
});

it('signs the voice-message entity as multipart/signed that openssl verifies, with trace headers added in front', async () => {
  const s = readVpim(message);
  assert.equal(s.ok, true, s.problem);
  assert.equal(s.signed, true);
  const relayed = Buffer.concat([Buffer.from('Received: by relay.example; Sun, 22 Nov 2026 09:00:00 +0000\r\n'), message]);
  const r = await opensslSigner.verify(relayed, pki.trustAnchorPem);
  assert.equal(r.valid, true, r.reason);
  assert.match(r.signer ?? '', /CN=evvm-server/);
});

it('a re-encoded or tampered copy does not verify, nor one checked against another anchor', async () => {
  assert.equal((await opensslSigner.verify(reEncode(message), pki.trustAnchorPem)).valid, false);
  const tampered = Buffer.from(message.toString('latin1').replace('audio/32kadpcm', 'audio/32kadpcN'), 'latin1');
  assert.equal((await opensslSigner.verify(tampered, pki.trustAnchorPem)).valid, false);
  assert.equal((await opensslSigner.verify(message, pki.untrustedRootPem)).valid, false);
  assert.equal((await opensslSigner.verify(Buffer.from('not a message'), pki.trustAnchorPem)).valid, false);
});
