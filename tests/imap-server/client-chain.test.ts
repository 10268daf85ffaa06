/**
 * The IMAP server roles as `simulate` and the embedded topology build them (evvmServerConfig,
 * messageStorageConfig, default profile: client certificates required) verify a client certificate of
 * our CA sent alone, as Dovecot does, and still refuse an untrusted, expired, revoked or wrong-EKU one,
 * alone or with its chain. tests/real-clients runs the same with curl, fetchmail and mbsync.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { loadProfile } from '../../harness/profile/profile';
import { demoAccounts } from '../../harness/topology/accounts';
import { evvmServerConfig } from '../../harness/roles/authentication';
import { messageStorageConfig } from '../../harness/roles/message-storage';
import { sharedTestPki, type CertificateFlaw, type TestPki } from '../../simulators/crypto/pki';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { MessageStorageServer } from '../../simulators/message-storage';

/** The server's first line to a client presenting `cert` (PEM: leaf, or leaf then CA) over implicit TLS. */
function greeting(port: number, servername: string, ca: string, credential?: { cert: string; key: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca, ...(credential ?? {}) });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no greeting within 5 s (got ${JSON.stringify(text)})`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(text.slice(0, end + 2));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const REFUSED: Record<Exclude<CertificateFlaw, 'wrong-host' | 'not-yet-valid'>, RegExp> = {
  'untrusted-ca': /^\* BYE client certificate required: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\r\n$/,
  expired: /^\* BYE client certificate required: CERT_HAS_EXPIRED\r\n$/,
  revoked: /^\* BYE client certificate required: CERT_REVOKED\r\n$/,
  'wrong-eku': /^\* BYE client certificate required: INVALID_PURPOSE\r\n$/,
};

const ROLES = [
  {
    role: 'EVVM Server',
    servername: 'evvm-server.op.example',
    start: (args: Parameters<typeof evvmServerConfig>[0]) => new EvvmServer(evvmServerConfig(args)),
  },
  {
    role: 'Message Storage Server',
    servername: 'message-storage.op.example',
    start: (args: Parameters<typeof messageStorageConfig>[0]) => new MessageStorageServer(messageStorageConfig(args)),
  },
];

for (const { role, servername, start } of ROLES) {
  describe(`${role} as configured from the default profile: client certificate chains`, () => {
    let pki: TestPki;
    let server: EvvmServer | MessageStorageServer;
    let port: number;
    before(async () => {
      pki = await sharedTestPki();
      server = start({ pki, profile: loadProfile(), accounts: demoAccounts('chain'), faults: [] });
      port = (await server.start()).imaps!;
    });
    after(() => server.stop());

    const hello = (credential?: { cert: string; key: string }) => greeting(port, servername, pki.trustAnchorPem, credential);

    it('accepts a certificate of our CA sent alone (as fetchmail sends it) and with its chain', async () => {
      const device = pki.leaf('evvm-client');
      assert.match(await hello({ cert: device.certPem, key: device.keyPem }), /^\* OK /, 'leaf alone');
      assert.match(await hello({ cert: device.chainPem, key: device.keyPem }), /^\* OK /, 'leaf and issuing CA');
    });

    it('tells a client without a certificate that it presented none', async () => {
      assert.equal(await hello(), '* BYE client certificate required: no client certificate presented\r\n');
    });

    for (const [flaw, bye] of Object.entries(REFUSED)) {
      it(`refuses the ${flaw} twin of the device certificate, alone or with its chain`, async () => {
        const bad = pki.bad('evvm-client', flaw as CertificateFlaw);
        assert.match(await hello({ cert: bad.certPem, key: bad.keyPem }), bye, 'leaf alone');
        assert.match(await hello({ cert: bad.chainPem, key: bad.keyPem }), bye, 'with its chain');
      });
    }
  });
}
