/**
 * The harness's SMTP test sender (harness/equipment/smtp-sender.ts) against the project's SMTP listener on
 * real sockets: a session driven command by command reports every reply as the server gave it (AUTH
 * refused before TLS, taken after it), STARTTLS is only sent when offered, a deposit reaches the listener,
 * and a whole delivery presents exactly the certificate it was given, or goes without TLS when asked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { Transcript } from '../../evidence/transcript';
import { SmtpListener, type ReceivedMessage } from '../../simulators/protocol/smtp/server';
import type { SmtpEndpoint } from '../../simulators/protocol/smtp/types';
import { SmtpSender } from '../../harness/equipment/smtp-sender';

const PASSWORD = 'Pw-For-Sender-Tests-3';
const NAME = 'evvm-server.op.example';
let pki: TestPki;
let transcript: Transcript;
let received: ReceivedMessage[];
let listener: SmtpListener;
let target: SmtpEndpoint;
let sender: SmtpSender;
const stoppers: Array<() => Promise<void>> = [];
const message = (to: string) => ({ from: 'alice@op.example', to, raw: Buffer.from(`Subject: t\r\nMessage-ID: <${to}@x>\r\n\r\nhello\r\n`) });

before(async () => {
  pki = await sharedTestPki();
  transcript = new Transcript();
  transcript.secret(PASSWORD);
  received = [];
  const leaf = pki.leaf('evvm-server');
  listener = new SmtpListener({
    actor: 'EVVM Server',
    peer: 'Test Client',
    name: NAME,
    listen: { starttls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem },
    clientPolicy: { mutualAuth: false, trustAnchors: pki.trustAnchorPem, crl: pki.crls, peerIdentities: [] },
    auth: { mechanisms: ['PLAIN', 'LOGIN'], required: false, verify: (u, p) => (u === 'alice@op.example' && p === PASSWORD ? u : undefined) },
    onMessage: (m) => void received.push(m),
    transcript,
  });
  const ports = await listener.start();
  target = { host: '127.0.0.1', port: ports.smtp!, servername: NAME, transport: 'starttls' };
  sender = new SmtpSender({ trustAnchorPem: pki.trustAnchorPem, transcript, onStop: (stop) => void stoppers.push(stop) });
});
after(async () => {
  await Promise.all(stoppers.map((s) => s()));
  await listener.stop();
});

describe('a session driven command by command', () => {
  it('reports AUTH refused before TLS, STARTTLS sent only while offered, AUTH and a deposit taken after it', async () => {
    const session = await sender.session(target, 'evvm-client.op.example');
    assert.equal(session.greeting.code, 220);
    assert.ok((await session.hello()).extensions.includes('STARTTLS'));
    assert.equal(session.offers('STARTTLS'), true);
    assert.equal((await session.authenticate('PLAIN', 'alice@op.example', PASSWORD)).code, 538);
    assert.equal((await session.mailFrom('alice@op.example')).code, 530, 'the refused AUTH authenticated nobody');
    const upgraded = await session.starttls();
    assert.equal(upgraded.code, 220);
    assert.equal(session.secure, true);
    await session.hello();
    assert.equal(session.offers('STARTTLS'), false, 'no STARTTLS inside TLS');
    const starttlsSent = transcript.entries().filter((e) => e.text.startsWith('STARTTLS')).length;
    assert.deepEqual(await session.starttls(), { code: 0, lines: [], text: 'STARTTLS not offered' });
    assert.equal(transcript.entries().filter((e) => e.text.startsWith('STARTTLS')).length, starttlsSent, 'nothing was sent for a STARTTLS not offered');
    assert.equal((await session.authenticate('LOGIN', 'alice@op.example', PASSWORD)).code, 235);
    const d = await session.deposit(message('bob@op.example'));
    assert.deepEqual([d.mail.code, d.rcpt.code, d.data.start.code, d.data.end?.code], [250, 250, 354, 250]);
    assert.ok(received.some((m) => m.to.includes('bob@op.example') && m.user === 'alice@op.example'));
    assert.ok(transcript.entries().every((e) => !e.text.includes(PASSWORD)), 'the password never reaches the transcript');
  });

  it('has no EHLO answer to read before EHLO', async () => {
    const session = await sender.session(target, 'evvm-client.op.example');
    assert.throws(() => session.ehlo, /no EHLO/);
  });
});

describe('a whole delivery', () => {
  it('without TLS when asked: the envelope goes in plaintext and is refused', async () => {
    const r = await sender.deliver(target, { actor: 'Test Sender', heloName: 'test-sender.op.example' }, message('carol@op.example'), { noTls: true });
    assert.equal(r.delivered, false);
    assert.equal(r.secure, false);
    assert.equal(r.replies.find((x) => x.command === 'MAIL')?.code, 530);
  });

  it('presents the certificate it was given, and none when given none', async () => {
    const c = pki.leaf('evvm-server-peer-client');
    const withCert = await sender.deliver(target, { actor: 'Test Sender', heloName: 'test-sender.op.example', credential: { chainPem: c.chainPem, keyPem: c.keyPem } }, message('dave@op.example'));
    assert.equal(withCert.delivered, true, withCert.reason);
    assert.equal(withCert.tls?.clientCertificateSent, true);
    const without = await sender.deliver(target, { actor: 'Test Sender', heloName: 'test-sender.op.example' }, message('erin@op.example'));
    assert.equal(without.tls?.clientCertificateSent, false);
    assert.equal(withCert.server?.authenticated, true, 'the sender judged the server by the name it must prove');
  });
});
