/**
 * Independent peers against the Message Storage Server: openssl s_client over PSK-TLS (TLS 1.2 RFC 4279
 * suites and TLS 1.3 external PSK) and over STARTTLS with a client certificate, imapflow 2.1.2, curl.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { ALICE, PSK, SERVERNAME, startMss, type Mss } from './helpers';

let mss: Mss;
let dir: string;
const file = (name: string): string => join(dir, name);

before(async () => {
  mss = await startMss();
  dir = mkdtempSync(join(tmpdir(), 'mss-interop-'));
  const device = mss.pki.leaf('evvm-client');
  writeFileSync(file('ca.pem'), mss.pki.trustAnchorPem);
  writeFileSync(file('client.pem'), device.chainPem);
  writeFileSync(file('client.key'), device.keyPem, { mode: 0o600 });
});
after(async () => {
  await mss.server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], input: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    const timer = setTimeout(() => p.kill('SIGKILL'), 8000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout });
    });
    // s_client reads stdin as it comes: send the commands, then close after a beat
    p.stdin.write(input);
    setTimeout(() => p.stdin.end(), 300);
  });
}

const available = (cmd: string, arg = '--version'): Promise<boolean> => new Promise((resolve) => execFile(cmd, [arg], (err) => resolve(!err)));

describe('openssl s_client', () => {
  for (const version of ['-tls1_2', '-tls1_3'] as const) {
    it(`PSK-TLS ${version}: the provisioned identity and key, then LOGIN`, async (t) => {
      if (!(await available('openssl', 'version'))) return t.skip('openssl is not installed');
      const args = ['s_client', '-quiet', '-connect', `127.0.0.1:${mss.imaps}`, version, '-psk_identity', PSK.identity, '-psk', PSK.key.toString('hex'), ...(version === '-tls1_2' ? ['-cipher', 'PSK-AES128-GCM-SHA256'] : ['-ciphersuites', 'TLS_AES_128_GCM_SHA256'])];
      const r = await run('openssl', args, `a LOGIN "${ALICE.username}" "${ALICE.password}"\r\nb LOGOUT\r\n`);
      assert.match(r.stdout, /^\* OK /m, r.stdout);
      assert.match(r.stdout, /^a OK/m, r.stdout);
    });
  }

  it('PSK-TLS with a wrong key: no greeting', async (t) => {
    if (!(await available('openssl', 'version'))) return t.skip('openssl is not installed');
    const r = await run('openssl', ['s_client', '-quiet', '-connect', `127.0.0.1:${mss.imaps}`, '-tls1_2', '-psk_identity', PSK.identity, '-psk', '00'.repeat(32), '-cipher', 'PSK-AES128-GCM-SHA256'], 'a NOOP\r\n');
    assert.doesNotMatch(r.stdout, /^\* OK /m);
  });

  it('STARTTLS with the device certificate, then LOGIN', async (t) => {
    if (!(await available('openssl', 'version'))) return t.skip('openssl is not installed');
    const r = await run('openssl', ['s_client', '-quiet', '-starttls', 'imap', '-connect', `127.0.0.1:${mss.imap}`, '-CAfile', file('ca.pem'), '-cert', file('client.pem'), '-cert_chain', file('client.pem'), '-key', file('client.key'), '-servername', SERVERNAME, '-verify_return_error'], `a LOGIN "${ALICE.username}" "${ALICE.password}"\r\nb SELECT INBOX\r\nc LOGOUT\r\n`);
    assert.match(r.stdout, /^a OK/m, r.stdout);
    assert.match(r.stdout, /^b OK/m, r.stdout);
  });
});

describe('imapflow 2.1.2', () => {
  for (const mode of ['secure', 'doSTARTTLS'] as const) {
    it(`${mode} with the device certificate: LOGIN and APPEND`, async () => {
      const device = mss.pki.leaf('evvm-client');
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: mode === 'secure' ? mss.imaps : mss.imap,
        ...(mode === 'secure' ? { secure: true } : { secure: false, doSTARTTLS: true }),
        servername: SERVERNAME,
        tls: { ca: mss.pki.trustAnchorPem, cert: device.chainPem, key: device.keyPem },
        auth: { user: ALICE.username, pass: ALICE.password },
        logger: false,
      });
      await client.connect();
      try {
        const r = await client.append('INBOX', Buffer.from('Subject: hello\r\nMessage-ID: <imapflow@test>\r\n\r\nhi\r\n'));
        assert.ok(r && typeof r === 'object');
      } finally {
        await client.logout();
      }
      assert.ok(mss.server.messages(ALICE.username).length >= 1);
    });
  }

  it('without a client certificate it gets no session', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: mss.imaps, secure: true, servername: SERVERNAME, tls: { ca: mss.pki.trustAnchorPem }, auth: { user: ALICE.username, pass: ALICE.password }, logger: false });
    client.on('error', () => undefined);
    await assert.rejects(client.connect());
    client.close();
  });
});

describe('curl', () => {
  it('imaps with the device certificate reads the INBOX listing', async (t) => {
    if (!(await available('curl'))) return t.skip('curl is not installed');
    const r = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile('curl', ['-s', '--max-time', '8', '--resolve', `${SERVERNAME}:${mss.imaps}:127.0.0.1`, '--cacert', file('ca.pem'), '--cert', file('client.pem'), '--key', file('client.key'), '-u', `${ALICE.username}:${ALICE.password}`, `imaps://${SERVERNAME}:${mss.imaps}/`], (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    assert.equal(r.code, 0);
    assert.match(r.stdout, /INBOX/);
  });
});
