/**
 * STD-07 (RFC 8996) judged by an independent client: `openssl s_client -tls1` and `-tls1_1` (security
 * level 0, so that OpenSSL offers them at all) against `simulate evvm-server`, on implicit TLS and on
 * STARTTLS. Refused: no session and no IMAP greeting inside TLS; `-tls1_2` gets both. With the fault
 * evvm-server:accept-legacy-tls switched on through the control API the same probe gets a TLS 1.0 session,
 * so the probe can tell the two apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { simulate } from './cli';
import { skipWithoutOpenssl } from '../pki/openssl-cli';

interface Ready {
  endpoints: { imaps: string; imap: string; control: string };
  trust: { ca: string; clientCert: string; clientKey: string };
}

type Flag = '-tls1' | '-tls1_1' | '-tls1_2';

/** One s_client session offering one version: the version of its session, and whether the server answered inside it. */
function sClient(ready: Ready, flag: Flag, transport: 'implicit' | 'starttls'): Promise<{ session: string | undefined; greeting: boolean; output: string }> {
  const args = [
    's_client',
    flag,
    '-cipher',
    'DEFAULT@SECLEVEL=0',
    '-connect',
    transport === 'implicit' ? ready.endpoints.imaps : ready.endpoints.imap,
    ...(transport === 'starttls' ? ['-starttls', 'imap'] : []),
    '-CAfile',
    ready.trust.ca,
    '-cert',
    ready.trust.clientCert,
    '-key',
    ready.trust.clientKey,
    '-cert_chain',
    ready.trust.clientCert,
    // wait for the server's answer (LOGOUT closes the session) instead of leaving at the end of stdin
    '-ign_eof',
    '-servername',
    'evvm-server.op.example',
  ];
  return new Promise((resolve) => {
    const s = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    s.stdout.on('data', (d: Buffer) => (output += d.toString()));
    s.stderr.on('data', (d: Buffer) => (output += d.toString()));
    s.stdin.end('a NOOP\r\nb LOGOUT\r\n');
    const timer = setTimeout(() => s.kill(), 10_000);
    s.on('close', () => {
      clearTimeout(timer);
      // "New, TLSv1, Cipher is …" for a session, "New, (NONE), Cipher is (NONE)" for none
      const session = /^New, (TLSv[\d.]+), Cipher is/m.exec(output)?.[1];
      // on STARTTLS the clear-text greeting comes before the handshake: only what follows the session counts
      const inside = output.slice(output.indexOf('---\nNew,') >= 0 ? output.indexOf('---\nNew,') : output.length);
      resolve({ session, greeting: /^(\* (OK|BYE|PREAUTH)|a (OK|NO|BAD))/m.test(inside), output });
    });
  });
}

test('openssl s_client offering only TLS 1.0 or 1.1 gets no session from simulate evvm-server; TLS 1.2 does', { skip: skipWithoutOpenssl }, async () => {
  const { ready: raw, child } = await simulate('evvm-server');
  const ready = raw as unknown as Ready;
  try {
    for (const transport of ['implicit', 'starttls'] as const) {
      for (const flag of ['-tls1', '-tls1_1'] as const) {
        const r = await sClient(ready, flag, transport);
        assert.equal(r.session, undefined, `${flag} over ${transport}: a session\n${r.output}`);
        assert.equal(r.greeting, false, `${flag} over ${transport}: the server spoke inside TLS\n${r.output}`);
      }
      const ok = await sClient(ready, '-tls1_2', transport);
      assert.equal(ok.session, 'TLSv1.2', `-tls1_2 over ${transport}\n${ok.output}`);
      assert.equal(ok.greeting, true, `-tls1_2 over ${transport}: no answer inside TLS\n${ok.output}`);
    }
    // the same probe tells a violation apart: with the fault on, TLS 1.0 completes
    const res = await fetch(`${ready.endpoints.control}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: 'evvm-server:accept-legacy-tls', on: true }) });
    assert.equal(res.status, 200, await res.text());
    const faulty = await sClient(ready, '-tls1', 'implicit');
    assert.equal(faulty.session, 'TLSv1.0', faulty.output); // s_client's name for TLS 1.0
    assert.equal(faulty.greeting, true, faulty.output);
  } finally {
    child.kill('SIGTERM');
  }
});
