/** The IMAP core on real sockets: malformed input, states, AUTHENTICATE framing, STARTTLS, redaction. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TranscriptEntry, TranscriptSink } from '../../evidence/transcript';
import { ImapServer, SimpleBackend } from '../../simulators/protocol/imap/server';
import { RawImap } from './helpers/raw-client';
import { ALICE, b64, startServer } from './helpers/fixtures';
import { testPki, type TestPkiFiles } from './helpers/pki';

let pki: TestPkiFiles;

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
}
before(async () => {
  pki = await testPki();
});

const tlsOpts = (): { ca: string; servername: string } => ({ ca: pki.caPem, servername: 'evvm-server.op.example' });


/** STARTTLS with a LOGIN pipelined behind it in the same write, then the handshake on the same socket. */
async function starttlsWithPipelinedLogin(c: RawImap): Promise<{ secure: import('node:tls').TLSSocket; received: () => string }> {
  await c.line();
  c.send(`s1 STARTTLS\r\ns2 LOGIN ${ALICE.mail} ${ALICE.password}\r\n`);
  await c.tagged('s1');
  const plain = c.socket;
  plain.removeAllListeners('data');
  const tls = await import('node:tls');
  const secure = await new Promise<import('node:tls').TLSSocket>((resolve, reject) => {
    const s = tls.connect({ socket: plain, ...tlsOpts() }, () => resolve(s));
    s.once('error', reject);
  });
  let got = '';
  secure.on('data', (d: Buffer) => (got += d.toString()));
  return { secure, received: () => got };
}

describe('IMAP core: malformed input never kills a connection', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let c: RawImap;
  before(async () => {
    ctx = await startServer(pki);
    c = await RawImap.plain(ctx.imap);
    await c.line();
  });
  after(async () => {
    c.close();
    await ctx.server.stop();
  });

  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['unterminated quote', 'A1 LOGIN "alice secret\r\n', /^A1 BAD unterminated quoted string\r\n/m],
    ['empty line', '\r\n', /^\* BAD empty command line\r\n/m],
    ['missing tag', '+ NOOP\r\n', /^\* BAD missing or invalid tag\r\n/m],
    ['bad literal size', 'A2 LOGIN {abc}\r\n', /^A2 BAD unexpected '\{'/m],
    ['literal marker inside the line', 'A3 LOGIN {5}x y\r\n', /^A3 BAD /m],
    ['70 KB line', `A4 NOOP ${'x'.repeat(70 * 1024)}\r\n`, /^A4 BAD line exceeds 65536 bytes\r\n/m],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9c, 0x20, 0x41, 0x0d, 0x0a]), /^\* BAD /m],
    ['unknown command', 'A5 FROB\r\n', /^A5 BAD unknown command FROB\r\n/m],
    ['wrong state', 'A6 FETCH 1 FLAGS\r\n', /^A6 BAD FETCH is not allowed in the not-authenticated state\r\n/m],
    ['wrong arity', 'A7 LOGIN alice\r\n', /^A7 BAD LOGIN takes 2 arguments, got 1\r\n/m],
    ['extra argument', 'A8 CAPABILITY now\r\n', /^A8 BAD CAPABILITY takes 0 arguments, got 1\r\n/m],
    ['literal over 1 MiB', 'A9 LOGIN {2000000}\r\n', /^A9 BAD \[TOOBIG\] literal of 2000000 bytes exceeds the limit of 1048576\r\n/m],
    ['unbalanced parenthesis', 'A10 ID ("a" "b"\r\n', /^A10 BAD unterminated list/m],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} -> BAD, then NOOP still works`, async () => {
      c.send(input);
      c.send('Z NOOP\r\n');
      const out = await c.tagged('Z');
      assert.match(out, expected);
      assert.doesNotMatch(out, /^\+ /m, 'no continuation for refused input');
      assert.match(out, /^Z OK NOOP completed\r\n/m);
    });
  }

  it('synchronising literals get one continuation each; LITERAL+ none', async () => {
    c.send('L1 ID ({4}\r\n');
    assert.match(await c.line(), /^\+ Ready for literal data\r\n$/);
    c.send('name {3}\r\n');
    assert.match(await c.line(), /^\+ /);
    c.send('abc)\r\n');
    assert.match(await c.tagged('L1'), /^L1 OK ID completed/m);
    c.send('L2 ID ({4+}\r\nname {3+}\r\nabc)\r\n');
    const out = await c.tagged('L2');
    assert.doesNotMatch(out, /^\+ /m);
    assert.match(out, /^L2 OK/m);
  });
});

describe('IMAP core: an exception in a handler becomes BAD internal error', () => {
  it('answers BAD and keeps serving', async () => {
    class Broken extends SimpleBackend {
      override folders(): string[] {
        throw new Error('boom');
      }
    }
    const entries: TranscriptEntry[] = [];
    const sink: TranscriptSink = { record: (e) => entries.push({ ...e, t: 0, seq: entries.length }), secret: () => undefined };
    const server = new ImapServer({
      actor: 'Test IMAP Server',
      listen: { plain: true },
      backend: new Broken({ accounts: [{ username: 'u', password: 'p' }], requireTls: false }),
      transcript: sink,
    });
    const { imap } = await server.start();
    const c = await RawImap.plain(imap!);
    try {
      await c.line();
      assert.match(await c.command('a', 'LOGIN u p'), /^a OK/m);
      assert.match(await c.command('b', 'LIST "" "*"'), /^b BAD internal error\r\n/m);
      assert.match(await c.command('c', 'NOOP'), /^c OK/m);
      assert.ok(entries.some((e) => e.text.includes('internal error in LIST') && e.text.includes('boom')));
      assert.ok(!entries.some((e) => /LOGIN u p/.test(e.text)), 'LOGIN password redacted');
      assert.ok(entries.some((e) => e.text === 'a LOGIN u «redacted»'));
    } finally {
      c.close();
      await server.stop();
    }
  });
});

describe('IMAP core: STARTTLS, LOGINDISABLED and AUTHENTICATE framing', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    ctx = await startServer(pki);
  });
  after(() => ctx.server.stop());

  it('refuses authentication before TLS and offers it after (RFC 2595 §3.2, RFC 9051 §6.2.3)', async () => {
    const c = await RawImap.plain(ctx.imap);
    try {
      const greeting = await c.line();
      assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*STARTTLS LOGINDISABLED\]/);
      assert.doesNotMatch(greeting, /AUTH=/);
      assert.match(await c.command('a1', `LOGIN ${ALICE.mail} ${ALICE.password}`), /^a1 NO \[PRIVACYREQUIRED\] /m);
      assert.match(await c.command('a2', `AUTHENTICATE PLAIN ${b64(`\0${ALICE.mail}\0${ALICE.password}`)}`), /^a2 NO \[PRIVACYREQUIRED\] /m);
      await c.startTls('a3', tlsOpts());
      const caps = await c.command('a4', 'CAPABILITY');
      assert.match(caps, /AUTH=PLAIN/);
      assert.match(caps, /SASL-IR/);
      assert.doesNotMatch(caps, /LOGINDISABLED|STARTTLS/);
      assert.match(await c.command('a5', 'STARTTLS'), /^a5 BAD TLS is already active/m);
      assert.match(await c.command('a6', `LOGIN ${ALICE.mail} ${ALICE.password}`), /^a6 OK /m);
      assert.match(await c.command('a7', 'STARTTLS'), /^a7 BAD STARTTLS is not allowed in the authenticated state/m);
    } finally {
      c.close();
    }
  });

  it('AUTHENTICATE: continuations, * cancels with BAD, invalid base64 is BAD, SASL-IR works', async () => {
    const c = await RawImap.tls(ctx.imaps, tlsOpts());
    try {
      await c.line();
      c.send('b1 AUTHENTICATE PLAIN\r\n');
      assert.equal(await c.line(), '+ \r\n');
      c.send('*\r\n');
      assert.match(await c.tagged('b1'), /^b1 BAD AUTHENTICATE cancelled/m);
      c.send('b2 AUTHENTICATE PLAIN\r\n');
      await c.line();
      c.send('!!not base64!!\r\n');
      assert.match(await c.tagged('b2'), /^b2 BAD invalid base64/m);
      assert.match(await c.command('b3', 'AUTHENTICATE PLAIN %%%%'), /^b3 BAD invalid base64 in the initial response/m);
      assert.match(await c.command('b4', 'AUTHENTICATE X-UNKNOWN'), /^b4 NO \[CANNOT\] unsupported authentication mechanism/m);
      assert.match(await c.command('b5', 'AUTHENTICATE PLAIN ='), /^b5 NO /m);
      c.send('b6 AUTHENTICATE LOGIN\r\n');
      assert.equal(await c.line(), `+ ${b64('Username:')}\r\n`);
      c.send(`${b64(ALICE.sip)}\r\n`);
      assert.equal(await c.line(), `+ ${b64('Password:')}\r\n`);
      c.send(`${b64(ALICE.password)}\r\n`);
      assert.match(await c.tagged('b6'), /^b6 OK \[CAPABILITY /m);
    } finally {
      c.close();
    }
    const text = ctx.transcript.entries().map((e) => e.text).join('\n');
    assert.ok(!text.includes(ALICE.password) && !text.includes(b64(ALICE.password)), 'no password in the transcript');
    assert.match(text, /«SASL response, \d+ bytes»/);
  });

  it('discards commands pipelined after STARTTLS, and records them (RFC 3501 §6.2.1)', async () => {
    const c = await RawImap.plain(ctx.imap);
    try {
      const { secure, received } = await starttlsWithPipelinedLogin(c);
      secure.write('s3 NOOP\r\n');
      await waitFor(() => /^s3 OK/m.test(received()));
      assert.match(received(), /^s3 OK/m);
      assert.doesNotMatch(received(), /^s2 /m, 'the injected LOGIN was not executed');
      secure.destroy();
    } finally {
      c.close();
    }
    const conn = ctx.server.observations().connections.find((x) => x.pipelinedAfterStartTls);
    assert.ok(conn?.pipelinedAfterStartTls?.toString().startsWith('s2 LOGIN'));
    const ev = ctx.transcript.entries().find((e) => e.text.includes('pipelined after STARTTLS'));
    assert.ok(ev && ev.text.includes('discarded') && !ev.text.includes(ALICE.password), ev?.text);
  });

  it('with evvm-server:starttls-injection the pipelined command runs after the handshake', async () => {
    const f = await startServer(pki, { faults: ['evvm-server:starttls-injection'] });
    const c = await RawImap.plain(f.imap);
    try {
      const { secure, received } = await starttlsWithPipelinedLogin(c);
      await waitFor(() => /^s2 /m.test(received()));
      assert.match(received(), /^s2 OK /m);
      secure.destroy();
    } finally {
      c.close();
      await f.server.stop();
    }
  });
});

describe('IMAP core: SELECT, FETCH, STORE, SEARCH, EXPUNGE', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let c: RawImap;
  before(async () => {
    ctx = await startServer(pki);
    c = await RawImap.tls(ctx.imaps, tlsOpts());
    await c.line();
    await c.command('l', `LOGIN ${ALICE.msisdn} ${ALICE.password}`);
  });
  after(async () => {
    c.close();
    await ctx.server.stop();
  });

  it('SELECT reports the folder; FETCH items and macros answer', async () => {
    const sel = await c.command('f1', 'SELECT inbox');
    assert.match(sel, /^\* 1 EXISTS\r\n/m);
    assert.match(sel, /^\* OK \[UIDVALIDITY \d+\]/m);
    assert.match(sel, /^f1 OK \[READ-WRITE\] SELECT completed/m);
    const all = await c.command('f2', 'FETCH 1 ALL');
    assert.match(all, /^\* 1 FETCH \(FLAGS \(\) INTERNALDATE "[ \d]\d-\w{3}-\d{4} \d\d:\d\d:\d\d \+0000" RFC822\.SIZE \d+ ENVELOPE \("Tue, 03 Mar 2026 10:00:00 \+0000" "Voice Message from \+15559999" /m);
    const full = await c.command('f3', 'FETCH 1:* (UID BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[1] BODY.PEEK[]<0.4>)');
    assert.match(full, /BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 29 0 NIL NIL NIL NIL\)\("AUDIO" "AMR" NIL NIL NIL "BASE64" \d+ NIL \("ATTACHMENT" \("FILENAME" "vm.amr"\)\) NIL NIL\) "VOICE-MESSAGE"/);
    assert.match(full, /BODY\[HEADER\.FIELDS \(SUBJECT\)\] \{\d+\}\r\nSubject: Voice Message from \+15559999\r\n\r\n/);
    assert.match(full, /BODY\[1\] \{29\}\r\nYou have a new voice message\./);
    assert.match(full, /BODY\[\]<0> \{4\}\r\nFrom/);
    assert.doesNotMatch(full, /\\Seen/, 'PEEK does not set \\Seen');
    const body = await c.command('f4', 'UID FETCH 1 (BODY[TEXT])');
    assert.match(body, /^\* 1 FETCH \(UID 1 BODY\[TEXT\] \{\d+\}\r\n--vm-boundary-1/m);
    assert.match(body, /FLAGS \(\\Seen\)\)\r\n/);
    assert.match(await c.command('f5', 'FETCH 2 FLAGS'), /^f5 BAD invalid message sequence number/m);
    assert.match(await c.command('f6', 'FETCH 0 FLAGS'), /^f6 BAD invalid sequence set/m);
    assert.match(await c.command('f7', 'FETCH 1 (BODY[NOPE])'), /^f7 BAD invalid section/m);
    assert.match(await c.command('f8', 'FETCH 1 BINARY[]'), /^f8 BAD unknown FETCH item/m);
  });

  it('SEARCH, STORE, new arrivals and EXPUNGE', async () => {
    assert.match(await c.command('s1', 'SEARCH SEEN SUBJECT "voice" SINCE 1-Jan-2000'), /^\* SEARCH 1\r\n/m);
    assert.match(await c.command('s2', 'UID SEARCH UNSEEN'), /^\* SEARCH\r\n/m);
    assert.match(await c.command('s3', 'SEARCH OR FLAGGED (NOT SEEN)'), /^\* SEARCH\r\n/m);
    assert.match(await c.command('s4', 'SEARCH FROBNICATE'), /^s4 BAD unknown search key/m);
    ctx.server.deposit(ALICE.sip, { raw: Buffer.from('Subject: second\r\n\r\nhello\r\n') });
    const noop = await c.command('s5', 'NOOP');
    assert.match(noop, /^\* 2 EXISTS\r\n/m);
    assert.match(await c.command('s6', 'UID STORE 2 +FLAGS (\\Deleted)'), /^\* 2 FETCH \(UID 2 FLAGS \(\\Deleted\)\)\r\n/m);
    assert.match(await c.command('s7', 'STORE 1 +FLAGS \\Recent'), /^s7 BAD /m);
    const ex = await c.command('s8', 'EXPUNGE');
    assert.match(ex, /^\* 2 EXPUNGE\r\n/m);
    assert.deepEqual(ctx.server.messages(ALICE.mail).map((m) => m.uid), [1]);
    // VVM-06: no STATUS on the Greetings folder (VVM 1.2 p.17); the INBOX answers
    assert.match(await c.command('s9', 'STATUS Greetings (MESSAGES UIDNEXT UNSEEN)'), /^s9 NO command not allowed\r\n/m);
    assert.match(await c.command('s9b', 'STATUS INBOX (MESSAGES)'), /^\* STATUS INBOX \(MESSAGES 1\)\r\n/m);
    c.send('s10 APPEND Greetings (\\Seen) {11}\r\n');
    assert.match(await c.line(), /^\+ /);
    c.send('Subject: g\r\n\r\n');
    assert.match(await c.tagged('s10'), /^s10 OK APPEND completed/m);
    assert.equal(ctx.server.messages(ALICE.mail, 'Greetings').length, 1);
    const list = await c.command('s11', 'LIST "" "*"');
    assert.match(list, /^\* LIST \(\\HasNoChildren\) "\/" INBOX\r\n\* LIST \(\\HasNoChildren\) "\/" Greetings\r\n/m);
    assert.match(await c.command('s12', 'NAMESPACE'), /^\* NAMESPACE \(\("" "\/"\)\) \(\("#id\/" "\/"\)\) NIL\r\n/m);
    assert.match(await c.command('s13', 'EXAMINE INBOX'), /^s13 OK \[READ-ONLY\]/m);
    assert.match(await c.command('s14', 'STORE 1 +FLAGS (\\Flagged)'), /^s14 NO \[READ-ONLY\]/m);
    assert.match(await c.command('s15', 'CLOSE'), /^s15 OK/m);
    assert.match(await c.command('s16', 'FETCH 1 FLAGS'), /^s16 BAD FETCH is not allowed in the authenticated state/m);
    const bye = await c.command('s17', 'LOGOUT');
    assert.match(bye, /^\* BYE .*\r\ns17 OK LOGOUT completed\r\n/m);
    await c.closed;
  });
});


describe('IMAP core: deterministic fuzz', () => {
  it('random commands and binary lines on many connections: every connection still answers NOOP', async () => {
    const ctx = await startServer(pki, { policy: { requireTls: false } });
    let seed = 20260303;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const names = ['LOGIN', 'SELECT', 'FETCH', 'UID', 'STORE', 'SEARCH', 'LIST', 'STATUS', 'APPEND', 'ID', 'EXAMINE', 'CLOSE', 'EXPUNGE', 'NOOP'];
    const atoms = ['1', '*', '1:*', '(', ')', '"', '\\', '[', ']', '<0.5>', 'BODY[]', 'BODY[HEADER.FIELDS (A', 'NIL', 'INBOX', '"#id/x/INBOX"', '\\Seen', '+FLAGS', '{3+}\r\nabc', '~{2}', '))', 'OR', 'NOT', '"a\\"b"', '\x00', '\xff', '%'];
    try {
      for (let conn = 0; conn < 20; conn++) {
        const c = await RawImap.plain(ctx.imap);
        try {
          await c.line();
          if (conn % 2) await c.command('l', `LOGIN ${ALICE.mail} ${ALICE.password}`);
          if (conn % 4 === 1) await c.command('s', 'SELECT INBOX');
          for (let i = 0; i < 40; i++) {
            const line =
              rnd(4) === 0
                ? Buffer.from(Array.from({ length: rnd(80) }, () => [rnd(256)].map((b) => (b === 0x7b || b === 0x0a ? 0x20 : b))[0]!))
                : Buffer.from(`t${i} ${names[rnd(names.length)]}${Array.from({ length: rnd(6) }, () => ` ${atoms[rnd(atoms.length)]}`).join('')}`, 'latin1');
            c.send(Buffer.concat([line, Buffer.from('\r\n')]));
          }
          assert.match(await c.command('ZZ', 'NOOP'), /^ZZ OK/m);
        } finally {
          c.close();
        }
      }
      assert.ok(!ctx.transcript.entries().some((e) => /internal error|session failed/.test(e.text)));
    } finally {
      await ctx.server.stop();
    }
  });
});
