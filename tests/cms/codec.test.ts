/**
 * The hand-written codecs under CMS: DER/BER (round trips, BER from `openssl cms -stream`, hostile
 * input) and MIME (exact part ranges with CRLF and bare LF, splicing, canonical CRLF).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  decode,
  DerError,
  explicit,
  integer,
  octets,
  octetString,
  oid,
  readOid,
  readSmallInt,
  readTime,
  seq,
  setOf,
  time,
  tlv,
  integerBytes,
} from '../../simulators/crypto/cms/der';
import { canonicalCrlf, multipartBody, multipartRanges, parseContentType, parseEntity, splice, splitMessage, joinMessage, decodedBody, base64Lines, MimeError } from '../../simulators/crypto/cms/mime';
import { buildVoicemail, voicemailContent } from '../../simulators/crypto/cms/voicemail';

test('DER: OIDs, integers, times and nesting round-trip', () => {
  for (const o of ['1.2.840.113549.1.9.16.1.23', '2.16.840.1.101.3.4.1.46', '1.3.132.1.11.1', '2.5.29.37.0', '2.999.1234567']) {
    assert.equal(readOid(decode(oid(o))), o);
  }
  assert.equal(readSmallInt(decode(integer(0))), 0);
  assert.equal(readSmallInt(decode(integer(300))), 300);
  // a serial with the top bit set gets a leading zero, which integerBytes removes again
  const serial = Buffer.from('ff0102', 'hex');
  assert.deepEqual(integerBytes(decode(integer(serial))), serial);
  const d = new Date('2031-02-03T04:05:06Z');
  assert.deepEqual(readTime(decode(time(d))), d);
  assert.equal(decode(time(new Date('2051-01-01T00:00:00Z'))).tag, 0x18, 'GeneralizedTime from 2050 on');
  const big = randomBytes(200_000);
  const n = decode(seq(oid('1.2.3'), explicit(0, octetString(big))));
  assert.ok(octets(n.children[1]!.children[0]!).equals(big));
  // DER SET OF is sorted by encoding
  const s = decode(setOf(integer(5), integer(1), integer(3)));
  assert.deepEqual(s.children.map(readSmallInt), [1, 3, 5]);
});

test('BER: indefinite lengths and constructed OCTET STRINGs (openssl -stream) are read', () => {
  const chunk = (b: Buffer) => tlv(0x04, b);
  // SEQUENCE (indefinite) { OID, [0] (indefinite) { OCTET STRING (constructed, indefinite) { a, b } } }
  const ber = Buffer.concat([
    Buffer.from([0x30, 0x80]),
    oid('1.2.840.113549.1.7.1'),
    Buffer.from([0xa0, 0x80, 0x24, 0x80]),
    chunk(Buffer.from('hello ')),
    chunk(Buffer.from('world')),
    Buffer.from([0, 0, 0, 0, 0, 0]),
  ]);
  const n = decode(ber);
  assert.equal(n.indefinite, true);
  assert.equal(octets(n.children[1]!.children[0]!).toString(), 'hello world');
});

test('DER: hostile input gives DerError, never a crash or an over-read', () => {
  const cases: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from([0x30]),
    Buffer.from([0x30, 0x05, 0x02, 0x01]),
    Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]),
    Buffer.from([0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    Buffer.from([0x04, 0x80, 0x00, 0x00]),
    Buffer.from([0x30, 0x80, 0x02, 0x01, 0x00]),
    Buffer.from([0x1f, 0x81, 0x01, 0x00]),
    Buffer.from([0x02, 0x01, 0x00, 0xff]),
    Buffer.concat([Buffer.alloc(100, 0x30).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)), Buffer.alloc(100)]),
  ];
  for (const c of cases) assert.throws(() => decode(c), DerError, c.toString('hex'));
  // random garbage: only DerError
  for (let i = 0; i < 2000; i++) {
    const g = randomBytes(1 + (i % 64));
    try {
      decode(g);
    } catch (err) {
      assert.ok(err instanceof DerError, `${g.toString('hex')}: ${(err as Error).message}`);
    }
  }
});

test('MIME: part ranges are exact with CRLF, with bare LF (openssl), with transport padding', () => {
  const body = multipartBody('b1', [Buffer.from('Content-Type: text/plain\r\n\r\none\r\n'), Buffer.from('Content-Type: text/plain\r\n\r\ntwo')]);
  const raw = Buffer.concat([Buffer.from('Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'), body]);
  const e = parseEntity(raw);
  const r = multipartRanges(e);
  assert.deepEqual(r.map((x) => raw.subarray(x.start, x.end).toString()), ['Content-Type: text/plain\r\n\r\none\r\n', 'Content-Type: text/plain\r\n\r\ntwo']);

  const lf = Buffer.from('Content-Type: multipart/signed; boundary=x\n\nThis is an S/MIME signed message\n\n--x\nContent-Type: text/plain\r\n\r\nhello\r\n\n--x  \nContent-Type: application/pkcs7-signature\n\nAAAA\n\n--x--\n\n');
  const lr = multipartRanges(parseEntity(lf));
  assert.equal(lf.subarray(lr[0]!.start, lr[0]!.end).toString(), 'Content-Type: text/plain\r\n\r\nhello\r\n');
  assert.equal(lr.length, 2);

  const spliced = splice(raw, r[1]!, Buffer.from('Content-Type: text/plain\r\n\r\nTWO!'));
  assert.match(spliced.toString(), /TWO!\r\n--b1--/);
  assert.throws(() => multipartRanges(parseEntity(Buffer.from('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nx\r\n'))), MimeError);
  assert.throws(() => multipartRanges(parseEntity(Buffer.from('Content-Type: multipart/mixed\r\n\r\n'))), MimeError);
});

test('MIME: Content-Type parameters, canonical CRLF, message split and join', () => {
  const ct = parseContentType('application/pkcs7-mime; smime-type=authEnveloped-data; name="smime.p7m"');
  assert.equal(ct.mime, 'application/pkcs7-mime');
  assert.equal(ct.params['smime-type'], 'authEnveloped-data');
  assert.equal(ct.params['name'], 'smime.p7m');
  assert.equal(canonicalCrlf(Buffer.from('a\nb\r\nc\n')).toString(), 'a\r\nb\r\nc\r\n');
  const same = Buffer.from('a\r\n');
  assert.equal(canonicalCrlf(same), same);

  const vm = buildVoicemail({ from: 'tel:+15557777', to: 'tel:+15550001', messageId: '<m@x>', duration: 7, audio: randomBytes(1000), transcription: 'call me' });
  const { outer, entity } = splitMessage(vm);
  assert.deepEqual(outer.map((h) => h.name), ['From', 'To', 'Date', 'Subject', 'Message-ID', 'Message-Context', 'Content-Duration', 'MIME-Version']);
  assert.match(entity.toString('latin1'), /^Content-Type: multipart\/mixed/);
  assert.ok(joinMessage(outer, entity).equals(vm), 'split then join is the identity for a voicemail');
  const content = voicemailContent(vm);
  assert.equal(content.audio?.length, 1000);
  assert.equal(content.transcription, 'call me');
  // RFC 2045 §6.8: characters outside the alphabet are ignored
  assert.equal(decodedBody(parseEntity(Buffer.from('Content-Transfer-Encoding: base64\r\n\r\naGVs!bG8=\r\n'))).toString(), 'hello');
  assert.equal(base64Lines(Buffer.alloc(100)).toString().split('\r\n')[0]!.length, 76);
});
