/**
 * Real Node TLS handshakes on 127.0.0.1 with the test PKI: what a relying party sees for each
 * credential, on the server side (client certificates) and on the client side (server names).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { sharedTestPki, type Credential, type TestPki } from '../../simulators/crypto/pki';

interface Endpoint {
  port: number;
  close(): Promise<void>;
}

/**
 * An EVVM-Server-like endpoint that asks for a client certificate, checks it against the root and both
 * CRLs, and reports the verdict to the client instead of hanging up (stack.md §2.5).
 */
function listen(pki: TestPki, credential: Credential): Promise<Endpoint> {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    {
      key: credential.keyPem,
      cert: credential.chainPem,
      ca: pki.trustAnchorPem,
      crl: [...pki.crls],
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket) => {
      socket.on('error', () => socket.destroy());
      socket.end(JSON.stringify({ authorized: socket.authorized, authorizationError: socket.authorizationError ?? null }));
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket as tls.TLSSocket);
    socket.on('close', () => sockets.delete(socket as tls.TLSSocket));
  });
  // A client that refuses our certificate hangs up mid-handshake; that is expected here.
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

interface ClientOutcome {
  /** set when the client refused the server (or the handshake failed) */
  errorCode?: string;
  /** what the server said about our certificate */
  verdict?: { authorized: boolean; authorizationError: string | null };
}

function connect(port: number, options: tls.ConnectionOptions): Promise<ClientOutcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ errorCode: 'TIMEOUT' });
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received ? { verdict: JSON.parse(received) } : { errorCode: 'CLOSED' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ errorCode: error.code ?? error.message });
    });
  });
}

let pki: TestPki;
let evvmServer: Endpoint;

before(async () => {
  pki = await sharedTestPki();
  evvmServer = await listen(pki, pki.leaf('evvm-server'));
});
after(async () => {
  await evvmServer.close();
});

function presenting(credential: Credential): tls.ConnectionOptions {
  return { key: credential.keyPem, cert: credential.chainPem, ca: pki.trustAnchorPem, servername: 'evvm-server.op.example' };
}

test('server side: a good client certificate is authorized', async () => {
  for (const name of ['evvm-client', 'evvm-client-bob', 'evvm-server-client']) {
    const outcome = await connect(evvmServer.port, presenting(pki.leaf(name)));
    assert.deepEqual(outcome, { verdict: { authorized: true, authorizationError: null } }, name);
  }
});

test('server side: each bad client certificate gets its own authorizationError', async () => {
  const expected = {
    expired: 'CERT_HAS_EXPIRED',
    'not-yet-valid': 'CERT_NOT_YET_VALID',
    revoked: 'CERT_REVOKED',
    // leaf alone from an unknown issuer: the untrusted-CA class of errors
    'untrusted-ca': 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'wrong-eku': 'INVALID_PURPOSE',
  } as const;
  const outcomes = await Promise.all(
    Object.entries(expected).map(async ([flaw, code]) => {
      const outcome = await connect(evvmServer.port, presenting(pki.bad('evvm-client', flaw as keyof typeof expected)));
      return { flaw, code, outcome };
    }),
  );
  for (const { flaw, code, outcome } of outcomes) {
    assert.deepEqual(outcome, { verdict: { authorized: false, authorizationError: code } }, flaw);
  }
});

test('client side: server names are checked against the SANs', async () => {
  const noClientCert = { ca: pki.trustAnchorPem };
  // good: by DNS name and by IP address (no SNI: the host 127.0.0.1 is checked against the IP SAN)
  const byName = await connect(evvmServer.port, { ...noClientCert, servername: 'evvm-server.op.example' });
  assert.equal(byName.verdict?.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT', 'handshake completed without a client certificate');
  const byIp = await connect(evvmServer.port, noClientCert);
  assert.equal(byIp.errorCode, undefined);

  const wrongHost = await listen(pki, pki.bad('evvm-server', 'wrong-host'));
  const untrusted = await listen(pki, pki.bad('evvm-server', 'untrusted-ca'));
  try {
    const [hostMismatch, rogue] = await Promise.all([
      connect(wrongHost.port, { ...noClientCert, servername: 'evvm-server.op.example' }),
      connect(untrusted.port, { ...noClientCert, servername: 'evvm-server.op.example' }),
    ]);
    assert.equal(hostMismatch.errorCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(rogue.errorCode, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  } finally {
    await Promise.all([wrongHost.close(), untrusted.close()]);
  }
});
