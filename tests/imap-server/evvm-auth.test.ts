/** EVVM Server: identifiers (EVVM-AUTH-01/02), VVM refusal texts (VVM-01), SASL mechanisms, faults. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, b64, BOB, CAROL, startServer } from './helpers/fixtures';
import { testPki, type TestPkiFiles } from './helpers/pki';
import { RawImap } from './helpers/raw-client';
import { TestScramClient } from './helpers/scram-client';
import { login, taggedLine, tlsClient } from './helpers/session';

let pki: TestPkiFiles;
before(async () => {
  pki = await testPki();
});

async function withServer<T>(faults: string[], fn: (s: Awaited<ReturnType<typeof startServer>>) => Promise<T>): Promise<T> {
  const s = await startServer(pki, { faults });
  try {
    return await fn(s);
  } finally {
    await s.server.stop();
  }
}

/** One LOGIN attempt on a fresh connection; returns the tagged line. */
async function tryLogin(port: number, user: string, password: string): Promise<{ line: string }> {
  const { c } = await tlsClient(pki, port);
  try {
    return { line: await login(c, 'l', user, password) };
  } finally {
    c.close();
  }
}

async function plainAuth(port: number, authcid: string, password: string, authzid = ''): Promise<{ line: string; c: RawImap }> {
  const { c } = await tlsClient(pki, port);
  const out = await c.command('p', `AUTHENTICATE PLAIN ${b64(`${authzid}\0${authcid}\0${password}`)}`);
  return { line: taggedLine(out, 'p'), c };
}

describe('EVVM Server: any identifier opens the mailbox (EVVM-AUTH-01)', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    ctx = await startServer(pki);
  });
  after(() => ctx.server.stop());

  for (const id of [ALICE.msisdn, ALICE.sip, ALICE.mail, 'TEL:+1-555-000-1', 'sip:alice@OP.Example', 'alice@OP.EXAMPLE']) {
    it(`LOGIN as ${id} opens alice's INBOX`, async () => {
      const { c } = await tlsClient(pki, ctx.imaps);
      try {
        assert.match(await login(c, 'l', id, ALICE.password), /^l OK \[CAPABILITY /);
        const sel = await c.command('s', 'SELECT INBOX');
        assert.match(sel, /^\* 1 EXISTS/m);
        assert.match(await c.command('f', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (TO)])'), /To: Alice <alice@op\.example>/);
      } finally {
        c.close();
      }
    });
  }

  it('VVM refusal texts are exact: unknown user, invalid password, user is blocked', async () => {
    const cases: Array<[string, string, string]> = [
      ['tel:+15559999', 'x', 'l NO unknown user'],
      ['Alice@op.example', ALICE.password, 'l NO unknown user'], // local parts are case-sensitive
      [ALICE.sip, 'wrong', 'l NO invalid password'],
      [ALICE.mail, BOB.password, 'l NO invalid password'],
      [CAROL.msisdn, CAROL.password, 'l NO user is blocked'],
      [CAROL.msisdn, 'wrong', 'l NO invalid password'],
    ];
    for (const [user, pw, expected] of cases) {
      const { c } = await tlsClient(pki, ctx.imaps);
      try {
        assert.equal(await login(c, 'l', user, pw), expected, `${user}/${pw}`);
        assert.match(await c.command('x', 'SELECT INBOX'), /^x BAD SELECT is not allowed in the not-authenticated state/m);
      } finally {
        c.close();
      }
    }
    const obs = ctx.server.observations().authentications.filter((a) => a.outcome === 'failure').map((a) => a.text);
    assert.ok(obs.includes('unknown user') && obs.includes('invalid password') && obs.includes('user is blocked'));
  });

  it('the same refusal texts through AUTHENTICATE PLAIN, CRAM-MD5 and SCRAM-SHA-256', async () => {
    assert.equal((await plainAuth(ctx.imaps, 'tel:+15559999', 'x')).line, 'p NO unknown user');
    assert.equal((await plainAuth(ctx.imaps, ALICE.sip, 'x')).line, 'p NO invalid password');
    assert.equal((await plainAuth(ctx.imaps, CAROL.msisdn, CAROL.password)).line, 'p NO user is blocked');
    const { c } = await tlsClient(pki, ctx.imaps);
    try {
      c.send('c AUTHENTICATE CRAM-MD5\r\n');
      const ch = Buffer.from((await c.line()).slice(2).trim(), 'base64').toString();
      const { createHmac } = await import('node:crypto');
      c.send(`${b64(`${ALICE.mail} ${createHmac('md5', 'wrong').update(ch).digest('hex')}`)}\r\n`);
      assert.equal(taggedLine(await c.tagged('c'), 'c'), 'c NO invalid password');
    } finally {
      c.close();
    }
  });

  it('CRAM-MD5 and SCRAM-SHA-256 log in by any identifier; SCRAM proves the server (v=)', async () => {
    const { createHmac } = await import('node:crypto');
    for (const id of [ALICE.msisdn, ALICE.sip]) {
      const { c } = await tlsClient(pki, ctx.imaps);
      try {
        c.send('c AUTHENTICATE CRAM-MD5\r\n');
        const ch = Buffer.from((await c.line()).slice(2).trim(), 'base64').toString();
        c.send(`${b64(`${id} ${createHmac('md5', ALICE.password).update(ch).digest('hex')}`)}\r\n`);
        assert.match(await c.tagged('c'), /^c OK /m);
      } finally {
        c.close();
      }
      const { c: c2 } = await tlsClient(pki, ctx.imaps);
      try {
        const scram = new TestScramClient(id, ALICE.password);
        c2.send(`s AUTHENTICATE SCRAM-SHA-256 ${scram.first().toString('base64')}\r\n`);
        const sf = Buffer.from((await c2.line()).slice(2).trim(), 'base64');
        c2.send(`${scram.final(sf).toString('base64')}\r\n`);
        const v = Buffer.from((await c2.line()).slice(2).trim(), 'base64');
        assert.ok(scram.serverSignatureOk(v), 'server signature verifies');
        c2.send('\r\n');
        assert.match(await c2.tagged('s'), /^s OK /m);
        assert.match(await c2.command('i', 'SELECT INBOX'), /^\* 1 EXISTS/m);
      } finally {
        c2.close();
      }
    }
  });
});

describe('EVVM Server: one authentication covers all identifiers of the mailbox (EVVM-AUTH-02)', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    ctx = await startServer(pki);
  });
  after(() => ctx.server.stop());

  it('PLAIN authzid naming another identifier of the same mailbox is authorised', async () => {
    const { line, c } = await plainAuth(ctx.imaps, ALICE.msisdn, ALICE.password, ALICE.sip);
    try {
      assert.match(line, /^p OK /);
      assert.match(await c.command('s', 'SELECT INBOX'), /^\* 1 EXISTS/m);
      assert.match(await c.command('f', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (TO)])'), /alice@op\.example/);
    } finally {
      c.close();
    }
    const a = ctx.server.observations().authentications.at(-1)!;
    assert.equal(a.identity, ALICE.msisdn);
    assert.equal(a.authzid, ALICE.sip);
  });

  it('SCRAM authzid of the same mailbox is authorised too', async () => {
    const { c } = await tlsClient(pki, ctx.imaps);
    try {
      const scram = new TestScramClient(ALICE.mail, ALICE.password, ALICE.msisdn);
      c.send(`s AUTHENTICATE SCRAM-SHA-256 ${scram.first().toString('base64')}\r\n`);
      c.send(`${scram.final(Buffer.from((await c.line()).slice(2).trim(), 'base64')).toString('base64')}\r\n`);
      await c.line();
      c.send('\r\n');
      assert.match(await c.tagged('s'), /^s OK /m);
    } finally {
      c.close();
    }
  });

  it('an authzid of another mailbox is refused with AUTHORIZATIONFAILED and nothing is selected', async () => {
    const { line, c } = await plainAuth(ctx.imaps, ALICE.msisdn, ALICE.password, BOB.sip);
    try {
      assert.match(line, /^p NO \[AUTHORIZATIONFAILED\] /);
      assert.match(await c.command('s', 'SELECT INBOX'), /^s BAD /m);
    } finally {
      c.close();
    }
  });

  it('SELECT "#id/<identifier>/INBOX" opens the same INBOX for every own identifier, NO for others', async () => {
    const { c } = await tlsClient(pki, ctx.imaps);
    try {
      await login(c, 'l', ALICE.msisdn, ALICE.password);
      for (const id of [ALICE.msisdn, ALICE.sip, ALICE.mail]) {
        const out = await c.command('s', `SELECT "#id/${id}/INBOX"`);
        assert.match(out, /^\* 1 EXISTS/m);
        assert.match(out, /^s OK \[READ-WRITE\]/m);
      }
      assert.match(await c.command('o', `SELECT "#id/${BOB.sip}/INBOX"`), /^o NO \[NOPERM\] not an identifier of this mailbox/m);
      assert.match(await c.command('u', 'SELECT "#id/tel:+19999/INBOX"'), /^u NO \[NOPERM\] not an identifier of this mailbox/m);
      // VVM-06: STATUS on the Greetings folder is refused under every identifier's view
      assert.match(await c.command('g', `STATUS "#id/${ALICE.sip}/Greetings" (MESSAGES)`), /^g NO command not allowed/m);
      assert.match(await c.command('gi', `STATUS "#id/${ALICE.sip}/INBOX" (MESSAGES)`), /^\* STATUS .*\(MESSAGES 1\)/m);
      assert.match(await c.command('ls', 'LIST "#id/" "*"'), /#id\/sip:alice@op\.example\/INBOX/);
    } finally {
      c.close();
    }
  });
});

describe('EVVM Server faults: each breaks exactly its requirement', () => {
  it('primary-identifier-only: only the first identifier logs in', () =>
    withServer(['evvm-server:primary-identifier-only'], async (s) => {
      assert.match((await tryLogin(s.imaps, ALICE.msisdn, ALICE.password)).line, /^l OK/);
      assert.equal((await tryLogin(s.imaps, ALICE.sip, ALICE.password)).line, 'l NO unknown user');
    }));

  it('password-any-mailbox: bob\'s password opens alice\'s mailbox', () =>
    withServer(['evvm-server:password-any-mailbox'], async (s) => {
      assert.match((await tryLogin(s.imaps, ALICE.sip, BOB.password)).line, /^l OK/);
      assert.equal((await tryLogin(s.imaps, ALICE.sip, 'nobody-has-this')).line, 'l NO invalid password');
    }));

  it('identifiers-not-linked: authzid and #id/ views of the same mailbox are refused', () =>
    withServer(['evvm-server:identifiers-not-linked'], async (s) => {
      const { line, c } = await plainAuth(s.imaps, ALICE.msisdn, ALICE.password, ALICE.sip);
      c.close();
      assert.match(line, /^p NO \[AUTHORIZATIONFAILED\]/);
      const { c: c2 } = await tlsClient(pki, s.imaps);
      try {
        await login(c2, 'l', ALICE.msisdn, ALICE.password);
        assert.match(await c2.command('s', `SELECT "#id/${ALICE.sip}/INBOX"`), /^s NO /m);
        assert.match(await c2.command('t', `SELECT "#id/${ALICE.msisdn}/INBOX"`), /^t OK /m);
      } finally {
        c2.close();
      }
    }));

  it("authzid-unchecked: an authzid of another mailbox opens that mailbox", () =>
    withServer(['evvm-server:authzid-unchecked'], async (s) => {
      const { line, c } = await plainAuth(s.imaps, ALICE.msisdn, ALICE.password, BOB.sip);
      try {
        assert.match(line, /^p OK/);
        await c.command('s', 'SELECT INBOX');
        assert.match(await c.command('f', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'), /Subject: for bob/);
      } finally {
        c.close();
      }
    }));

  it('skip-password-check: any password for a known identifier (LOGIN and PLAIN)', () =>
    withServer(['evvm-server:skip-password-check'], async (s) => {
      assert.match((await tryLogin(s.imaps, ALICE.mail, 'anything')).line, /^l OK/);
      const { line, c } = await plainAuth(s.imaps, ALICE.sip, 'anything');
      c.close();
      assert.match(line, /^p OK/);
      assert.equal((await tryLogin(s.imaps, 'tel:+19999', 'anything')).line, 'l NO unknown user');
    }));

  it('ignore-blocked: a blocked mailbox logs in', () =>
    withServer(['evvm-server:ignore-blocked'], async (s) => {
      assert.match((await tryLogin(s.imaps, CAROL.msisdn, CAROL.password)).line, /^l OK/);
    }));

  it('no-logindisabled: LOGINDISABLED missing before TLS, LOGIN still refused', () =>
    withServer(['evvm-server:no-logindisabled'], async (s) => {
      const c = await RawImap.plain(s.imap);
      try {
        const g = await c.line();
        assert.match(g, /STARTTLS/);
        assert.doesNotMatch(g, /LOGINDISABLED/);
        assert.match(await c.command('l', `LOGIN ${ALICE.mail} ${ALICE.password}`), /^l NO \[PRIVACYREQUIRED\]/m);
      } finally {
        c.close();
      }
    }));

  it('plaintext-auth-before-tls: LOGIN and AUTHENTICATE PLAIN work in the clear, AUTH=PLAIN advertised', () =>
    withServer(['evvm-server:plaintext-auth-before-tls'], async (s) => {
      const c = await RawImap.plain(s.imap);
      try {
        assert.match(await c.line(), /AUTH=PLAIN/);
        assert.match(await c.command('l', `LOGIN ${ALICE.mail} ${ALICE.password}`), /^l OK/m);
      } finally {
        c.close();
      }
      const c2 = await RawImap.plain(s.imap);
      try {
        await c2.line();
        assert.match(await c2.command('q', 'AUTHENTICATE CRAM-MD5'), /^q NO \[PRIVACYREQUIRED\]/m);
        assert.match(await c2.command('p', `AUTHENTICATE PLAIN ${b64(`\0${ALICE.mail}\0${ALICE.password}`)}`), /^p OK/m);
      } finally {
        c2.close();
      }
      const bytes = s.server.observations().connections.map((x) => x.clientBytes.toString()).join('');
      assert.ok(bytes.includes(ALICE.password), 'the server saw the cleartext password (the violation)');
    }));
});
