/** Real clients against the EVVM Server: imapflow 2.1.2, curl, python3 imaplib, openssl s_client -starttls imap. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ALICE, startServer, voicemail } from './helpers/fixtures';
import { testPki, type TestPkiFiles } from './helpers/pki';

let pki: TestPkiFiles;
let ctx: Awaited<ReturnType<typeof startServer>>;
let dir: string;
const file = (name: string): string => join(dir, name);

before(async () => {
  pki = await testPki();
  ctx = await startServer(pki);
  dir = mkdtempSync(join(tmpdir(), 'imap-interop-'));
  writeFileSync(file('ca.pem'), pki.caPem);
  writeFileSync(file('client.pem'), pki.alice.certPem);
  writeFileSync(file('client.key'), pki.alice.keyPem, { mode: 0o600 });
});
after(async () => {
  await ctx.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    const timer = setTimeout(() => p.kill('SIGKILL'), 8000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(input ?? '');
  });
}

const available = (cmd: string): Promise<boolean> =>
  new Promise((resolve) => execFile(cmd, ['--version'], (err) => resolve(!err)));

describe('imapflow 2.1.2', () => {
  for (const mode of ['doSTARTTLS', 'secure'] as const) {
    for (const id of [ALICE.msisdn, ALICE.sip, ALICE.mail]) {
      it(`${mode}, mutual TLS, logs in as ${id} and fetches the voicemail`, async () => {
        const client = new ImapFlow({
          host: '127.0.0.1',
          port: mode === 'secure' ? ctx.imaps : ctx.imap,
          ...(mode === 'secure' ? { secure: true } : { secure: false, doSTARTTLS: true }),
          servername: 'evvm-server.op.example',
          tls: { ca: pki.caPem, cert: pki.alice.certPem, key: pki.alice.keyPem },
          auth: { user: id, pass: ALICE.password },
          logger: false,
        });
        await client.connect();
        try {
          const lock = await client.getMailboxLock('INBOX');
          try {
            const msg = await client.fetchOne('1', { uid: true, source: true, envelope: true, bodyStructure: true });
            assert.ok(msg);
            assert.equal(msg.uid, 1);
            assert.deepEqual(msg.source, voicemail());
            assert.equal(msg.envelope?.subject, 'Voice Message from +15559999');
            assert.equal(msg.bodyStructure?.childNodes?.[1]?.type, 'audio/amr');
          } finally {
            lock.release();
          }
        } finally {
          await client.logout();
        }
        assert.equal(client.secureConnection, true);
      });
    }
  }

  it('refuses to log in over STARTTLS when the server refuses (wrong password): AUTHENTICATIONFAILED', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: ctx.imap,
      secure: false,
      doSTARTTLS: true,
      servername: 'evvm-server.op.example',
      tls: { ca: pki.caPem },
      auth: { user: ALICE.sip, pass: 'wrong' },
      logger: false,
    });
    await assert.rejects(client.connect(), (e: Error & { authenticationFailed?: boolean; responseText?: string }) => {
      assert.equal(e.authenticationFailed, true);
      return true;
    });
    client.close();
  });
});

describe('curl', () => {
  it('fetches imaps://…/INBOX;UID=1 with -u identifier:password and a client certificate', async () => {
    const r = await run('curl', [
      '-sS',
      '--max-time',
      '8',
      `imaps://127.0.0.1:${ctx.imaps}/INBOX;UID=1`,
      '--cacert',
      file('ca.pem'),
      '--cert',
      file('client.pem'),
      '--key',
      file('client.key'),
      '-u',
      `${ALICE.mail}:${ALICE.password}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, voicemail().toString('latin1'));
  });

  it('fetches with a tel: identifier (URL-encoded user) over imap:// --ssl-reqd (STARTTLS)', async () => {
    const user = encodeURIComponent(ALICE.msisdn);
    const r = await run('curl', [
      '-sS',
      '--max-time',
      '8',
      '--ssl-reqd',
      `imap://${user}:${encodeURIComponent(ALICE.password)}@127.0.0.1:${ctx.imap}/INBOX;UID=1`,
      '--cacert',
      file('ca.pem'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, voicemail().toString('latin1'));
  });

  it('gets "Login denied" for a wrong password', async () => {
    const r = await run('curl', ['-sS', '--max-time', '8', `imaps://127.0.0.1:${ctx.imaps}/INBOX;UID=1`, '--cacert', file('ca.pem'), '-u', `${ALICE.mail}:wrong`]);
    assert.equal(r.code, 67, r.stderr);
  });
});

describe('python3 imaplib', () => {
  it('IMAP4_SSL with a verifying context: login by SIP URI, select, fetch', async (t) => {
    if (!(await available('python3'))) return t.skip('python3 not installed');
    const script = [
      'import imaplib, ssl, sys',
      `ctx = ssl.create_default_context(cafile=${JSON.stringify(file('ca.pem'))})`,
      `ctx.load_cert_chain(${JSON.stringify(file('client.pem'))}, ${JSON.stringify(file('client.key'))})`,
      `m = imaplib.IMAP4_SSL('127.0.0.1', ${ctx.imaps}, ssl_context=ctx)`,
      `typ, _ = m.login(${JSON.stringify(ALICE.sip)}, ${JSON.stringify(ALICE.password)})`,
      "typ, data = m.select('INBOX')",
      "print('EXISTS', data[0].decode())",
      "typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')",
      "print(data[0][1].decode().strip())",
      'try:',
      "    m.login('x', 'y')",
      'except Exception as e:',
      "    print('STATE', type(e).__name__)",
      'm.logout()',
      `m2 = imaplib.IMAP4_SSL('127.0.0.1', ${ctx.imaps}, ssl_context=ctx)`,
      'try:',
      `    m2.login(${JSON.stringify(ALICE.sip)}, 'wrong')`,
      'except imaplib.IMAP4.error as e:',
      "    print('REFUSED', e)",
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /EXISTS 1/);
    assert.match(r.stdout, /Subject: Voice Message from \+15559999/);
    assert.match(r.stdout, /REFUSED b'invalid password'/);
  });
});

describe('openssl s_client -starttls imap', () => {
  it('negotiates STARTTLS and logs in', async () => {
    const r = await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${ctx.imap}`, '-starttls', 'imap', '-CAfile', file('ca.pem'), '-verify_return_error', '-crlf', '-quiet', '-servername', 'evvm-server.op.example'],
      `a1 LOGIN ${ALICE.mail} ${ALICE.password}\na2 SELECT INBOX\na3 LOGOUT\n`,
    );
    assert.match(r.stdout, /^a1 OK /m, r.stdout + r.stderr);
    assert.match(r.stdout, /^\* 1 EXISTS/m);
    assert.match(r.stdout, /^a3 OK LOGOUT completed/m);
  });
});
