/** DIGEST-MD5 (RFC 2831) for VVM-02: the RFC's IMAP example, a round trip, and the rspauth check on both ends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestResponse, digestRspauth, parseDirectives } from '../../simulators/protocol/sasl/digest-md5';
import { createSaslClient, SaslClientError } from '../../simulators/protocol/sasl/client';
import { createServerMechanism } from '../../simulators/protocol/sasl/server';
import type { ServerStep } from '../../simulators/protocol/sasl/types';

const RFC2831 = { username: 'chris', realm: 'elwood.innosoft.com', password: 'secret', nonce: 'OA6MG9tEQGm2hh', cnonce: 'OA6MHXh6VqTrRk', nc: '00000001', qop: 'auth', digestUri: 'imap/elwood.innosoft.com' };

test('RFC 2831 §4 IMAP example: response and rspauth', () => {
  assert.equal(digestResponse(RFC2831), 'd388dad90d4bbd760a152321f2143af7');
  assert.equal(digestRspauth(RFC2831), 'ea40f60335c427b5527b84dbabcdfffd');
});

test('directives: quoted and plain values; a repeated key, a stray quote or an over-long message is refused', () => {
  const d = parseDirectives('realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8');
  assert.equal(d?.get('nonce'), 'OA6MG9tEQGm2hh');
  assert.equal(d?.get('algorithm'), 'md5-sess');
  assert.equal(parseDirectives('nonce="a",nonce="b"'), undefined);
  assert.equal(parseDirectives('nonce="a'), undefined);
  assert.equal(parseDirectives(`nonce="${'a'.repeat(5000)}"`), undefined);
});

const challenge = (step: ServerStep): Buffer => {
  assert.equal(step.kind, 'challenge');
  return (step as { data: Buffer }).data;
};

function exchange(password: string, server: { unprovenRspauth?: boolean }, client: { skipRspauthCheck?: boolean } = {}) {
  const srv = createServerMechanism('DIGEST-MD5', { passwordOf: (u) => (u === 'alice' ? 'right' : undefined) }, { digestMd5: { realm: 'evvm-server.op.example', ...server } });
  const cli = createSaslClient('DIGEST-MD5', { authcid: 'alice', password }, { digestMd5: { host: 'evvm-server.op.example', ...client } });
  const second = srv.next(cli.respond(challenge(srv.start(undefined))));
  return { srv, cli, second };
}

test('the right password: the server proves it with rspauth, the client answers empty, success', () => {
  const { srv, cli, second } = exchange('right', {});
  const empty = cli.respond(challenge(second));
  assert.equal(empty.length, 0);
  assert.deepEqual(srv.next(empty), { kind: 'success', authcid: 'alice' });
  cli.verifySuccess?.(undefined);
});

test('a wrong password is refused as invalid credentials', () => {
  const { second } = exchange('wrong', {});
  assert.equal(second.kind === 'failure' && second.reason, 'invalid-credentials');
});

test('a wrong rspauth stops the client, unless its check is switched off', () => {
  const { cli, second } = exchange('right', { unprovenRspauth: true });
  assert.throws(() => cli.respond(challenge(second)), (e) => e instanceof SaslClientError && e.code === 'SERVER_SIGNATURE_MISMATCH');
  const lax = exchange('right', { unprovenRspauth: true }, { skipRspauthCheck: true });
  assert.equal(lax.cli.respond(challenge(lax.second)).length, 0);
});

test('success without rspauth proves nothing', () => {
  const cli = createSaslClient('DIGEST-MD5', { authcid: 'alice', password: 'right' });
  cli.respond(Buffer.from('nonce="n",qop="auth",realm="r"'));
  assert.throws(() => cli.verifySuccess?.(undefined), (e) => e instanceof SaslClientError && e.code === 'MISSING_SERVER_FINAL');
});
