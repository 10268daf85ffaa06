/**
 * The EVVM Client's TLS session resumption (resumeTlsSessions, on in the PRAC-02 corpus only): a server it
 * authenticated resumes with its ticket; a server under the same name without that ticket's key gets a full
 * handshake with its certificate checked; without the option every session is a full handshake.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { shareSecureContexts } from '../../simulators/crypto/secure-contexts';
import type { Credential } from '../../simulators/crypto/pki';
import { EvvmClient, type Retrieval } from '../../simulators/evvm-client/evvm-client';

/** A TLS server that greets and hangs up: enough for a handshake and its ticket; it notes whether each one resumed. */
async function greeter(credential: Credential): Promise<{ port: number; resumed: boolean[]; close(): Promise<void> }> {
  const resumed: boolean[] = [];
  const server = tls.createServer({ key: credential.keyPem, cert: credential.chainPem }, (socket) => {
    resumed.push(socket.isSessionReused());
    socket.on('error', () => undefined);
    socket.end('* BYE not today\r\n');
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, resumed, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function sessions(resumeTlsSessions: boolean, servers: readonly Credential[]): Promise<{ resumed: boolean[][]; results: Retrieval[] }> {
  const pki = await sharedTestPki();
  const client = new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, timeoutMs: 2000, resumeTlsSessions });
  const resumed: boolean[][] = [];
  const results: Retrieval[] = [];
  for (const credential of servers) {
    const server = await greeter(credential);
    for (let i = 0; i < 2; i++) results.push(await client.retrieveVoicemail({ host: '127.0.0.1', port: server.port, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, { username: 'u', password: 'p' }));
    await server.close();
    resumed.push(server.resumed);
  }
  return { resumed, results };
}

describe('TLS session resumption of the EVVM Client', () => {
  it('resumes with a server it authenticated, also on another port, and never with a server holding another key', async () => {
    shareSecureContexts(); // as the corpus does: one context per configuration, so one ticket key for every listener of an identity
    const pki = await sharedTestPki();
    const { resumed, results } = await sessions(true, [pki.leaf('evvm-server'), pki.leaf('evvm-server'), pki.bad('evvm-server', 'untrusted-ca')]);
    // a ticket opens a session on another listener of the same identity; the rogue server cannot open it,
    // so its handshake is a full one and the client refuses its certificate (no session reaches it)
    assert.deepEqual(resumed, [[false, true], [true, true], []]);
    for (const r of results.slice(0, 4)) assert.doesNotMatch(r.error ?? '', /certificate/, 'the real server passes its checks, resumed or not');
    for (const r of results.slice(4)) assert.match(r.error ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE/, 'the rogue server is refused for its certificate');
  });

  it('makes every session a full handshake unless told to resume', async () => {
    const pki = await sharedTestPki();
    const { resumed } = await sessions(false, [pki.leaf('evvm-server')]);
    assert.deepEqual(resumed, [[false, false]]);
  });
});
