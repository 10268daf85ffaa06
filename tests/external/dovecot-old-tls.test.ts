/**
 * STD-07 (RFC 8996) on an independent implementation: Debian's dovecot as the IUT, in both IMAP roles
 * (Message Storage Server and EVVM Server), TLS and client certificates required. With
 * `ssl_min_protocol = TLSv1` (and the security level an admin must lower with it, see dovecot.ts) it
 * completes TLS 1.0 and 1.1 handshakes and must fail STD-07; the harness's
 * earlier TLS requirements alone let it through (shown below). With the default minimum it passes.
 * Dovecot runs as root behind the PROXY-protocol front of dovecot.ts; skipped, with the reason, without it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { DOVECOT, dovecotWorkspace, startDovecot, stopAllDovecots, type DovecotOptions } from './dovecot';
import { runCli, writeIutProfile, type CliResult } from './helpers';

const SKIP = DOVECOT ? false : 'dovecot is not installed (apt-get install dovecot-imapd); the external-IUT interop tests need it';
const SKIP_ROOT = SKIP || (process.getuid?.() === 0 ? false : 'dovecot must be started as root for these tests (it drops to its own users)');

type Role = 'message-storage' | 'evvm-server';
type MinProtocol = NonNullable<DovecotOptions['sslMinProtocol']>;
interface Outcome {
  exit: number | null;
  verdicts: Record<string, { verdict: string; reason: string }>;
  output: string;
}

let dir: string;
let pki: TestPki;
let pkiDir: string;
let remove: (() => Promise<void>) | undefined;
const pw = (): string => randomBytes(12).toString('base64url');
/** A Message-ID only that user's INBOX holds: the profile names it, so a login proves whose mailbox opened. */
const markerId = (name: string): string => `<marker-${name}-${randomBytes(6).toString('hex')}@dovecot.test>`;
const users = [
  { name: 'alice', username: 'alice@op.example', msisdn: 'tel:+15550001', password: pw(), messageId: markerId('alice') },
  { name: 'bob', username: 'bob@op.example', msisdn: 'tel:+15550002', password: pw(), messageId: markerId('bob') },
];
const markers = Object.fromEntries(
  users.map((u) => [u.username, [Buffer.from([`To: ${u.username}`, 'From: tel:+15557777', 'Subject: marker', `Message-ID: ${u.messageId}`, '', 'A marker.', ''].join('\r\n'))]]),
);

before(async () => {
  if (SKIP_ROOT) return;
  ({ dir, pki, pkiDir, remove } = await dovecotWorkspace('evvm-dovecot-tls-'));
  startRuns();
});

after(async () => {
  await stopAllDovecots();
  await remove?.();
});

/** The profile a vendor writes for dovecot in `role`; secrets go to the environment. */
async function profile(role: Role, name: string, ports: { imaps?: number | undefined; imap: number }): Promise<{ file: string; env: Record<string, string> }> {
  const file = path.join(dir, `${name}.yaml`);
  const clientCertificate = { cert: path.join(pkiDir, 'evvm-client.crt'), key: path.join(pkiDir, 'evvm-client.key') };
  if (role === 'message-storage') {
    const env = await writeIutProfile({
      file,
      host: '127.0.0.1',
      servername: 'message-storage.op.example',
      ports,
      trustAnchor: path.join(pkiDir, 'ca.pem'),
      clientCertificate,
      policy: { requireTls: true, clientCertificate: 'required' },
      capabilities: { transports: ['implicit-tls', 'starttls'], sasl: ['PLAIN', 'LOGIN'], loginCommand: true, pskTls: [], preconfiguredPassword: false },
      accounts: users.map((u) => ({ name: u.name, username: u.username, password: u.password, messageId: u.messageId })),
    });
    return { file, env };
  }
  const env: Record<string, string> = {};
  const accounts = users.map((u) => {
    env[`DOVECOT_${u.name.toUpperCase()}`] = u.password;
    return { name: u.name, identifiers: { MSISDN: u.msisdn, 'SIP URI': `sip:${u.username}`, 'e-mail alias': u.username }, passwordEnv: `DOVECOT_${u.name.toUpperCase()}`, blocked: false, messageId: u.messageId };
  });
  await writeFile(
    file,
    stringify({
      name: `dovecot-${name}`,
      iut: { role, host: '127.0.0.1', servername: 'evvm-server.op.example', ports, trustAnchor: path.join(pkiDir, 'ca.pem'), clientCertificate, accounts },
    }),
  );
  return { file, env };
}

/** `name` stays short: dovecot's unix socket paths under it have a length limit */
async function certify(name: string, role: Role, sslMinProtocol: MinProtocol, tags: string): Promise<Outcome> {
  const leaf = pki.leaf(role);
  const dovecot = await startDovecot({
    dir: path.join(dir, name),
    serverChainPem: leaf.chainPem,
    serverKeyPem: leaf.keyPem,
    clientCaPem: [pki.trustAnchorPem, ...pki.crls].join('\n'),
    users: users.map((u) => ({ username: u.username, password: u.password })),
    messages: markers,
    ssl: 'required',
    disablePlaintextAuth: true,
    requireClientCert: true,
    sslMinProtocol,
  });
  try {
    const { file, env } = await profile(role, name, { imaps: dovecot.imaps, imap: dovecot.imap });
    const out = path.join(dir, `${name}-report`);
    const r: CliResult = await runCli(['run', '--profile', file, '--tags', tags, '--out', out], env, 240_000);
    const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as { requirements: Array<{ id: string; verdict: string; reason: string }> };
    return { exit: r.code, verdicts: Object.fromEntries(report.requirements.map((q) => [q.id, { verdict: q.verdict, reason: q.reason }])), output: r.stdout + r.stderr };
  } finally {
    await dovecot.stop();
  }
}

const EARLIER_TLS = '@CPM-MS-AUTH-05 or @STD-02 or @STD-03';

/** Two certifications at a time: five at once on a small machine push steps past cucumber's step timeout. */
function twoAtATime(): (job: () => Promise<Outcome>) => Promise<Outcome> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

let runs: Record<'oldMss' | 'oldEvvm' | 'defaultMss' | 'defaultEvvm' | 'oldMssEarlier', Promise<Outcome>>;
function startRuns(): void {
  const queue = twoAtATime();
  runs = {
    oldMss: queue(() => certify('old-mss', 'message-storage', 'TLSv1', '@STD-07')),
    oldEvvm: queue(() => certify('old-evvm', 'evvm-server', 'TLSv1', '@STD-07')),
    defaultMss: queue(() => certify('mss', 'message-storage', 'TLSv1.2', '@STD-07')),
    defaultEvvm: queue(() => certify('evvm', 'evvm-server', 'TLSv1.2', '@STD-07')),
    oldMssEarlier: queue(() => certify('old-mss-earlier', 'message-storage', 'TLSv1', EARLIER_TLS)),
  };
  // the tests await them; an early failure must not become an unhandled rejection meanwhile
  for (const p of Object.values(runs)) p.catch(() => undefined);
}

test('without STD-07 a dovecot with ssl_min_protocol = TLSv1 passed every TLS requirement (the false pass)', { skip: SKIP_ROOT }, async () => {
  const v = await runs.oldMssEarlier;
  assert.equal(v.exit, 0, v.output);
  for (const id of ['CPM-MS-AUTH-05', 'STD-02', 'STD-03']) assert.equal(v.verdicts[id]?.verdict, 'pass', `${id}\n${v.output}`);
});

for (const [key, role] of [['oldMss', 'message-storage'], ['oldEvvm', 'evvm-server']] as const) {
  test(`a dovecot ${role} with ssl_min_protocol = TLSv1 fails STD-07`, { skip: SKIP_ROOT }, async () => {
    const v = await runs[key];
    assert.equal(v.exit, 1, v.output);
    assert.equal(v.verdicts['STD-07']?.verdict, 'fail', v.output);
    assert.match(v.verdicts['STD-07']!.reason, /TLSv1(\.1)? handshake completed|legacy-handshake-refused/, v.verdicts['STD-07']!.reason);
  });
}

for (const [key, role] of [['defaultMss', 'message-storage'], ['defaultEvvm', 'evvm-server']] as const) {
  test(`a dovecot ${role} with the default minimum passes STD-07`, { skip: SKIP_ROOT }, async () => {
    const v = await runs[key];
    assert.equal(v.verdicts['STD-07']?.verdict, 'pass', `${v.verdicts['STD-07']?.reason}\n${v.output}`);
    assert.equal(v.exit, 0, v.output);
  });
}
