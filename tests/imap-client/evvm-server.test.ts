/**
 * The raw client against the real EVVM Server simulator (not a script): every SASL mechanism, STARTTLS
 * with LOGINDISABLED, a voicemail fetched byte for byte. Proves the two independent implementations agree.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../../evidence/transcript';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { EvvmServer } from '../../simulators/evvm-server';
import { RawImapClient, TlsError, type RawImapClientOptions } from '../../simulators/protocol/imap/client';

const IDENTIFIERS = ['tel:+15550001', 'sip:alice@op.example', 'alice@op.example'];
const PASSWORD = 'vm-Pa55word';
const VOICEMAIL = Buffer.from(
  'From: tel:+15550002\r\nTo: tel:+15550001\r\nSubject: voice mail\r\nMessage-ID: <vm-1@op.example>\r\n' +
    'Content-Type: audio/amr\r\nContent-Transfer-Encoding: base64\r\n\r\nIyFBTVIKPJEXFr5meeHgAeev8AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n',
);

let pki: TestPki;
let server: EvvmServer;
let ports: { imaps?: number; imap?: number };
const transcript = new Transcript();

before(async () => {
  pki = await sharedTestPki();
  const leaf = pki.leaf('evvm-server');
  server = new EvvmServer({
    listen: { implicitTls: true, starttls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: pki.trustAnchorPem },
    policy: { requireTls: true, clientCertificate: 'optional', saslMechanisms: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'], loginCommand: true },
    mailboxes: [
      {
        identifiers: IDENTIFIERS,
        password: PASSWORD,
        state: 'active',
        clientCertificates: [pki.leaf('evvm-client').fingerprint256],
        voicemails: [{ raw: VOICEMAIL }],
      },
    ],
    transcript,
  });
  ports = await server.start();
});

after(async () => {
  await server?.stop();
});

async function open(o: Partial<RawImapClientOptions> = {}): Promise<RawImapClient> {
  const implicit = (o.tls ?? 'implicit') === 'implicit';
  return RawImapClient.connect({
    host: '127.0.0.1',
    port: implicit ? ports.imaps! : ports.imap!,
    tls: implicit ? 'implicit' : 'none',
    tlsOptions: { ca: pki.trustAnchorPem },
    transcript,
    actor: 'Test Client',
    peer: 'EVVM Server',
    timeoutMs: 3000,
    ...o,
  });
}

test('EVVM Server: STARTTLS, LOGINDISABLED respected, LOGIN with each identifier, voicemail fetched exactly', async () => {
  for (const identifier of IDENTIFIERS) {
    const c = await open({ tls: 'none' });
    try {
      const before = await c.capability();
      assert.ok(before.includes('STARTTLS') && before.includes('LOGINDISABLED'), before.join(' '));
      await c.starttls();
      assert.equal(c.tlsInfo?.authorized, true);
      const caps = await c.capability();
      assert.ok(!caps.includes('LOGINDISABLED') && !caps.includes('STARTTLS'), caps.join(' '));
      assert.equal((await c.login(identifier, PASSWORD)).status, 'OK');
      const sel = await c.select('INBOX');
      assert.ok((sel.exists ?? 0) >= 1);
      const [m] = await c.fetch('1', ['UID', 'BODY.PEEK[]']);
      assert.deepEqual(m?.body, VOICEMAIL);
      await c.logout();
      assert.deepEqual(c.sentCredentialCommands().map((x) => x.secure), [true]);
    } finally {
      c.close();
    }
  }
});

test('EVVM Server: every SASL mechanism, with and without SASL-IR; wrong password is NO', async () => {
  const cases: [Parameters<RawImapClient['authenticate']>[0], boolean][] = [
    ['PLAIN', true],
    ['PLAIN', false],
    ['LOGIN', false],
    ['CRAM-MD5', false],
    ['SCRAM-SHA-256', true],
    ['SCRAM-SHA-256', false],
  ];
  for (const [mech, ir] of cases) {
    const c = await open();
    try {
      const r = await c.authenticate(mech, { authcid: 'sip:alice@op.example', password: PASSWORD }, { initialResponse: ir });
      assert.equal(r.status, 'OK', `${mech} ir=${ir}: ${r.text}`);
      assert.equal((await c.select('INBOX')).result.status, 'OK');
    } finally {
      c.close();
    }
  }
  const c = await open();
  try {
    const r = await c.authenticate('SCRAM-SHA-256', { authcid: 'sip:alice@op.example', password: 'wrong' });
    assert.equal(r.status, 'NO');
    assert.equal((await c.login('tel:+15550001', 'wrong')).status, 'NO');
  } finally {
    c.close();
  }
});

test('EVVM Server: EXTERNAL with the client certificate; an untrusted server certificate stops the client first', async () => {
  const client = pki.leaf('evvm-client');
  const c = await open({ tlsOptions: { ca: pki.trustAnchorPem, cert: client.chainPem, key: client.keyPem } });
  try {
    assert.equal((await c.authenticate('EXTERNAL', undefined, { initialResponse: true })).status, 'OK');
  } finally {
    c.close();
  }
  await assert.rejects(open({ tlsOptions: { ca: pki.untrustedRootPem } }), TlsError);
  const text = transcript.entries().map((e) => e.text).join('\n');
  assert.ok(!text.includes(PASSWORD), 'password in transcript');
});
