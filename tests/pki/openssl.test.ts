/**
 * OpenSSL as the independent oracle: `openssl verify` accepts the good leaves and rejects each bad
 * twin for its own reason, and accepts it when that one check is left out (exactly one flaw).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LEAVES, sharedTestPki, writePki } from '../../simulators/crypto/pki';
import { skipWithoutOpenssl as skip } from './openssl-cli';

let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-pki-openssl-'));
  await writePki(await sharedTestPki(), dir, { includeKeys: false });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Verdict {
  ok: boolean;
  output: string;
}

/** `openssl verify -CAfile ca.pem -untrusted intermediate.pem [args] files`; resolves whatever the outcome. */
function verify(args: string[], files: string[], caFile = 'ca.pem'): Promise<Verdict> {
  return new Promise((resolve) => {
    execFile(
      'openssl',
      ['verify', '-CAfile', caFile, '-untrusted', 'intermediate.pem', ...args, ...files],
      { cwd: dir, timeout: 10_000 },
      (error, stdout, stderr) => resolve({ ok: error === null, output: `${stdout}${stderr}` }),
    );
  });
}

const servers = DEFAULT_LEAVES.filter((s) => s.usage === 'server').map((s) => `${s.name}.crt`);
const clients = DEFAULT_LEAVES.filter((s) => s.usage === 'client').map((s) => `${s.name}.crt`);
const CRL = ['-crl_check_all', '-CRLfile', 'crl.pem'];

test('good leaves verify with purpose, CRLs of root and issuing CA, and names', { skip }, async () => {
  const [s, s2, c, e] = await Promise.all([
    verify(['-purpose', 'sslserver', ...CRL, '-verify_ip', '127.0.0.1'], servers),
    verify(['-purpose', 'sslserver', ...CRL, '-verify_hostname', 'evvm-server.op.example'], ['evvm-server.crt']),
    verify(['-purpose', 'sslclient', ...CRL], clients),
    verify(['-purpose', 'sslclient', '-verify_email', 'alice@op.example'], ['evvm-client.crt']),
  ]);
  for (const v of [s, s2, c, e]) assert.ok(v.ok, v.output);
  for (const file of [...servers, ...clients]) assert.match(s.output + c.output, new RegExp(`^${file}: OK$`, 'm'));
});

/** For each flaw: the check that catches it, the reason OpenSSL gives, and a control run without that check. */
const CASES = [
  { flaw: 'untrusted-ca', args: [], reason: /error 20 at 0 depth lookup: unable to get local issuer certificate/ },
  { flaw: 'expired', args: [], reason: /error 10 at 0 depth lookup: certificate has expired/ },
  { flaw: 'not-yet-valid', args: [], reason: /error 9 at 0 depth lookup: certificate is not yet valid/ },
  { flaw: 'revoked', args: CRL, reason: /error 23 at 0 depth lookup: certificate revoked/, control: [] },
] as const;

for (const leaf of ['evvm-server', 'evvm-client']) {
  const purpose = leaf === 'evvm-server' ? 'sslserver' : 'sslclient';
  test(`${leaf}: each bad twin is rejected for its own reason`, { skip }, async () => {
    const file = (flaw: string): string => `bad/${leaf}.${flaw}.crt`;
    const checks: { flaw: string; args: readonly string[]; reason: RegExp; control?: readonly string[] }[] = [
      ...CASES,
      { flaw: 'wrong-eku', args: ['-purpose', purpose], reason: /error 26 at 0 depth lookup: unsuitable certificate purpose/, control: [] },
      leaf === 'evvm-server'
        ? { flaw: 'wrong-host', args: ['-verify_hostname', 'evvm-server.op.example'], reason: /error 62 at 0 depth lookup: hostname mismatch/, control: [] }
        : { flaw: 'wrong-host', args: ['-verify_email', 'alice@op.example'], reason: /error 63 at 0 depth lookup: email address mismatch/, control: [] },
    ];
    await Promise.all(
      checks.map(async ({ flaw, args, reason, control }) => {
        const rejected = await verify([...args], [file(flaw)]);
        assert.ok(!rejected.ok, `${flaw} accepted: ${rejected.output}`);
        assert.match(rejected.output, reason, flaw);
        if (control) {
          const accepted = await verify([...control], [file(flaw)]);
          assert.ok(accepted.ok, `${flaw} has a second flaw: ${accepted.output}`);
        }
      }),
    );
    // The rogue hierarchy is self-contained: its own root accepts the untrusted-ca twin.
    const rogue = await verify(['-purpose', purpose], [file('untrusted-ca')], 'untrusted-ca.pem');
    assert.ok(rogue.ok, rogue.output);
  });
}
