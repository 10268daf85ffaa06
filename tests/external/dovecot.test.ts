/**
 * The external mode certifies any standards-conformant IMAP server, not only ours: Debian's dovecot as a
 * Message Storage Server, configured correctly (TLS required, client certificates required) is judged
 * conformant on what it declares; misconfigured (plaintext LOGIN allowed; no client certificate) it is
 * flagged. Skipped, with the reason, when dovecot is not installed (apt-get install dovecot-imapd).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateTestPki, DEFAULT_LEAVES, writePki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { DOVECOT, startDovecot, stopAllDovecots, type DovecotOptions, type RunningDovecot } from './dovecot';
import { MSS_TAGS, readVerdicts, runCli, writeIutProfile, type IutAccountSpec, type Verdicts } from './helpers';

const SKIP = DOVECOT ? false : 'dovecot is not installed (apt-get install dovecot-imapd); the external-IUT interop tests need it';
const root = process.getuid?.() === 0;
const SKIP_ROOT = SKIP || (root ? false : 'dovecot must be started as root for these tests (it drops to its own users)');

let dir: string;
let pki: TestPki;
let pkiDir: string;
const pw = (): string => randomBytes(12).toString('base64url');
const accounts: IutAccountSpec[] = [
  { name: 'alice', username: 'alice@op.example', password: pw(), tuiPin: '48213377', sip: { uri: 'sip:alice@op.example', password: pw() } },
  { name: 'bob', username: 'bob@op.example', password: pw() },
  { name: 'dave', username: 'dave@op.example', password: pw(), preconfigured: true },
  { name: 'erin', username: 'erin@op.example', password: pw(), preconfigured: true },
];

before(async () => {
  if (SKIP_ROOT) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-dovecot-'));
  await chmod(dir, 0o755); // dovecot's own users (dovenull, dovecot) must traverse it
  // a PKI of the IUT's own (not the harness's): the profile names its CA and client certificate
  pki = await generateTestPki({ leaves: DEFAULT_LEAVES });
  pkiDir = path.join(dir, 'pki');
  await writePki(pki, pkiDir, { includeKeys: true });
  startRuns();
});

after(async () => {
  await stopAllDovecots();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function certify(
  name: string,
  config: Omit<DovecotOptions, 'dir' | 'serverChainPem' | 'serverKeyPem' | 'clientCaPem' | 'users'>,
  policy: { requireTls: boolean; clientCertificate: 'required' | 'optional' },
  requirements?: string[],
): Promise<Verdicts> {
  const leaf = pki.leaf('message-storage');
  let dovecot: RunningDovecot | undefined;
  try {
    dovecot = await startDovecot({
      dir: path.join(dir, name),
      serverChainPem: leaf.chainPem,
      serverKeyPem: leaf.keyPem,
      clientCaPem: [pki.trustAnchorPem, ...pki.crls].join('\n'),
      users: accounts.map((a) => ({ username: a.username, password: a.password })),
      ...config,
    });
    const file = path.join(dir, `${name}.yaml`);
    const env = await writeIutProfile({
      file,
      host: '127.0.0.1',
      servername: 'message-storage.op.example',
      ports: { imaps: dovecot.imaps, imap: dovecot.imap },
      trustAnchor: path.join(pkiDir, 'ca.pem'),
      clientCertificate: { cert: path.join(pkiDir, 'evvm-client.crt'), key: path.join(pkiDir, 'evvm-client.key') },
      policy,
      capabilities: { transports: ['implicit-tls', 'starttls'], sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256'], loginCommand: true, pskTls: [], preconfiguredPassword: true },
      accounts,
    });
    const out = path.join(dir, `${name}-report`);
    const tags = requirements ? requirements.map((id) => `@${id}`).join(' or ') : MSS_TAGS;
    const r = await runCli(['run', '--profile', file, '--tags', tags, '--out', out], env);
    return { ...(await readVerdicts(out, r)), summary: r.stdout + r.stderr };
  } finally {
    await dovecot?.stop();
  }
}

// The three certifications run side by side (separate dovecot instances and CLI runs): seconds, not minutes.
let runs: Record<'conformant' | 'plaintext' | 'noClientCert', Promise<Verdicts>>;
function startRuns(): void {
  runs = {
    conformant: certify('conformant', { ssl: 'required', disablePlaintextAuth: true, requireClientCert: true }, { requireTls: true, clientCertificate: 'required' }),
    // TLS offered but optional, plaintext LOGIN allowed, while the service provider's policy requires TLS
    plaintext: certify('plaintext', { ssl: 'yes', disablePlaintextAuth: false, requireClientCert: false }, { requireTls: true, clientCertificate: 'optional' }, ['STD-02', 'STD-03', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-05']),
    // TLS required, but no client certificate asked for, while the policy requires one
    noClientCert: certify('no-client-cert', { ssl: 'required', disablePlaintextAuth: true, requireClientCert: false }, { requireTls: true, clientCertificate: 'required' }, ['STD-03', 'CPM-MS-AUTH-05', 'EVVM-AUTH-05']),
  };
  // the tests await them; an early failure must not become an unhandled rejection meanwhile
  for (const p of Object.values(runs)) p.catch(() => undefined);
}

test('a correctly configured dovecot is conformant on everything it declares', { skip: SKIP_ROOT }, async () => {
  const v = await runs.conformant;
  assert.equal(v.exit, 0, v.summary);
  for (const id of ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'EVVM-AUTH-05', 'STD-02', 'STD-03']) {
    assert.equal(v.verdicts[id], 'pass', `${id}\n${v.summary}`);
  }
  // dovecot declares no PSK-TLS: excluded by the declaration, with the reason, never a pass
  assert.equal(v.verdicts['CPM-MS-AUTH-06'], 'not-applicable', v.summary);
});

test('a dovecot that accepts plaintext LOGIN without TLS is flagged', { skip: SKIP_ROOT }, async () => {
  const v = await runs.plaintext;
  assert.equal(v.exit, 1, v.summary);
  for (const id of ['STD-02', 'STD-03', 'CPM-MS-AUTH-05']) assert.equal(v.verdicts[id], 'fail', `${id}\n${v.summary}`);
  assert.equal(v.verdicts['CPM-MS-AUTH-02'], 'pass', v.summary);
});

test('a dovecot that lets a client in without the certificate the policy requires is flagged', { skip: SKIP_ROOT }, async () => {
  const v = await runs.noClientCert;
  assert.equal(v.exit, 1, v.summary);
  assert.equal(v.verdicts['CPM-MS-AUTH-05'], 'fail', v.summary);
  // "expected" mutual authentication: a warning, not a fail
  assert.equal(v.verdicts['EVVM-AUTH-05'], 'warning', v.summary);
  assert.equal(v.verdicts['STD-03'], 'pass', v.summary);
});
