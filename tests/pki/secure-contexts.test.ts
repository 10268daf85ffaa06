/**
 * One TLS secure context per configuration (simulators/crypto/secure-contexts.ts): the same settings
 * share one, any setting a fault could change gets its own, and on real sockets a role under a fault
 * and a clean role in the same process each keep the behaviour of their own configuration.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { contextKey, shareSecureContexts } from '../../simulators/crypto/secure-contexts';
import { onlyVersion, tlsVersionFloor } from '../../simulators/crypto/tls-versions';

let pki: TestPki;
before(async () => {
  pki = await sharedTestPki();
  shareSecureContexts();
});

function credential(name: string): { key: string; cert: string } {
  const c = pki.leaves.get(name)!;
  return { key: c.keyPem, cert: c.chainPem };
}

test('the same configuration gets the same context, whatever the connection', () => {
  const server = { ...credential('evvm-server'), ca: pki.trustAnchorPem, ...tlsVersionFloor(false) };
  const first = tls.createSecureContext(server);
  assert.equal(tls.createSecureContext({ ...server }), first);
  // where a client connects, and its callbacks, are not the context's
  const client = { ca: pki.trustAnchorPem, ...tlsVersionFloor(false) };
  const a = tls.createSecureContext({ ...client, host: '127.0.0.1', port: 1001, servername: 'a.example', checkServerIdentity: () => undefined } as tls.SecureContextOptions);
  const b = tls.createSecureContext({ ...client, host: '127.0.0.1', port: 1002, servername: 'b.example' } as tls.SecureContextOptions);
  assert.equal(a, b);
});

test('a setting a fault changes gets a context of its own', () => {
  const clean = { ...credential('evvm-server'), ca: pki.trustAnchorPem, ...tlsVersionFloor(false) };
  const context = tls.createSecureContext(clean);
  const changed: Array<[string, tls.SecureContextOptions]> = [
    ['a TLS 1.0 floor', { ...clean, ...tlsVersionFloor(true) }],
    ['another certificate', { ...clean, ...credential('message-storage') }],
    ['other trust anchors', { ...clean, ca: [pki.trustAnchorPem, credential('smsc').cert] }],
    ['CRLs', { ...clean, crl: [...pki.crls] }],
    ['a cipher list', { ...clean, ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }],
    ['a client certificate request', { ...clean, requestCert: true } as tls.SecureContextOptions],
  ];
  for (const [what, options] of changed) assert.notEqual(tls.createSecureContext(options), context, what);
});

test('a key the cache cannot describe, or a bad one, is never shared', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.equal(contextKey({ key: privateKey } as unknown as tls.SecureContextOptions), undefined, 'a KeyObject gets a context of its own');
  const mismatched = { key: credential('smsc').key, cert: credential('evvm-server').cert };
  assert.throws(() => tls.createSecureContext(mismatched), /key values mismatch/);
  assert.throws(() => tls.createSecureContext({ ...mismatched }), /key values mismatch/, 'an error is not cached');
});

function serve(options: tls.TlsOptions): Promise<tls.Server> {
  const server = tls.createServer(options, (s) => s.end('hello'));
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The version a client that offers only `version` negotiates, or its error code. */
function handshake(server: tls.Server, version: tls.SecureVersion): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', ca: pki.trustAnchorPem, servername: 'evvm-server.op.example', rejectUnauthorized: false, ...onlyVersion(version) }, () => {
      resolve(s.getProtocol() ?? 'none');
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('on real sockets, a role under a TLS 1.0 fault and a clean one in the same process each keep their own floor', async () => {
  const faulted = await serve({ ...credential('evvm-server'), ...tlsVersionFloor(true) });
  const clean = await serve({ ...credential('evvm-server'), ...tlsVersionFloor(false) });
  const again = await serve({ ...credential('evvm-server'), ...tlsVersionFloor(true) });
  try {
    assert.equal(await handshake(faulted, 'TLSv1'), 'TLSv1');
    assert.notEqual(await handshake(clean, 'TLSv1'), 'TLSv1', 'the clean role refuses TLS 1.0');
    assert.equal(await handshake(clean, 'TLSv1.3'), 'TLSv1.3');
    assert.equal(await handshake(again, 'TLSv1'), 'TLSv1', 'the fault still holds for a role made after the clean one');
  } finally {
    for (const s of [faulted, clean, again]) s.close();
  }
});
