/** EVVM Server TLS: client certificates (EVVM-AUTH-04), EXTERNAL, PSK-TLS (CPM-MS-AUTH-06), related faults. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, b64, BOB, startServer } from './helpers/fixtures';
import { testPki, type TestCert, type TestPkiFiles } from './helpers/pki';
import { RawImap } from './helpers/raw-client';
import { login, taggedLine, tlsClient } from './helpers/session';

let pki: TestPkiFiles;
before(async () => {
  pki = await testPki();
});

type Ctx = Awaited<ReturnType<typeof startServer>>;

describe('EVVM Server: client certificate policy "required"', () => {
  let ctx: Ctx;
  before(async () => {
    ctx = await startServer(pki, { policy: { clientCertificate: 'required' } });
  });
  after(() => ctx.server.stop());

  const refused: Array<[string, () => TestCert | undefined, RegExp]> = [
    // Node's UNABLE_TO_GET_ISSUER_CERT for a missing certificate is recorded as evidence, not told to the client
    ['no certificate', () => undefined, /^\* BYE client certificate required: no client certificate presented\r\n$/],
    ['an untrusted CA', () => pki.untrusted, /^\* BYE client certificate required: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT)/],
    ['an expired certificate', () => pki.expired, /^\* BYE client certificate required: CERT_HAS_EXPIRED/],
    ['a revoked certificate', () => pki.revoked, /^\* BYE client certificate required: CERT_REVOKED/],
  ];
  for (const [name, cert, bye] of refused) {
    it(`implicit TLS with ${name}: BYE right after the handshake, no session`, async () => {
      const { c, greeting } = await tlsClient(pki, ctx.imaps, cert());
      assert.match(greeting, bye);
      await c.closed;
      const o = ctx.server.observations().connections.at(-1)!;
      assert.equal(o.tls?.clientCertificate?.authorized, false);
      if (cert()) assert.ok(greeting.includes(o.tls!.clientCertificate!.authorizationError!), 'the BYE names the recorded reason');
      assert.equal(o.clientBytes.length, 0);
    });
  }

  it('STARTTLS without a certificate: BYE after the handshake', async () => {
    const c = await RawImap.plain(ctx.imap);
    await c.line();
    await c.startTls('t', { ca: pki.caPem, servername: 'evvm-server.op.example' });
    assert.match(await c.line(), /^\* BYE client certificate required: no client certificate presented/);
    await c.closed;
  });

  it('a valid certificate gets a session, with the certificate recorded', async () => {
    const { c, greeting } = await tlsClient(pki, ctx.imaps, pki.alice);
    try {
      assert.match(greeting, /^\* OK /);
      assert.match(await login(c, 'l', ALICE.sip, ALICE.password), /^l OK/);
    } finally {
      c.close();
    }
    const o = ctx.server.observations().connections.at(-1)!;
    assert.deepEqual(
      { authorized: o.tls?.clientCertificate?.authorized, subject: o.tls?.clientCertificate?.subject },
      { authorized: true, subject: 'CN=alice' },
    );
    assert.ok(ctx.transcript.entries().some((e) => e.channel === 'tls' && /CERT_REVOKED/.test(e.text)), 'refusal reasons are evidence');
  });

  it('fault client-cert-not-required: no certificate still gets a session', async () => {
    const f = await startServer(pki, { policy: { clientCertificate: 'required' }, faults: ['evvm-server:client-cert-not-required'] });
    try {
      const { c, greeting } = await tlsClient(pki, f.imaps);
      c.close();
      assert.match(greeting, /^\* OK /);
    } finally {
      await f.server.stop();
    }
  });

  it('fault any-client-ca: untrusted, expired and revoked certificates count as valid (EXTERNAL too)', async () => {
    const f = await startServer(pki, { policy: { clientCertificate: 'required' }, faults: ['evvm-server:any-client-ca'] });
    try {
      for (const cert of [pki.untrusted, pki.expired, pki.revoked]) {
        const { c, greeting } = await tlsClient(pki, f.imaps, cert);
        try {
          assert.match(greeting, /^\* OK /);
          assert.match(await c.command('e', 'AUTHENTICATE EXTERNAL ='), /^e OK /m);
        } finally {
          c.close();
        }
      }
      const { c, greeting } = await tlsClient(pki, f.imaps);
      c.close();
      assert.match(greeting, /^\* BYE /, 'still no session without any certificate');
    } finally {
      await f.server.stop();
    }
  });
});

describe('EVVM Server: client certificate policy "optional" and SASL EXTERNAL', () => {
  let ctx: Ctx;
  before(async () => {
    ctx = await startServer(pki);
  });
  after(() => ctx.server.stop());

  it('no certificate is accepted and recorded', async () => {
    const { c, greeting } = await tlsClient(pki, ctx.imaps);
    c.close();
    assert.match(greeting, /^\* OK /);
    const o = ctx.server.observations().connections.at(-1)!;
    assert.equal(o.tls?.clientCertificate?.authorized, false);
    assert.equal(o.tls?.clientCertificate?.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT');
  });

  it('EXTERNAL with the mapped certificate opens the mailbox, also with an authzid of the same mailbox', async () => {
    for (const [ir, expected] of [
      ['=', ALICE.msisdn],
      [b64(ALICE.sip), ALICE.sip],
    ] as const) {
      const { c } = await tlsClient(pki, ctx.imaps, pki.alice);
      try {
        assert.match(await c.command('e', `AUTHENTICATE EXTERNAL ${ir}`), /^e OK /m);
        assert.match(await c.command('s', 'SELECT INBOX'), /^\* 1 EXISTS/m);
      } finally {
        c.close();
      }
      const a = ctx.server.observations().authentications.at(-1)!;
      assert.equal(a.authzid ?? a.identity, expected);
    }
  });

  it('EXTERNAL is refused without a certificate, for an unmapped one, for a revoked one, and for another mailbox', async () => {
    const cases: Array<[TestCert | undefined, string, RegExp]> = [
      [undefined, '=', /^e NO \[AUTHENTICATIONFAILED\] no valid client certificate/],
      [pki.bob, '=', /^e NO client certificate is not mapped to a mailbox/],
      [pki.revoked, '=', /^e NO \[AUTHENTICATIONFAILED\] no valid client certificate/],
      [pki.alice, b64(BOB.sip), /^e NO \[AUTHORIZATIONFAILED\]/],
    ];
    for (const [cert, ir, expected] of cases) {
      const { c } = await tlsClient(pki, ctx.imaps, cert);
      try {
        assert.match(taggedLine(await c.command('e', `AUTHENTICATE EXTERNAL ${ir}`), 'e'), expected);
      } finally {
        c.close();
      }
    }
  });

  it('fault login-survives-logout: the certificate that logged in is greeted PREAUTH later', async () => {
    const f = await startServer(pki, { faults: ['evvm-server:login-survives-logout'] });
    try {
      const first = await tlsClient(pki, f.imaps, pki.alice);
      assert.match(first.greeting, /^\* OK /);
      await login(first.c, 'l', ALICE.mail, ALICE.password);
      await first.c.command('o', 'LOGOUT');
      first.c.close();
      const again = await tlsClient(pki, f.imaps, pki.alice);
      again.c.close();
      assert.match(again.greeting, /^\* PREAUTH /);
    } finally {
      await f.server.stop();
    }
    // without the fault: no PREAUTH
    const first = await tlsClient(pki, ctx.imaps, pki.alice);
    await login(first.c, 'l', ALICE.mail, ALICE.password);
    first.c.close();
    const again = await tlsClient(pki, ctx.imaps, pki.alice);
    again.c.close();
    assert.match(again.greeting, /^\* OK /);
  });
});

describe('EVVM Server: PSK-TLS', () => {
  const psk = Buffer.alloc(32, 0x42);
  let ctx: Ctx;
  before(async () => {
    ctx = await startServer(pki, { policy: { clientCertificate: 'required' }, psk: { 'device-0001': psk } });
  });
  after(() => ctx.server.stop());

  const pskOpts = (identity: string, key: Buffer, tls12: boolean) => ({
    pskCallback: () => ({ psk: key, identity }),
    checkServerIdentity: () => undefined,
    ...(tls12 ? { ciphers: 'PSK-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' as const } : { ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.3' as const }),
  });

  for (const tls12 of [true, false]) {
    it(`TLS ${tls12 ? '1.2 PSK-AES128-GCM-SHA256' : '1.3 external PSK'}: the PSK authenticates the client`, async () => {
      const c = await RawImap.tls(ctx.imaps, pskOpts('device-0001', psk, tls12));
      try {
        assert.match(await c.line(), /^\* OK /);
        assert.match(await login(c, 'l', ALICE.msisdn, ALICE.password), /^l OK/);
      } finally {
        c.close();
      }
      const o = ctx.server.observations().connections.at(-1)!;
      assert.equal(o.tls?.pskIdentity, 'device-0001');
      assert.equal(o.tls?.protocol, tls12 ? 'TLSv1.2' : 'TLSv1.3');
      assert.ok(!ctx.transcript.entries().some((e) => e.text.includes(psk.toString('hex'))));
    });
  }

  it('an unknown PSK identity fails the handshake', async () => {
    await assert.rejects(RawImap.tls(ctx.imaps, pskOpts('stranger', psk, true)), /unknown psk identity/i);
  });
});
