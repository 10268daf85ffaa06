/**
 * `simulate ROLE --profile-out FILE` for the roles under test (SMTP and IMAP): the simulator stands in for a vendor's
 * implementation, and `run --profile FILE` (with FILE.env's variables) gives the embedded verdicts for that
 * role; with one of its faults on, the requirement it breaks does not pass. No secret of the profile, its
 * env file or the keys it names appears in any output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { simulate } from '../cli/cli';
import { readVerdicts, runCli, type Verdicts } from './helpers';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-rehearsal-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every file under a folder, as text. */
async function allText(root: string): Promise<string> {
  const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return (await Promise.all(files.map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')))).join('\n');
}

/** What must never be printed: the env file's values and the body of every key file the profile names. */
async function secretsOf(profileFile: string, env: Record<string, string>): Promise<string[]> {
  const keys: string[] = [];
  const walk = (v: unknown, field = ''): void => {
    if (typeof v === 'string' && field === 'key') keys.push(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(parse(await readFile(profileFile, 'utf8')));
  // a line from the middle of each PEM key: any copy of the key would carry it
  const bodies = await Promise.all(keys.map(async (k) => (await readFile(k, 'utf8')).split('\n').filter((l) => l && !l.startsWith('-----'))[1]!));
  return [...Object.values(env), ...bodies];
}

async function rehearse(role: string, tags: string, ids: readonly string[], name: string, faults: readonly string[] = []): Promise<{ verdicts: Verdicts; out: string; printed: string; secrets: string[] }> {
  const file = path.join(dir, `${name}.yaml`);
  const args = ['--profile-out', file];
  if (faults.length) {
    await writeFile(path.join(dir, `${name}-config.yaml`), `faults: [${faults.join(', ')}]\n`);
    args.push('--config', path.join(dir, `${name}-config.yaml`));
  }
  const { child, ready } = await simulate(role, {}, args);
  try {
    const written = ready.profile as { profile: string; env: string };
    assert.equal(written.profile, file);
    assert.equal((await stat(written.env)).mode & 0o777, 0o600, 'the env file is private');
    const env = Object.fromEntries((await readFile(written.env, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const out = path.join(dir, `${name}-report`);
    const r = await runCli(['run', '--profile', file, '--tags', tags, '--out', out], env, 240_000);
    return { verdicts: await readVerdicts(out, r, ids), out, printed: r.stdout + r.stderr, secrets: await secretsOf(file, env) };
  } finally {
    child.kill('SIGTERM');
  }
}

const FGW = ['EVVM-AUTH-06'];

test('simulate forwarding-gateway --profile-out: run --profile gives the embedded verdict, and no secret is printed', async () => {
  const embeddedOut = path.join(dir, 'fgw-embedded');
  const [embedded, x] = await Promise.all([runCli(['run', '--tags', '@EVVM-AUTH-06', '--out', embeddedOut]), rehearse('forwarding-gateway', '@EVVM-AUTH-06', FGW, 'fgw')]);
  const e = await readVerdicts(embeddedOut, embedded, FGW);
  assert.equal(e.verdicts['EVVM-AUTH-06'], 'pass', embedded.stdout);
  assert.deepEqual(x.verdicts.verdicts, e.verdicts, x.printed);
  assert.equal(x.verdicts.exit, 0, x.printed);
  const everything = x.printed + (await allText(x.out));
  assert.ok(x.secrets.length > 0);
  for (const s of x.secrets) assert.ok(!everything.includes(s), 'a secret of the profile reached an output');
});

test('simulate forwarding-gateway with accept-without-client-cert on: EVVM-AUTH-06 does not pass', async () => {
  const x = await rehearse('forwarding-gateway', '@EVVM-AUTH-06', FGW, 'fgw-fault', ['forwarding-gateway:accept-without-client-cert']);
  assert.equal(x.verdicts.verdicts['EVVM-AUTH-06'], 'warning', x.printed);
});

/** Each IMAP role's rehearsal against an embedded run of the same tags: the same verdicts, no secret printed. */
async function sameAsEmbedded(role: string, ids: readonly string[]): Promise<void> {
  const tags = ids.map((id) => `@${id}`).join(' or ');
  const embeddedOut = path.join(dir, `${role}-embedded`);
  const [embedded, x] = await Promise.all([runCli(['run', '--tags', tags, '--out', embeddedOut], {}, 240_000), rehearse(role, tags, ids, role)]);
  const e = await readVerdicts(embeddedOut, embedded, ids);
  for (const id of ids) assert.equal(e.verdicts[id], 'pass', `embedded ${id}\n${embedded.stdout}`);
  assert.deepEqual(x.verdicts.verdicts, e.verdicts, `${JSON.stringify(x.verdicts.reasons, null, 1)}\n${x.printed}`);
  assert.equal(x.verdicts.exit, 0, x.printed);
  const everything = x.printed + (await allText(x.out));
  assert.ok(x.secrets.length > 0);
  for (const s of x.secrets) assert.ok(!everything.includes(s), 'a secret of the profile reached an output');
}

const MSS = ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'EVVM-AUTH-05', 'STD-02', 'STD-03', 'STD-06', 'STD-07'];
const EVVM_SERVER = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03', 'STD-04', 'STD-07', 'VVM-01', 'VVM-02', 'VVM-03', 'VVM-04', 'VVM-05', 'VVM-06'];

test('simulate message-storage --profile-out: run --profile gives the embedded verdicts (PSK-TLS and STD-06 included), and no secret is printed', async () => {
  await sameAsEmbedded('message-storage', MSS);
});

test('simulate message-storage with accept-unknown-psk on: STD-06 and CPM-MS-AUTH-06 fail', async () => {
  const ids = ['STD-06', 'CPM-MS-AUTH-06'];
  const x = await rehearse('message-storage', ids.map((id) => `@${id}`).join(' or '), ids, 'mss-fault', ['message-storage:accept-unknown-psk']);
  assert.deepEqual(x.verdicts.verdicts, { 'STD-06': 'fail', 'CPM-MS-AUTH-06': 'fail' }, x.printed);
  assert.equal(x.verdicts.exit, 1, x.printed);
});

test('simulate evvm-server --profile-out: run --profile gives the embedded verdicts (VVM-01..06 and STD-04 included), and no secret is printed', async () => {
  await sameAsEmbedded('evvm-server', EVVM_SERVER);
});

test('simulate evvm-server with generic-refusal-text and no-implicit-tls on: VVM-01 and STD-04 warn, EVVM-AUTH-01 still passes', async () => {
  const ids = ['VVM-01', 'STD-04', 'EVVM-AUTH-01'];
  const x = await rehearse('evvm-server', ids.map((id) => `@${id}`).join(' or '), ids, 'evvm-server-fault', ['evvm-server:generic-refusal-text', 'evvm-server:no-implicit-tls']);
  assert.deepEqual(x.verdicts.verdicts, { 'VVM-01': 'warning', 'STD-04': 'warning', 'EVVM-AUTH-01': 'pass' }, JSON.stringify(x.verdicts.reasons, null, 1));
  assert.match(x.verdicts.reasons['STD-04'] ?? '', /offers no implicit TLS port/);
});
