import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { Transcript } from '../../evidence/transcript';
import { sharedTestPki, type TestPki } from '../../simulators/crypto/pki';
import { SaslClientError } from '../../simulators/protocol/sasl/client';
import {
  RawImapClient,
  ConnectionClosedError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  TlsError,
  CommandFailedError,
  ImapClientError,
  type RawImapClientOptions,
} from '../../simulators/protocol/imap/client';
import { startScriptedServer, sleep, type ServerSide, type ScriptedServer } from './scripted-server';

let pki: TestPki;
before(async () => {
  pki = await sharedTestPki();
});

const PASSWORD = 'Corr3ct-Horse';

/** Runs a test body against a scripted server and always cleans up. */
async function withServer(
  script: (s: ServerSide) => Promise<void> | void,
  body: (server: ScriptedServer, connect: (o?: Partial<RawImapClientOptions>) => Promise<RawImapClient>) => Promise<void>,
  serverOptions: Parameters<typeof startScriptedServer>[1] = {},
): Promise<void> {
  const server = await startScriptedServer(script, serverOptions);
  const clients: RawImapClient[] = [];
  try {
    await body(server, async (o = {}) => {
      const c = await RawImapClient.connect({ host: '127.0.0.1', port: server.port, tls: 'none', timeoutMs: 1000, ...o });
      clients.push(c);
      return c;
    });
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
}

function serverCreds(name: 'evvm-server' = 'evvm-server'): { key: string; cert: string } {
  const leaf = pki.leaf(name);
  return { key: leaf.keyPem, cert: leaf.chainPem };
}

const isCode = (ctor: new (...a: never[]) => Error, code: string) => (err: unknown) =>
  err instanceof ctor && (err as Error & { code: string }).code === code;

// ---- greetings ---------------------------------------------------------------------------------

test('greeting: OK with capability code is parsed and cached', async () => {
  await withServer(
    (s) => s.send('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] EVVM ready'),
    async (_server, connect) => {
      const c = await connect();
      assert.equal(c.greeting.kind, 'OK');
      assert.equal(c.greeting.text, 'EVVM ready');
      assert.deepEqual(c.capabilities, ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']);
      assert.equal(c.secure, false);
    },
  );
});

test('greeting: PREAUTH and BYE; BYE resolves and the connection then ends', async () => {
  await withServer(
    (s) => s.send('* PREAUTH [CAPABILITY IMAP4rev1] welcome, certificate user'),
    async (_server, connect) => {
      const c = await connect();
      assert.equal(c.greeting.kind, 'PREAUTH');
    },
  );
  await withServer(
    (s) => {
      s.send('* BYE too busy');
      s.end();
    },
    async (_server, connect) => {
      const c = await connect();
      assert.equal(c.greeting.kind, 'BYE');
      await c.closed;
      assert.equal(c.bye, 'too busy');
      await assert.rejects(c.capability(), (err) => err instanceof ConnectionClosedError && err.bye === 'too busy');
    },
  );
});

test('greeting: malformed, missing, or connection refused are typed errors', async () => {
  await withServer(
    (s) => s.send('HTTP/1.1 400 Bad Request'),
    async (_server, connect) => {
      await assert.rejects(connect(), isCode(ProtocolError, 'MALFORMED_GREETING'));
    },
  );
  await withServer(
    () => undefined,
    async (_server, connect) => {
      const t0 = Date.now();
      await assert.rejects(connect({ timeoutMs: 150 }), (err) => err instanceof TimeoutError && err.phase === 'greeting');
      assert.ok(Date.now() - t0 < 4000, 'the 150 ms timeout, not the 5 s default, ended the wait');
    },
  );
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(RawImapClient.connect({ host: '127.0.0.1', port, tls: 'none', timeoutMs: 1000 }), isCode(NetworkError, 'ECONNREFUSED'));
});

// ---- a whole session ---------------------------------------------------------------------------

const MESSAGE = Buffer.concat([Buffer.from('From: a@op.example\r\nMessage-ID: <vm1@op.example>\r\n\r\n'), Buffer.from([0, 1, 2, 255]), Buffer.from('\r\n')]);

async function sessionScript(s: ServerSide): Promise<void> {
  s.send('* OK ready');
  let cmd = await s.command();
  assert.equal(cmd.name, 'CAPABILITY');
  s.send('* CAPABILITY IMAP4rev1 AUTH=PLAIN', `${cmd.tag} OK done`);
  cmd = await s.command();
  assert.equal(cmd.line, `${cmd.tag} LOGIN "alice" "${PASSWORD}"`);
  s.send(`${cmd.tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in`);
  cmd = await s.command();
  assert.equal(cmd.line, `${cmd.tag} SELECT "INBOX"`);
  s.send(
    '* FLAGS (\\Answered \\Seen $Voicemail)',
    '* 2 EXISTS',
    '* 0 RECENT',
    '* OK [UIDVALIDITY 3857529045] UIDs valid',
    '* OK [UIDNEXT 4392] next',
    '* OK [PERMANENTFLAGS (\\Seen \\*)] limited',
    `${cmd.tag} OK [READ-WRITE] SELECT completed`,
  );
  cmd = await s.command();
  assert.equal(cmd.line, `${cmd.tag} FETCH 1:2 (UID FLAGS BODY.PEEK[])`);
  s.write(Buffer.concat([Buffer.from(`* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {${MESSAGE.length}}\r\n`), MESSAGE, Buffer.from(')\r\n')]));
  s.send('* 2 FETCH (UID 8 FLAGS () BODY[] "short")', `${cmd.tag} OK FETCH completed`);
  cmd = await s.command();
  assert.equal(cmd.name, 'LOGOUT');
  s.send('* BYE see you', `${cmd.tag} OK LOGOUT completed`);
  s.end();
}

test('session: capability, login (redacted), select, fetch with a binary literal, logout', async () => {
  const transcript = new Transcript();
  await withServer(sessionScript, async (server, connect) => {
    const c = await connect({ transcript, actor: 'EVVM Client', peer: 'EVVM Server' });
    assert.deepEqual(await c.capability(), ['IMAP4rev1', 'AUTH=PLAIN']);
    const login = await c.login('alice', PASSWORD);
    assert.equal(login.status, 'OK');
    assert.deepEqual(c.capabilities, ['IMAP4rev1', 'IDLE']);
    const sel = await c.select('INBOX');
    assert.equal(sel.exists, 2);
    assert.equal(sel.uidValidity, 3857529045);
    assert.equal(sel.uidNext, 4392);
    assert.deepEqual(sel.flags, ['\\Answered', '\\Seen', '$Voicemail']);
    assert.deepEqual(sel.permanentFlags, ['\\Seen', '\\*']);
    assert.equal(sel.readOnly, false);
    const msgs = await c.fetch('1:2', ['UID', 'FLAGS', 'BODY.PEEK[]']);
    assert.equal(msgs.length, 2);
    assert.deepEqual(msgs[0]!.body, MESSAGE);
    assert.equal(msgs[0]!.uid, 7);
    assert.deepEqual(msgs[0]!.flags, ['\\Seen']);
    assert.equal(msgs[1]!.body?.toString(), 'short');
    assert.deepEqual(msgs[1]!.flags, []);
    const out = await c.logout();
    assert.equal(out.bye, 'see you');
    assert.equal(out.result?.status, 'OK');
    await c.closed;
    await server.settled();
    assert.deepEqual(server.errors, []);

    const creds = c.sentCredentialCommands();
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.command, 'LOGIN');
    assert.equal(creds[0]!.secure, false);
  });
  const text = transcript.entries().map((e) => `${e.channel} ${e.dir} ${e.text}`).join('\n');
  assert.ok(!text.includes(PASSWORD), 'password must not reach the transcript');
  assert.match(text, /imap send A2 LOGIN "alice" «redacted»/);
  assert.match(text, /imap recv \* 1 FETCH \(UID 7 FLAGS \(\\Seen\) BODY\[\] \{\d+\}\r\n«literal, \d+ bytes, sha256 [0-9a-f]+…»\)/);
  assert.ok(transcript.entries().every((e) => e.actor === 'EVVM Client' && e.peer === 'EVVM Server' && e.conn));
  assert.ok(transcript.entries().some((e) => e.channel === 'tcp' && /connection closed/.test(e.text)));
});

test('login: a password that needs a literal waits for the continuation and stays redacted', async () => {
  const transcript = new Transcript();
  const password = 'pässwörd';
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const first = await s.line();
      const m = /^(\S+) LOGIN "bob" \{(\d+)\}$/.exec(first);
      assert.ok(m, first);
      assert.equal(Number(m[2]), Buffer.byteLength(password));
      s.send('+ go ahead');
      assert.equal(await s.line(), password);
      s.send(`${m[1]} NO [AUTHENTICATIONFAILED] invalid`);
    },
    async (server, connect) => {
      const c = await connect({ transcript });
      const r = await c.login('bob', password);
      assert.equal(r.status, 'NO');
      assert.deepEqual(r.code, { name: 'AUTHENTICATIONFAILED' });
      await server.settled();
      assert.deepEqual(server.errors, []);
    },
  );
  const text = transcript.entries().map((e) => e.text).join('\n');
  assert.ok(!text.includes(password));
  assert.match(text, /«redacted»/);
});

test('command: raw line API with untagged collection; NO from select is a CommandFailedError', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      let cmd = await s.command();
      s.send('* LIST (\\HasNoChildren) "/" "INBOX"', '* LIST () "/" {4}', 'Vo"x', `${cmd.tag} OK LIST done`);
      cmd = await s.command();
      s.send(`${cmd.tag} NO [NONEXISTENT] no such mailbox`);
    },
    async (_server, connect) => {
      const c = await connect();
      const r = await c.command('LIST "" "*"');
      assert.equal(r.tag, 'A1');
      assert.equal(r.status, 'OK');
      assert.deepEqual(r.untagged, ['* LIST (\\HasNoChildren) "/" "INBOX"', '* LIST () "/" {4}\r\nVo"x']);
      await assert.rejects(c.select('Nope'), (err) => err instanceof CommandFailedError && err.result.code?.name === 'NONEXISTENT');
    },
  );
});

// ---- SASL --------------------------------------------------------------------------------------

const SCRAM = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString();

function scramScript(finalStep: 'good' | 'forged' | 'skip') {
  return async (s: ServerSide): Promise<void> => {
    s.send('* OK [CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256] ready');
    const cmd = await s.command();
    assert.equal(cmd.line, `${cmd.tag} AUTHENTICATE SCRAM-SHA-256`);
    s.send('+ ');
    assert.equal(unb64(await s.line()), 'n,,n=user,r=' + SCRAM.nonce);
    s.send(`+ ${b64(SCRAM.serverFirst)}`);
    assert.equal(unb64(await s.line()), SCRAM.clientFinal);
    if (finalStep === 'skip') return s.send(`${cmd.tag} OK authenticated`);
    s.send(`+ ${b64(finalStep === 'good' ? SCRAM.serverFinal : 'v=' + Buffer.alloc(32).toString('base64'))}`);
    const ack = await s.line();
    if (finalStep === 'good') {
      assert.equal(ack, '');
      s.send(`${cmd.tag} OK authenticated`);
    } else {
      assert.equal(ack, '*');
      s.send(`${cmd.tag} BAD cancelled`);
    }
  };
}

test('AUTHENTICATE SCRAM-SHA-256: RFC 7677 exchange on the wire, server verified, responses redacted', async () => {
  const transcript = new Transcript();
  await withServer(scramScript('good'), async (server, connect) => {
    const c = await connect({ transcript });
    const r = await c.authenticate('SCRAM-SHA-256', { authcid: 'user', password: 'pencil' }, { sasl: { clientNonce: SCRAM.nonce } });
    assert.equal(r.status, 'OK');
    assert.ok(c.isOpen);
    await server.settled();
    assert.deepEqual(server.errors, []);
    assert.deepEqual(
      c.sentCredentialCommands().map((x) => [x.command, x.mechanism, x.secure, x.initialResponse]),
      [['AUTHENTICATE', 'SCRAM-SHA-256', false, false]],
    );
  });
  const sent = transcript.entries().filter((e) => e.dir === 'send').map((e) => e.text);
  assert.deepEqual(sent, ['A1 AUTHENTICATE SCRAM-SHA-256', '«SASL response, 32 bytes»', `«SASL response, ${SCRAM.clientFinal.length} bytes»`, '«SASL response, 0 bytes»']);
});

test('AUTHENTICATE SCRAM-SHA-256: a forged server signature cancels, rejects, and drops the connection', async () => {
  await withServer(scramScript('forged'), async (server, connect) => {
    const c = await connect();
    await assert.rejects(
      c.authenticate('SCRAM-SHA-256', { authcid: 'user', password: 'pencil' }, { sasl: { clientNonce: SCRAM.nonce } }),
      (err) => err instanceof SaslClientError && err.code === 'SERVER_SIGNATURE_MISMATCH',
    );
    await c.closed;
    await server.settled();
    assert.deepEqual(server.errors, []);
  });
});

test('AUTHENTICATE SCRAM-SHA-256: OK without the server proof is refused and the connection dropped', async () => {
  await withServer(scramScript('skip'), async (_server, connect) => {
    const c = await connect();
    await assert.rejects(
      c.authenticate('SCRAM-SHA-256', { authcid: 'user', password: 'pencil' }, { sasl: { clientNonce: SCRAM.nonce } }),
      (err) => err instanceof SaslClientError && err.code === 'MISSING_SERVER_FINAL',
    );
    await c.closed;
  });
});

test('AUTHENTICATE SCRAM-SHA-256 with SASL-IR against a server that computes the proof itself', async () => {
  const salt = Buffer.from('0123456789abcdef');
  await withServer(
    async (s) => {
      s.send('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256] ready');
      const line = await s.line();
      const m = /^(\S+) AUTHENTICATE SCRAM-SHA-256 (\S+)$/.exec(line);
      assert.ok(m, line);
      const clientFirstBare = unb64(m[2]!).slice(3);
      const nonce = /r=([^,]+)/.exec(clientFirstBare)![1]!;
      const serverFirst = `r=${nonce}srv,s=${salt.toString('base64')},i=4096`;
      s.send(`+ ${b64(serverFirst)}`);
      const clientFinal = unb64(await s.line());
      const withoutProof = clientFinal.replace(/,p=.*$/, '');
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const salted = pbkdf2Sync(PASSWORD, salt, 4096, 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const sig = createHmac('sha256', storedKey).update(authMessage).digest();
      const proof = Buffer.from(/p=(.*)$/.exec(clientFinal)![1]!, 'base64');
      const recovered = Buffer.from(proof.map((b, i) => b ^ sig[i]!));
      assert.deepEqual(createHash('sha256').update(recovered).digest(), storedKey);
      const serverSig = createHmac('sha256', createHmac('sha256', salted).update('Server Key').digest()).update(authMessage).digest();
      s.send(`+ ${b64('v=' + serverSig.toString('base64'))}`);
      assert.equal(await s.line(), '');
      s.send(`${m[1]} OK [CAPABILITY IMAP4rev1 VVM] done`);
    },
    async (server, connect) => {
      const c = await connect();
      const r = await c.authenticate('SCRAM-SHA-256', { authcid: 'alice', password: PASSWORD }, { initialResponse: true });
      assert.equal(r.status, 'OK');
      assert.deepEqual(c.capabilities, ['IMAP4rev1', 'VVM']);
      assert.equal(c.sentCredentialCommands()[0]!.initialResponse, true);
      await server.settled();
      assert.deepEqual(server.errors, []);
    },
  );
});

test('AUTHENTICATE PLAIN (SASL-IR and continuation), LOGIN, CRAM-MD5, EXTERNAL on the wire', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      // PLAIN with SASL-IR
      let cmd = await s.command();
      assert.equal(cmd.line, `${cmd.tag} AUTHENTICATE PLAIN ${b64(`admin\0alice\0${PASSWORD}`)}`);
      s.send(`${cmd.tag} NO [AUTHORIZATIONFAILED] not admin`);
      // PLAIN without SASL-IR
      cmd = await s.command();
      assert.equal(cmd.line, `${cmd.tag} AUTHENTICATE PLAIN`);
      s.send('+ ');
      assert.equal(await s.line(), b64(`\0alice\0${PASSWORD}`));
      s.send(`${cmd.tag} OK ok`);
      // LOGIN
      cmd = await s.command();
      s.send(`+ ${b64('Username:')}`);
      assert.equal(unb64(await s.line()), 'alice');
      s.send(`+ ${b64('Password:')}`);
      assert.equal(unb64(await s.line()), PASSWORD);
      s.send(`${cmd.tag} OK ok`);
      // CRAM-MD5 (RFC 2195 example)
      cmd = await s.command();
      s.send(`+ ${b64('<1896.697170952@postoffice.reston.mci.net>')}`);
      assert.equal(unb64(await s.line()), 'tim b913a602c7eda7a495b4e6e7334d3890');
      s.send(`${cmd.tag} OK ok`);
      // EXTERNAL: empty response without SASL-IR, "=" with it
      cmd = await s.command();
      s.send('+');
      assert.equal(await s.line(), '');
      s.send(`${cmd.tag} OK ok`);
      cmd = await s.command();
      assert.equal(cmd.line, `${cmd.tag} AUTHENTICATE EXTERNAL =`);
      s.send(`${cmd.tag} OK ok`);
    },
    async (server, connect) => {
      const c = await connect();
      assert.equal((await c.authenticate('PLAIN', { authcid: 'alice', password: PASSWORD, authzid: 'admin' }, { initialResponse: true })).status, 'NO');
      assert.equal((await c.authenticate('PLAIN', { authcid: 'alice', password: PASSWORD })).status, 'OK');
      assert.equal((await c.authenticate('LOGIN', { authcid: 'alice', password: PASSWORD })).status, 'OK');
      assert.equal((await c.authenticate('CRAM-MD5', { authcid: 'tim', password: 'tanstaaftanstaaf' })).status, 'OK');
      assert.equal((await c.authenticate('EXTERNAL')).status, 'OK');
      assert.equal((await c.authenticate('EXTERNAL', undefined, { initialResponse: true })).status, 'OK');
      await server.settled();
      assert.deepEqual(server.errors, []);
      assert.equal(c.sentCredentialCommands().length, 6);
    },
  );
});

test('AUTHENTICATE: a challenge that is not base64 is cancelled with "*" and rejects', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const cmd = await s.command();
      s.send('+ this is not base64!');
      assert.equal(await s.line(), '*');
      s.send(`${cmd.tag} BAD cancelled`);
    },
    async (server, connect) => {
      const c = await connect();
      await assert.rejects(c.authenticate('CRAM-MD5', { authcid: 'u', password: 'p' }), isCode(ProtocolError, 'MALFORMED_CHALLENGE'));
      assert.ok(c.isOpen);
      await server.settled();
      assert.deepEqual(server.errors, []);
    },
  );
});

// ---- TLS ---------------------------------------------------------------------------------------

function starttlsScript(serverCert: () => { key: string; cert: string }) {
  return async (s: ServerSide): Promise<void> => {
    s.send('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready');
    let cmd = await s.command();
    assert.equal(cmd.name, 'STARTTLS');
    s.send(`${cmd.tag} OK begin TLS`);
    await s.upgrade(serverCert());
    cmd = await s.command();
    assert.equal(cmd.name, 'CAPABILITY');
    s.send('* CAPABILITY IMAP4rev1 AUTH=PLAIN', `${cmd.tag} OK done`);
    cmd = await s.command();
    assert.equal(cmd.name, 'LOGIN');
    s.send(`${cmd.tag} OK welcome`);
  };
}

test('STARTTLS: upgrade verified against the trust anchor, capabilities forgotten, credentials only after TLS', async () => {
  const transcript = new Transcript();
  await withServer(starttlsScript(() => serverCreds()), async (server, connect) => {
    const c = await connect({ transcript, tlsOptions: { ca: pki.trustAnchorPem } });
    assert.deepEqual(c.capabilities, ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED']);
    const r = await c.starttls();
    assert.equal(r.status, 'OK');
    assert.equal(c.secure, true);
    assert.equal(c.capabilities, undefined);
    assert.equal(c.tlsInfo?.authorized, true);
    assert.match(c.tlsInfo?.protocol ?? '', /^TLSv1\.[23]$/);
    assert.match(c.tlsInfo?.peerCertificate?.subject ?? '', /CN=evvm-server/);
    assert.deepEqual(await c.capability(), ['IMAP4rev1', 'AUTH=PLAIN']);
    assert.equal((await c.login('alice', PASSWORD)).status, 'OK');
    assert.deepEqual(
      c.sentCredentialCommands().map((x) => [x.command, x.secure]),
      [['LOGIN', true]],
    );
    await server.settled();
    assert.deepEqual(server.errors, []);
  });
  assert.ok(transcript.entries().some((e) => e.channel === 'tls' && /TLS handshake \(starttls\) ok: TLSv1\.[23] .*authorized/.test(e.text)));
});

test('STARTTLS: untrusted CA -> TlsError with Node code, connection closed, no credential sent', async () => {
  const transcript = new Transcript();
  await withServer(starttlsScript(() => ({ key: pki.bad('evvm-server', 'untrusted-ca').keyPem, cert: pki.bad('evvm-server', 'untrusted-ca').chainPem })), async (server, connect) => {
    const c = await connect({ transcript, tlsOptions: { ca: pki.trustAnchorPem } });
    let caught: unknown;
    try {
      await c.starttls();
      await c.login('alice', PASSWORD); // a harness that forgot to check would get here
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof TlsError, String(caught));
    assert.ok(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].includes(caught.code), caught.code);
    assert.equal(caught.phase, 'starttls');
    await c.closed;
    assert.equal(c.isOpen, false);
    await assert.rejects(c.login('alice', PASSWORD), TlsError);
    assert.deepEqual(c.sentCredentialCommands(), []);
    await server.settled();
    assert.ok(!server.sessions[0]!.lines.some((l) => /LOGIN|AUTHENTICATE/i.test(l)));
  });
  assert.ok(transcript.entries().some((e) => e.channel === 'tls' && /failed: (UNABLE_TO|SELF_SIGNED)/.test(e.text)));
});

test('implicit TLS: good server, expired certificate, wrong host name', async () => {
  const good = serverCreds();
  await withServer((s) => s.send('* OK ready'), async (_server, connect) => {
    const c = await connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem } });
    assert.equal(c.secure, true);
    assert.equal(c.tlsInfo?.authorized, true);
    assert.ok(c.tlsInfo?.cipher);
  }, { tls: good });

  const expired = pki.bad('evvm-server', 'expired');
  await withServer((s) => s.send('* OK ready'), async (_server, connect) => {
    await assert.rejects(connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem } }), isCode(TlsError, 'CERT_HAS_EXPIRED'));
    // rejectUnauthorized:false lets the harness look at the failure instead of aborting
    const c = await connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem, rejectUnauthorized: false } });
    assert.equal(c.tlsInfo?.authorized, false);
    assert.equal(c.tlsInfo?.authorizationError, 'CERT_HAS_EXPIRED');
  }, { tls: { key: expired.keyPem, cert: expired.chainPem } });

  const wrongHost = pki.bad('evvm-server', 'wrong-host');
  await withServer((s) => s.send('* OK ready'), async (_server, connect) => {
    await assert.rejects(connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem } }), (err) => {
      assert.ok(err instanceof TlsError);
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.match(err.reason, /127\.0\.0\.1/);
      return true;
    });
  }, { tls: { key: wrongHost.keyPem, cert: wrongHost.chainPem } });
});

test('STARTTLS: refused with NO leaves the channel plain; injected plaintext after OK fails closed', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const cmd = await s.command();
      s.send(`${cmd.tag} NO not today`);
    },
    async (_server, connect) => {
      const c = await connect({ tlsOptions: { ca: pki.trustAnchorPem } });
      const r = await c.starttls();
      assert.equal(r.status, 'NO');
      assert.equal(c.secure, false);
    },
  );
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const cmd = await s.command();
      s.write(`${cmd.tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n`);
    },
    async (_server, connect) => {
      const c = await connect({ tlsOptions: { ca: pki.trustAnchorPem } });
      await assert.rejects(c.starttls(), isCode(ProtocolError, 'STARTTLS_INJECTION'));
      await c.closed;
      assert.ok(c.anomalies.some((a) => /injection/.test(a)));
    },
  );
});

test('STARTTLS with a pipelined command: sent in the same write; a conformant server discards it', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const cmd = await s.command();
      await sleep(20); // let the pipelined bytes arrive before the OK
      s.send(`${cmd.tag} OK begin TLS`);
      await s.upgrade(serverCreds());
      assert.equal(s.discarded, 'X1 LOGIN alice secret\r\n');
      const next = await s.command();
      s.send(`${next.tag} OK nothing`);
    },
    async (server, connect) => {
      const c = await connect({ tlsOptions: { ca: pki.trustAnchorPem } });
      await c.starttls(undefined, { pipelined: Buffer.from('X1 LOGIN alice secret\r\n') });
      assert.equal((await c.noop()).status, 'OK');
      await server.settled();
      assert.deepEqual(server.errors, []);
    },
  );
});

// ---- failures: timeout, abrupt close, hostile servers -------------------------------------------

test('timeout: no tagged answer -> TimeoutError; a late answer is an anomaly; the next command works', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const first = await s.command();
      const second = await s.command();
      s.send(`${first.tag} OK late`, `${second.tag} OK fine`);
    },
    async (_server, connect) => {
      const c = await connect();
      const t0 = Date.now();
      await assert.rejects(c.command('NOOP', { timeoutMs: 100 }), (err) => err instanceof TimeoutError && err.phase === 'command' && err.tag === 'A1');
      assert.ok(Date.now() - t0 < 4000, 'the 100 ms timeout, not the 5 s default, ended the wait');
      assert.equal((await c.noop()).status, 'OK');
      assert.ok(c.anomalies.some((a) => /late tagged response for A1/.test(a)));
    },
  );
});

test('abrupt close and BYE reject pending commands with ConnectionClosedError', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      await s.command();
      s.destroy();
    },
    async (_server, connect) => {
      const c = await connect();
      await assert.rejects(c.capability(), ConnectionClosedError);
      await c.closed;
      await assert.rejects(c.noop(), ConnectionClosedError);
      await assert.rejects(c.sendRaw('x\r\n'), ConnectionClosedError);
    },
  );
  await withServer(
    async (s) => {
      s.send('* OK ready');
      await s.command();
      s.send('* BYE autologout; idle for too long');
      s.end();
    },
    async (_server, connect) => {
      const c = await connect();
      await assert.rejects(c.select('INBOX'), (err) => err instanceof ConnectionClosedError && err.bye === 'autologout; idle for too long');
    },
  );
});

test('hostile: endless line and huge literal announcement close the connection with typed errors', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      await s.command();
      const chunk = Buffer.alloc(256 * 1024, 0x41);
      for (let i = 0; i < 8 && !s.closed; i++) {
        s.write(chunk);
        await sleep(1);
      }
    },
    async (_server, connect) => {
      const c = await connect();
      await assert.rejects(c.noop(), isCode(ProtocolError, 'LINE_TOO_LONG'));
      await c.closed;
    },
  );
  await withServer(
    async (s) => {
      s.send('* OK ready');
      const cmd = await s.command();
      s.send(`* 1 FETCH (BODY[] {4294967296}`);
      s.send(`${cmd.tag} OK never seen`);
    },
    async (_server, connect) => {
      const c = await connect();
      await assert.rejects(c.fetch('1', 'BODY[]'), isCode(ProtocolError, 'LITERAL_TOO_LARGE'));
      await c.closed;
      assert.equal(c.isOpen, false);
    },
  );
});

test('hostile: a flood of untagged responses is cut off, not buffered without end', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      await s.command();
      s.write('* 1 EXISTS\r\n'.repeat(500));
    },
    async (_server, connect) => {
      const c = await connect({ maxUntaggedResponses: 100 });
      await assert.rejects(c.noop(), isCode(ProtocolError, 'TOO_MANY_RESPONSES'));
      await c.closed;
    },
  );
});

test('hostile: malformed FETCH data, garbage lines, wrong tags, stray continuations', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      let cmd = await s.command();
      s.send('* 1 FETCH (UID notanumber BODY[] "x")', `${cmd.tag} OK done`);
      cmd = await s.command();
      s.send(')))) garbage ((((', `${cmd.tag} OK done`);
      cmd = await s.command();
      s.send('+ nobody asked', 'Z999 OK not yours', `${cmd.tag} OK done`);
      cmd = await s.command();
      s.send(`* 1 FETCH (${'('.repeat(200)}`, `${cmd.tag} OK done`);
    },
    async (_server, connect) => {
      const c = await connect();
      await assert.rejects(c.fetch('1', '(UID BODY[])'), isCode(ProtocolError, 'MALFORMED_RESPONSE'));
      await assert.rejects(c.noop(), isCode(ProtocolError, 'MALFORMED_RESPONSE'));
      assert.equal((await c.noop()).status, 'OK');
      assert.ok(c.anomalies.some((a) => /continuation request/.test(a)));
      assert.ok(c.anomalies.some((a) => /unknown tag "Z999"/.test(a)));
      await assert.rejects(c.fetch('1', 'BODY[]'), isCode(ProtocolError, 'MALFORMED_RESPONSE'));
      assert.ok(c.isOpen);
    },
  );
});

test('sendRaw + waitForResponse for malformed input; raw credentials are still tracked', async () => {
  const transcript = new Transcript();
  transcript.secret('hunter22');
  await withServer(
    async (s) => {
      s.send('* OK ready');
      assert.equal(await s.line(), 'A1 LOGIN alice');
      s.send('A1 BAD missing argument');
      assert.equal(await s.line(), 'B2 LOGIN alice hunter22');
      s.send('B2 NO in the clear? no.');
    },
    async (_server, connect) => {
      const c = await connect({ transcript });
      await c.sendRaw('A1 LOGIN alice\r\n');
      const r = await c.waitForResponse((x) => x.kind === 'tagged');
      assert.ok(r.kind === 'tagged' && r.status === 'BAD');
      await c.sendRaw('B2 LOGIN alice hunter22\r\n');
      const r2 = await c.waitForResponse((x) => x.kind === 'tagged' && x.tag === 'B2');
      assert.ok(r2.kind === 'tagged' && r2.status === 'NO');
      assert.deepEqual(c.sentCredentialCommands().map((x) => [x.command, x.raw, x.secure]), [['LOGIN', true, false], ['LOGIN', true, false]]);
      await assert.rejects(c.waitForResponse((x) => x.kind === 'continuation', { timeoutMs: 50 }), TimeoutError);
      await assert.rejects(c.command('NOOP\r\nA9 LOGOUT'), isCode(ImapClientError, 'INVALID_ARGUMENT'));
    },
  );
  assert.ok(!transcript.entries().some((e) => e.text.includes('hunter22')));
});

test('mutual TLS: no client certificate -> TlsError; with one -> EXTERNAL over the authenticated channel', async () => {
  const client = pki.leaf('evvm-client');
  await withServer(
    async (s) => {
      s.send('* OK [CAPABILITY IMAP4rev1 AUTH=EXTERNAL SASL-IR] ready');
      const cmd = await s.command();
      assert.equal(cmd.line, `${cmd.tag} AUTHENTICATE EXTERNAL =`);
      s.send(`${cmd.tag} OK certificate accepted`);
    },
    async (server, connect) => {
      // TLS 1.3: the alert (certificate required) arrives after the client's handshake is done; still a TlsError.
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
        await assert.rejects(connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem, maxVersion } }), (err) => {
          assert.ok(err instanceof TlsError, String(err));
          assert.match(err.code, /^ERR_SSL_/);
          return true;
        });
      }
      const c = await connect({ tls: 'implicit', tlsOptions: { ca: pki.trustAnchorPem, cert: client.chainPem, key: client.keyPem } });
      assert.equal(c.tlsInfo?.authorized, true);
      const r = await c.authenticate('EXTERNAL', undefined, { initialResponse: true });
      assert.equal(r.status, 'OK');
      assert.deepEqual(c.sentCredentialCommands().map((x) => [x.command, x.mechanism, x.secure]), [['AUTHENTICATE', 'EXTERNAL', true]]);
      await server.settled();
    },
    { tls: serverCreds(), tlsOptions: { requestCert: true, rejectUnauthorized: true, ca: pki.trustAnchorPem } },
  );
});

test('PSK-TLS (TLS 1.2 and 1.3): options pass through; evidence says there is no certificate', async () => {
  const psk = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
  for (const [ciphers, maxVersion] of [['PSK-AES128-GCM-SHA256', 'TLSv1.2'], ['TLS_AES_128_GCM_SHA256', 'TLSv1.3']] as const) {
    const transcript = new Transcript();
    await withServer(
      (s) => s.send('* OK psk ready'),
      async (_server, connect) => {
        const c = await connect({
          tls: 'implicit',
          transcript,
          tlsOptions: { pskCallback: () => ({ psk, identity: 'evvm-client-1' }), ciphers, maxVersion, checkServerIdentity: () => undefined },
        });
        assert.equal(c.tlsInfo?.protocol, maxVersion);
        assert.equal(c.tlsInfo?.peerCertificate, undefined);
        assert.equal(c.greeting.text, 'psk ready');
      },
      {
        tls: serverCreds(),
        tlsOptions: { pskCallback: (_socket, identity) => (identity === 'evvm-client-1' ? psk : null), ciphers, maxVersion },
      },
    );
    const text = transcript.entries().map((e) => e.text).join('\n');
    assert.match(text, /no server certificate \(PSK\)/);
    assert.ok(!text.includes(psk.toString('hex')));
  }
});

test('AUTHENTICATE SCRAM-SHA-256: a forged signature keeps its reason even when the server then goes silent', async () => {
  await withServer(
    async (s) => {
      s.send('* OK ready');
      await s.command();
      s.send('+ ');
      await s.line();
      s.send(`+ ${b64(SCRAM.serverFirst)}`);
      await s.line();
      s.send(`+ ${b64('v=' + Buffer.alloc(32).toString('base64'))}`);
      await s.line(); // "*", then silence
    },
    async (_server, connect) => {
      const c = await connect({ timeoutMs: 200 });
      await assert.rejects(
        c.authenticate('SCRAM-SHA-256', { authcid: 'user', password: 'pencil' }, { sasl: { clientNonce: SCRAM.nonce } }),
        (err) => err instanceof SaslClientError && err.code === 'SERVER_SIGNATURE_MISMATCH',
      );
      await c.closed;
    },
  );
});
