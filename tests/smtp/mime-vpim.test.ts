/** MIME reading, VPIM v2 shape and the re-encoding relay: pure functions, hostile input included. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { contentType, field, parameters, parseEntity, parts } from '../../simulators/protocol/smtp/mime';
import { readVpim, vpimEntity, vpimMessage } from '../../simulators/protocol/smtp/vpim';
import { reEncode } from '../../simulators/protocol/smtp/re-encode';
import { encodeData } from '../../simulators/protocol/smtp/client';

const vm = { from: '+15559001@legacy-vm.example', to: 'alice@op.example', messageId: '<m1@legacy-vm.example>', audio: randomBytes(600) };

describe('MIME', () => {
  it('unfolds header fields and reads parameters', () => {
    const e = parseEntity('Content-Type: multipart/voice-message;\r\n boundary="b 1"; version=2.0\r\nX-A: 1\r\n\r\nbody');
    assert.equal(field(e, 'x-a'), '1');
    assert.deepEqual(contentType(e), { value: 'multipart/voice-message', params: { boundary: 'b 1', version: '2.0' } });
    assert.equal(e.body, 'body');
    assert.deepEqual(parameters(undefined), { value: '', params: {} });
  });

  it('splits multipart bodies into the exact bytes between delimiters', () => {
    const body = 'preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n\r\n--b--\r\nepilogue';
    assert.deepEqual(parts(body, 'b'), ['A: 1\r\n\r\none', '\r\ntwo\r\n']);
  });

  it('survives hostile input without throwing', () => {
    for (const raw of ['', '\r\n\r\n', 'no header', 'Content-Type: multipart/signed\r\n\r\n--', ':\r\n:\r\n\r\n', 'A'.repeat(100_000)]) {
      const e = parseEntity(raw);
      assert.equal(typeof e.body, 'string');
      assert.deepEqual(parts(e.body, ''), parts(e.body, ''));
      assert.equal(readVpim(Buffer.from(raw)).ok, false);
    }
  });
});

describe('VPIM v2', () => {
  it('builds multipart/voice-message with an audio part that reads back', () => {
    const s = readVpim(vpimMessage(vm));
    assert.equal(s.ok, true, s.problem);
    assert.equal(s.version, '2.0');
    assert.deepEqual(s.audioParts, ['audio/32kadpcm']);
    assert.equal(s.messageId, vm.messageId);
    assert.equal(s.signed, false);
  });

  it('refuses a message that is not a voice message', () => {
    const s = readVpim(Buffer.from('From: a@b\r\nContent-Type: text/plain\r\n\r\nhi\r\n'));
    assert.equal(s.ok, false);
    assert.match(s.problem!, /not multipart\/voice-message/);
  });

  it('finds the voice message inside multipart/signed', () => {
    const inner = vpimEntity(vm).toString('latin1');
    const signed = `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"\r\n\r\n--s\r\n${inner}\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--s--\r\n`;
    const s = readVpim(vpimMessage(vm, Buffer.from(signed, 'latin1')));
    assert.equal(s.ok, true, s.problem);
    assert.equal(s.signed, true);
  });
});

describe('re-encoding relay', () => {
  it('changes the bytes but not the decoded audio', () => {
    const raw = vpimMessage(vm);
    const re = reEncode(raw);
    assert.notDeepEqual(re, raw);
    const audioOf = (b: Buffer): Buffer => {
      const e = parseEntity(b);
      const p = parts(e.body, contentType(e).params.boundary!)[0]!;
      return Buffer.from(parseEntity(p).body.replace(/\s+/g, ''), 'base64');
    };
    assert.deepEqual(audioOf(re), vm.audio);
    assert.deepEqual(reEncode(Buffer.from('no base64 here\r\n')), Buffer.from('no base64 here\r\n'));
  });
});

describe('DATA encoding', () => {
  it('dot-stuffs, uses CRLF and terminates', () => {
    assert.equal(encodeData(Buffer.from('a\n.b\n..c')).toString(), 'a\r\n..b\r\n...c\r\n.\r\n');
  });
});
