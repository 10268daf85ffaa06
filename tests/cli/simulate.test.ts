import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import { simulate } from './cli';
import { curl as curlFetch, type Ready as ServerReady } from '../real-clients/tools';

const run = promisify(execFile);

interface Ready extends ServerReady {
  accounts: Array<{ identifiers: string[]; password: string; blocked: boolean }>;
}

/** curl, a real third-party IMAP client, fetching INBOX message 1; resolves with exit code and body. */
async function curl(ready: Ready, user: string, password: string, withCert: boolean): Promise<{ code: number; body: string }> {
  const r = await curlFetch({ ready, user, password, certificate: withCert ? { cert: ready.trust.clientCert, key: ready.trust.clientKey } : undefined });
  return { code: r.code, body: r.messages[0] ?? '' };
}

test('simulate evvm-server serves curl by each identifier, and refuses no certificate or a wrong password', async (t) => {
  try {
    await run('curl', ['--version']);
  } catch {
    t.skip('curl is not installed');
    return;
  }
  const { ready: raw, child } = await simulate('evvm-server');
  const ready = raw as unknown as Ready;
  try {
    assert.equal(ready.role, 'evvm-server');
    assert.equal(ready.ready, true);
    const alice = ready.accounts.find((a) => !a.blocked)!;
    for (const id of alice.identifiers) {
      const r = await curl(ready, id, alice.password, true);
      assert.equal(r.code, 0, `curl as ${id}`);
      assert.match(r.body, /^Message-ID: <vm-alice-/m, `curl as ${id} reads alice's voicemail`);
    }
    const noCert = await curl(ready, alice.identifiers[0]!, alice.password, false);
    assert.notEqual(noCert.code, 0, 'without a client certificate curl must not get in');
    const wrong = await curl(ready, alice.identifiers[0]!, alice.password + 'x', true);
    assert.notEqual(wrong.code, 0, 'with a wrong password curl must not get in');
    const health = (await (await fetch(`${ready.endpoints.control}/health`)).json()) as { ready: boolean };
    assert.equal(health.ready, true);
  } finally {
    child.kill('SIGTERM');
  }
});

test('openssl s_client logs in over STARTTLS with the printed CA and client certificate', async () => {
  const { ready: raw, child } = await simulate('evvm-server');
  const ready = raw as unknown as Ready;
  try {
    const alice = ready.accounts.find((a) => !a.blocked)!;
    const { spawn } = await import('node:child_process');
    const s = spawn('openssl', ['s_client', '-quiet', '-starttls', 'imap', '-connect', ready.endpoints.imap, '-CAfile', ready.trust.ca, '-cert', ready.trust.clientCert, '-key', ready.trust.clientKey, '-cert_chain', ready.trust.clientCert, '-servername', 'evvm-server.op.example', '-verify_return_error'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    s.stdout.on('data', (d: Buffer) => (out += d.toString()));
    s.stdin.write(`a LOGIN "${alice.identifiers[1]}" "${alice.password}"\r\nb SELECT INBOX\r\nc LOGOUT\r\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { s.kill(); resolve(); }, 10_000);
      s.on('close', () => { clearTimeout(timer); resolve(); });
    });
    assert.match(out, /^a OK/m, out);
    assert.match(out, /^b OK/m, out);
  } finally {
    child.kill('SIGTERM');
  }
});

test('the ready line names each demo secret by variable; the values are only in its 0600 secrets file', async () => {
  for (const role of ['evvm-server', 'message-storage', 'smsc', 'evvm-server-peer', 'evvm-server-sms']) {
    const { ready, child, line } = await simulate(role);
    try {
      const printed = JSON.parse(line) as { secrets?: string; accounts: Array<Record<string, unknown>> };
      assert.ok(printed.secrets, `${role}: the ready line names its secrets file`);
      assert.equal((await stat(printed.secrets).then((s) => s.mode)) & 0o777, 0o600, `${role}: the secrets file is mode 0600`);
      const values = (await readFile(printed.secrets, 'utf8')).split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('=') + 1));
      assert.ok(values.length > 0, `${role}: it holds the accounts' secrets`);
      for (const v of values) assert.ok(!line.includes(v), `${role}: a secret's value is printed in the ready line`);
      assert.ok(printed.accounts.every((a) => a.password === undefined), `${role}: no account shows a password`);
      // what the line names resolves to what the role serves (the helper reads the file as a user sourcing it would)
      assert.ok((ready.accounts as Array<Record<string, unknown>>).some((a) => typeof a.password === 'string' && values.includes(a.password)), role);
    } finally {
      child.kill('SIGTERM');
    }
  }
});
