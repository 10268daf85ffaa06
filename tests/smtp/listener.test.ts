/**
 * The SMTP listener and the raw client on real sockets: mutual TLS (STARTTLS and implicit TLS) judged
 * by chain AND configured name, both directions; no mail before TLS; SMTP AUTH only after TLS (RFC 4954
 * §4); hostile input; nodemailer 10.6.0 as an independent client. Secrets never reach the transcript.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { Transcript } from '../../evidence/transcript';
import { deliver, type DeliveryRequest } from '../../simulators/protocol/smtp/client';
import { SmtpListener, type ReceivedMessage } from '../../simulators/protocol/smtp/server';
import type { LinkPolicy, SmtpEndpoint, SmtpTransport } from '../../simulators/protocol/smtp/types';

const PASSWORD = 'Pw-For-Smtp-Tests-7';
let pki: TestPki;
let anchors: string;
let transcript: Transcript;
let received: ReceivedMessage[];
let listener: SmtpListener;
let ports: { smtp?: number; smtps?: number };

const policy = (identities: string[], mutualAuth = true): LinkPolicy => ({ mutualAuth, trustAnchors: anchors, crl: pki.crls, peerIdentities: identities });
const endpoint = (transport: SmtpTransport, port?: number): SmtpEndpoint => ({ host: '127.0.0.1', port: port ?? (transport === 'starttls' ? ports.smtp! : ports.smtps!), servername: 'forwarding-gateway.op.example', transport });
const cred = (name: string) => {
  const c = name.includes(':') ? pki.bad(name.split(':')[0]!, name.split(':')[1] as 'expired') : pki.leaf(name);
  return { chainPem: c.chainPem, keyPem: c.keyPem };
};
const request = (over: Partial<DeliveryRequest>): DeliveryRequest => ({
  actor: 'EVVM Server',
  peer: 'Forwarding Gateway',
  endpoint: endpoint('starttls'),
  heloName: 'evvm-server.op.example',
  serverPolicy: policy(['forwarding-gateway.op.example']),
  credential: cred('evvm-server-client'),
  from: 'alice@op.example',
  to: ['bob@mail.example'],
  message: Buffer.from('Subject: t\r\nMessage-ID: <t@x>\r\n\r\nhello\r\n.leading dot\r\n'),
  transcript,
  ...over,
});

before(async () => {
  pki = await sharedTestPki();
  anchors = `${pki.rootPem}\n${pki.intermediatePem}`;
  transcript = new Transcript();
  received = [];
  const fgw = pki.leaf('forwarding-gateway');
  listener = new SmtpListener({
    actor: 'Forwarding Gateway',
    peer: 'EVVM Server',
    name: 'forwarding-gateway.op.example',
    listen: { starttls: true, implicitTls: true },
    tls: { key: fgw.keyPem, cert: fgw.chainPem },
    clientPolicy: policy(['evvm-server.op.example']),
    auth: { mechanisms: ['PLAIN', 'LOGIN'], required: false, verify: (u, p) => (u === 'alice@op.example' && p === PASSWORD ? u : undefined) },
    onMessage: (m) => void received.push(m),
    transcript,
  });
  ports = await listener.start();
});
after(() => listener.stop());

describe('mutual TLS on the listener', () => {
  for (const transport of ['starttls', 'implicit-tls'] as const) {
    it(`${transport}: a valid certificate naming the configured peer delivers`, async () => {
      const before = received.length;
      const r = await deliver(request({ endpoint: endpoint(transport) }));
      assert.equal(r.delivered, true, r.reason);
      assert.equal(r.server?.authenticated, true);
      assert.equal(received.length, before + 1);
      assert.equal(received.at(-1)!.peer?.identity, 'evvm-server.op.example');
      assert.match(received.at(-1)!.raw.toString(), /^\.leading dot/m, 'dot-stuffing undone by the server');
    });
    for (const [what, c] of [
      ['no certificate', undefined],
      ['an expired certificate', 'evvm-server-client:expired'],
      ['an untrusted certificate', 'evvm-server-client:untrusted-ca'],
      ['a revoked certificate', 'evvm-server-client:revoked'],
      ['a valid certificate of another host', 'non-oma-vm-client'],
    ] as const) {
      it(`${transport}: ${what} is refused with 554 before any command, nothing delivered`, async () => {
        const before = received.length;
        const r = await deliver(request({ endpoint: endpoint(transport), ...(c ? { credential: cred(c) } : { credential: undefined }) }));
        assert.equal(r.delivered, false);
        assert.ok(r.replies.some((x) => x.code === 554), JSON.stringify(r.replies));
        assert.ok(!r.replies.some((x) => x.command === 'MAIL'), 'no MAIL was answered');
        assert.equal(received.length, before);
        const s = listener.observations().at(-1)!;
        assert.equal(s.peer?.accepted, false);
        assert.ok(s.refused?.text.includes(s.peer!.reason));
      });
    }
  }

  it('the client refuses a server that does not prove the configured name, before sending anything', async () => {
    const r = await deliver(request({ serverPolicy: policy(['evvm-server.peer.example']) }));
    assert.equal(r.delivered, false);
    assert.equal(r.stage, 'server-authentication');
    assert.match(r.reason, /not the configured peer evvm-server\.peer\.example/);
  });

  it('the client refuses a server whose chain it cannot verify', async () => {
    const r = await deliver(request({ serverPolicy: { ...policy(['forwarding-gateway.op.example']), trustAnchors: pki.untrustedRootPem } }));
    assert.equal(r.stage, 'server-authentication');
    assert.match(r.reason, /certificate not valid/);
  });

  it('a relaxed policy accepts a client without a certificate and says so', async () => {
    const relaxed = new SmtpListener({
      actor: 'Forwarding Gateway',
      peer: 'EVVM Server',
      name: 'forwarding-gateway.op.example',
      listen: { starttls: true },
      tls: { key: pki.leaf('forwarding-gateway').keyPem, cert: pki.leaf('forwarding-gateway').chainPem },
      clientPolicy: policy(['evvm-server.op.example'], false),
      onMessage: () => undefined,
    });
    const p = await relaxed.start();
    try {
      const r = await deliver(request({ endpoint: endpoint('starttls', p.smtp), credential: undefined }));
      assert.equal(r.delivered, true, r.reason);
      assert.match(relaxed.observations()[0]!.peer!.reason, /policy does not require mutual authentication/);
    } finally {
      await relaxed.stop();
    }
  });
});

describe('no mail and no AUTH before TLS', () => {
  it('MAIL before STARTTLS gets 530', async () => {
    const r = await deliver(request({ noTls: true }));
    assert.equal(r.stage, 'mail');
    assert.equal(r.replies.find((x) => x.command === 'MAIL')?.code, 530);
  });

  it('AUTH PLAIN before STARTTLS gets 538; after STARTTLS 235; the password reaches no transcript', async () => {
    const before = await deliver(request({ noTls: true, auth: { mechanism: 'PLAIN', username: 'alice@op.example', password: PASSWORD } }));
    assert.equal(before.replies.find((x) => x.command === 'AUTH')?.code, 538);
    for (const mechanism of ['PLAIN', 'LOGIN'] as const) {
      const ok = await deliver(request({ auth: { mechanism, username: 'alice@op.example', password: PASSWORD } }));
      assert.equal(ok.replies.find((x) => x.command === 'AUTH')?.code, 235, ok.reason);
    }
    const bad = await deliver(request({ auth: { mechanism: 'LOGIN', username: 'alice@op.example', password: 'wrong-password' } }));
    assert.equal(bad.replies.find((x) => x.command === 'AUTH')?.code, 535);
    const text = transcript.entries().map((e) => e.text).join('\n');
    for (const secret of [PASSWORD, Buffer.from(PASSWORD).toString('base64').replace(/=+$/, ''), Buffer.from(`\0alice@op.example\0${PASSWORD}`).toString('base64').slice(0, 20)]) {
      assert.ok(!text.includes(secret), `transcript leaks ${secret}`);
    }
  });

  it('does not fall back to plaintext when STARTTLS is missing', async () => {
    const plain = new SmtpListener({
      actor: 'Stripped',
      peer: 'EVVM Server',
      name: 'x.example',
      listen: { starttls: true },
      tls: { key: pki.leaf('forwarding-gateway').keyPem, cert: pki.leaf('forwarding-gateway').chainPem },
      clientPolicy: policy([], false),
      offerStartTls: () => false,
      requireTls: () => false,
      onMessage: () => undefined,
    });
    const p = await plain.start();
    try {
      const r = await deliver(request({ endpoint: endpoint('starttls', p.smtp) }));
      assert.equal(r.stage, 'starttls');
      assert.equal(r.delivered, false);
      const downgraded = await deliver(request({ endpoint: endpoint('starttls', p.smtp), plaintextFallback: true }));
      assert.equal(downgraded.delivered, true);
      assert.equal(downgraded.secure, false);
    } finally {
      await plain.stop();
    }
  });
});

describe('hostile input', () => {
  const raw = (bytes: Buffer | string, wait = 120): Promise<string> =>
    new Promise((resolve) => {
      let got = '';
      const s = net.connect(ports.smtp!, '127.0.0.1');
      // talk after the greeting: before it the server answers 421 (early talker)
      s.on('data', (d) => {
        if (!got) s.write(bytes);
        got += d.toString('latin1');
      });
      s.on('error', () => undefined);
      setTimeout(() => {
        s.destroy();
        resolve(got);
      }, wait);
    });

  it('answers garbage, binary and an overlong line with protocol errors, and keeps serving', async () => {
    const a = await raw('HELLO WORLD\r\nMAIL\r\n');
    assert.match(a, /^220 /m);
    assert.match(a, /^5\d\d /m);
    await raw(Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x80, 13, 10]));
    await raw('EHLO x\r\n' + 'A'.repeat(200_000) + '\r\n');
    await raw('EHLO x\r\nSTARTTLS\r\nnot a tls hello at all\r\n');
    const r = await deliver(request({}));
    assert.equal(r.delivered, true, r.reason);
  });

});

describe('nodemailer 10.6.0 as an independent client', () => {
  const transport = (withCert: boolean, secure: boolean) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: secure ? ports.smtps! : ports.smtp!,
      secure,
      requireTLS: !secure,
      name: 'evvm-server.op.example',
      tls: { ca: anchors, servername: 'forwarding-gateway.op.example', ...(withCert ? { cert: pki.leaf('evvm-server-client').chainPem, key: pki.leaf('evvm-server-client').keyPem } : {}) },
    });

  for (const secure of [false, true]) {
    it(`${secure ? 'implicit TLS' : 'STARTTLS'}: delivers with the client certificate, is refused without`, async () => {
      const ok = transport(true, secure);
      const info = await ok.sendMail({ from: 'alice@op.example', to: 'bob@mail.example', subject: 'nodemailer', text: 'hello' });
      assert.match(String(info.response), /^250 /);
      ok.close();
      const no = transport(false, secure);
      await assert.rejects(no.sendMail({ from: 'alice@op.example', to: 'bob@mail.example', subject: 'x', text: 'y' }), /554|Client not authenticated|closed|ECONNRESET/i);
      no.close();
    });
  }
});
