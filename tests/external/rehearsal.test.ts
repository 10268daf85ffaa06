/**
 * `simulate ROLE --profile-out FILE` for the roles under test (SMTP and IMAP): the simulator stands in for a vendor's
 * implementation, and `run --profile FILE` (with FILE.env's variables) gives the embedded verdicts for that
 * role; with one of its faults on, the requirement it breaks does not pass. No secret of the profile, its
 * env file or the keys it names appears in any output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
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

interface Rehearsal {
  verdicts: Verdicts;
  out: string;
  printed: string;
  secrets: string[];
}

/**
 * `simulate ROLE --profile-out`, then `run --profile` of what it wrote. `faults` are switched on in the
 * simulator; `down` stops it before the run; `edit` changes the profile first (a vendor's omission).
 */
async function rehearse(role: string, tags: string, ids: readonly string[], name: string, how: { faults?: readonly string[]; down?: boolean; edit?: (profile: Record<string, unknown>) => void } = {}): Promise<Rehearsal> {
  const file = path.join(dir, `${name}.yaml`);
  const args = ['--profile-out', file];
  if (how.faults?.length) {
    await writeFile(path.join(dir, `${name}-config.yaml`), `faults: [${how.faults.join(', ')}]\n`);
    args.push('--config', path.join(dir, `${name}-config.yaml`));
  }
  const { child, ready } = await simulate(role, {}, args);
  const stopped = new Promise((resolve) => child.once('exit', resolve));
  try {
    const written = ready.profile as { profile: string; env: string };
    assert.equal(written.profile, file);
    assert.equal((await stat(written.env)).mode & 0o777, 0o600, 'the env file is private');
    const env = Object.fromEntries((await readFile(written.env, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const secrets = await secretsOf(file, env);
    if (how.edit) {
      const profile = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      how.edit(profile);
      await writeFile(file, stringify(profile));
    }
    if (how.down) {
      // the simulator removes its PKI when it stops: the run reads a copy of the files the profile names
      const pki = path.dirname((parse(await readFile(file, 'utf8')) as { iut: { trustAnchor: string } }).iut.trustAnchor);
      const kept = path.join(dir, `${name}-pki`);
      await cp(pki, kept, { recursive: true });
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll(pki, kept));
      child.kill('SIGTERM');
      await stopped;
    }
    const out = path.join(dir, `${name}-report`);
    const r = await runCli(['run', '--profile', file, '--tags', tags, '--out', out], env, 240_000);
    return { verdicts: await readVerdicts(out, r, ids), out, printed: r.stdout + r.stderr, secrets };
  } finally {
    child.kill('SIGTERM');
  }
}

/** No secret of the profile (its env file's values, its key files) in stdout, stderr or any file of the report. */
async function assertNoSecretPrinted(x: Rehearsal): Promise<void> {
  const everything = x.printed + (await allText(x.out));
  assert.ok(x.secrets.length > 0);
  for (const s of x.secrets) assert.ok(!everything.includes(s), 'a secret of the profile reached an output');
}

/** The role's requirements with the simulator as the IUT get the embedded verdicts (which pass), exit 0, and no secret is printed. */
async function sameAsEmbedded(role: string, ids: readonly string[], name: string): Promise<void> {
  const tags = ids.map((id) => `@${id}`).join(' or ');
  const embeddedOut = path.join(dir, `${name}-embedded`);
  const [embedded, x] = await Promise.all([runCli(['run', '--tags', tags, '--out', embeddedOut], {}, 240_000), rehearse(role, tags, ids, name)]);
  const e = await readVerdicts(embeddedOut, embedded, ids);
  for (const id of ids) assert.equal(e.verdicts[id], 'pass', `embedded ${id}\n${embedded.stdout}`);
  assert.deepEqual(x.verdicts.verdicts, e.verdicts, `${JSON.stringify(x.verdicts.reasons, null, 1)}\n${x.printed}`);
  assert.equal(x.verdicts.exit, 0, x.printed);
  await assertNoSecretPrinted(x);
}

/** Down: every requirement of the role inconclusive, exit 2, never a pass; and still no secret printed. */
async function downIsInconclusive(role: string, ids: readonly string[], name: string): Promise<void> {
  const x = await rehearse(role, ids.map((id) => `@${id}`).join(' or '), ids, name, { down: true });
  for (const id of ids) assert.equal(x.verdicts.verdicts[id], 'inconclusive', `${id}: ${x.verdicts.reasons[id]}\n${x.printed}`);
  assert.match(Object.values(x.verdicts.reasons).join('\n'), /unreachable/, x.printed);
  assert.equal(x.verdicts.exit, 2, x.printed);
  await assertNoSecretPrinted(x);
}

const FGW = ['EVVM-AUTH-06', 'STD-07'];

test('simulate forwarding-gateway --profile-out: run --profile gives the embedded verdict, and no secret is printed', () => sameAsEmbedded('forwarding-gateway', FGW, 'fgw'));

test('simulate forwarding-gateway with accept-without-client-cert on: EVVM-AUTH-06 does not pass', async () => {
  const x = await rehearse('forwarding-gateway', '@EVVM-AUTH-06', FGW, 'fgw-fault', { faults: ['forwarding-gateway:accept-without-client-cert'] });
  assert.equal(x.verdicts.verdicts['EVVM-AUTH-06'], 'warning', x.printed);
});

const NON_OMA = ['EVVM-AUTH-07', 'EVVM-IW-C02', 'STD-07'];
const PEER = ['EVVM-AUTH-08', 'EVVM-IW-C01', 'STD-07'];

test('simulate non-oma-vm --profile-out: run --profile gives the embedded verdicts, and no secret is printed', () => sameAsEmbedded('non-oma-vm', NON_OMA, 'non-oma'));

test('simulate non-oma-vm with skip-server-cert-check on: it is made to send to the impostor EVVM Server, and EVVM-AUTH-07 does not pass', async () => {
  const x = await rehearse('non-oma-vm', '@EVVM-AUTH-07', NON_OMA, 'non-oma-fault', { faults: ['non-oma-vm:skip-server-cert-check'] });
  assert.equal(x.verdicts.verdicts['EVVM-AUTH-07'], 'warning', x.printed);
  assert.match(x.verdicts.reasons['EVVM-AUTH-07'] ?? '', /ImpostorGotNothing/, x.printed);
});

test('simulate non-oma-vm with offer-legacy-tls on: made to send to a stand-in that speaks only TLS 1.0 or 1.1, it completes the handshake, and STD-07 fails', async () => {
  const x = await rehearse('non-oma-vm', '@STD-07', NON_OMA, 'non-oma-legacy', { faults: ['non-oma-vm:offer-legacy-tls'] });
  assert.equal(x.verdicts.verdicts['STD-07'], 'fail', x.printed);
  assert.match(x.verdicts.reasons['STD-07'] ?? '', /sends nothing to an EVVM Server that speaks only TLS 1\.[01]/, x.printed);
});

test('a Non-OMA VM Service under test without a send trigger: what it must send is inconclusive, never a pass', async () => {
  const x = await rehearse('non-oma-vm', '@EVVM-AUTH-07', NON_OMA, 'non-oma-no-send', { edit: (p) => delete (p.iut as Record<string, unknown>).send });
  assert.equal(x.verdicts.verdicts['EVVM-AUTH-07'], 'inconclusive', x.printed);
  assert.match(x.verdicts.reasons['EVVM-AUTH-07'] ?? '', /iut\.send\.command/, x.printed);
  assert.equal(x.verdicts.exit, 2, x.printed);
});

test('a Non-OMA VM Service under test that is down is inconclusive (exit 2)', () => downIsInconclusive('non-oma-vm', NON_OMA, 'non-oma-down'));

test('simulate evvm-server-peer --profile-out: run --profile gives the embedded verdicts, and no secret is printed', () => sameAsEmbedded('evvm-server-peer', PEER, 'peer'));

test('a peer EVVM Server under test that is down is inconclusive (exit 2)', () => downIsInconclusive('evvm-server-peer', PEER, 'peer-down'));

const MSS = ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'EVVM-AUTH-05', 'STD-02', 'STD-03', 'STD-06', 'STD-07'];
const EVVM_SERVER = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03', 'STD-04', 'STD-07', 'VVM-01', 'VVM-02', 'VVM-03', 'VVM-04', 'VVM-05', 'VVM-06'];

test('simulate message-storage --profile-out: run --profile gives the embedded verdicts (PSK-TLS and STD-06 included), and no secret is printed', async () => {
  await sameAsEmbedded('message-storage', MSS, 'message-storage');
});

test('simulate message-storage with accept-unknown-psk on: STD-06 and CPM-MS-AUTH-06 fail', async () => {
  const ids = ['STD-06', 'CPM-MS-AUTH-06'];
  const x = await rehearse('message-storage', ids.map((id) => `@${id}`).join(' or '), ids, 'mss-fault', { faults: ['message-storage:accept-unknown-psk'] });
  assert.deepEqual(x.verdicts.verdicts, { 'STD-06': 'fail', 'CPM-MS-AUTH-06': 'fail' }, x.printed);
  assert.equal(x.verdicts.exit, 1, x.printed);
});

test('simulate evvm-server --profile-out: run --profile gives the embedded verdicts (VVM-01..06 and STD-04 included), and no secret is printed', async () => {
  await sameAsEmbedded('evvm-server', EVVM_SERVER, 'evvm-server');
});

test('simulate evvm-server with generic-refusal-text and no-implicit-tls on: VVM-01 and STD-04 warn, EVVM-AUTH-01 still passes', async () => {
  const ids = ['VVM-01', 'STD-04', 'EVVM-AUTH-01'];
  const x = await rehearse('evvm-server', ids.map((id) => `@${id}`).join(' or '), ids, 'evvm-server-fault', { faults: ['evvm-server:generic-refusal-text', 'evvm-server:no-implicit-tls'] });
  assert.deepEqual(x.verdicts.verdicts, { 'VVM-01': 'warning', 'STD-04': 'warning', 'EVVM-AUTH-01': 'pass' }, JSON.stringify(x.verdicts.reasons, null, 1));
  assert.match(x.verdicts.reasons['STD-04'] ?? '', /offers no implicit TLS port/);
});

const IW = ['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01', 'EVVM-IW-C04'];

/** Each scenario's outcome and reason, by requirement, from a run's report. */
async function scenarioOutcomes(out: string): Promise<Array<{ id: string; name: string; outcome: string; reason: string }>> {
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as { requirements: Array<{ id: string; scenarios: Array<{ name: string; outcome: string; reason?: string }> }> };
  return report.requirements.filter((q) => q.id.startsWith('EVVM-')).flatMap((q) => q.scenarios.map((s) => ({ id: q.id, name: s.name, outcome: s.outcome, reason: s.reason ?? '' })));
}

test('simulate evvm-server-interworking --profile-out: run --profile gives the embedded verdicts (what it relays by its send trigger included), and no secret is printed', () => sameAsEmbedded('evvm-server-interworking', IW, 'iw'));

test('simulate evvm-server-interworking with peer-skip-server-cert-check and peer-plaintext-fallback on: made to relay, it reaches the impostors, and EVVM-AUTH-08 and EVVM-IW-C01 fail', async () => {
  const ids = ['EVVM-AUTH-08', 'EVVM-IW-C01'];
  const x = await rehearse('evvm-server-interworking', ids.map((id) => `@${id}`).join(' or '), ids, 'iw-relay-fault', { faults: ['evvm-server:peer-skip-server-cert-check', 'evvm-server:peer-plaintext-fallback'] });
  assert.deepEqual(x.verdicts.verdicts, { 'EVVM-AUTH-08': 'fail', 'EVVM-IW-C01': 'fail' }, x.printed);
  assert.match(x.verdicts.reasons['EVVM-AUTH-08'] ?? '', /ImpostorGotNothing: Impostor Peer EVVM Server received 1/, x.printed);
  const plaintext = (await scenarioOutcomes(x.out)).find((s) => s.name === 'A peer that does not offer STARTTLS gets no voicemail in plaintext');
  assert.equal(plaintext?.outcome, 'fail', JSON.stringify(plaintext));
  assert.equal(x.verdicts.exit, 1, x.printed);
});

test("an EVVM Server's interworking interfaces under test without a send trigger: what it must relay is inconclusive (never a pass), what it takes is judged, IW-C03 stays unjudged", async () => {
  const ids = [...IW, 'EVVM-IW-C03'];
  const x = await rehearse('evvm-server-interworking', ids.map((id) => `@${id}`).join(' or '), ids, 'iw-no-send', { edit: (p) => delete (p.iut as Record<string, unknown>).send });
  const scenarios = await scenarioOutcomes(x.out);
  const relaying = scenarios.filter((s) => s.outcome === 'inconclusive' && s.id !== 'EVVM-IW-C03');
  // per requirement: the positive relay and the impostors it must not reach (IW-C01: also the peer without STARTTLS)
  assert.deepEqual(['EVVM-AUTH-06', 'EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C01'].map((id) => relaying.filter((s) => s.id === id).length), [4, 4, 4, 3], JSON.stringify(scenarios, null, 1));
  for (const s of relaying) assert.match(s.reason, /iut\.send\.command/, s.name);
  assert.deepEqual(x.verdicts.verdicts, { 'EVVM-AUTH-06': 'inconclusive', 'EVVM-AUTH-07': 'inconclusive', 'EVVM-AUTH-08': 'inconclusive', 'EVVM-IW-C01': 'inconclusive', 'EVVM-IW-C03': 'inconclusive', 'EVVM-IW-C04': 'pass' }, x.printed);
  assert.match(x.verdicts.reasons['EVVM-IW-C03'] ?? '', /needs the copy the EVVM Server under test stored/, x.printed);
  assert.equal(x.verdicts.exit, 2, x.printed);
  await assertNoSecretPrinted(x);
});

test('simulate evvm-server-interworking with peer-accept-any-client, nonoma-accept-any-peer and open-relay on: EVVM-AUTH-08 and EVVM-IW-C04 fail, EVVM-AUTH-07 warns', async () => {
  const ids = ['EVVM-AUTH-07', 'EVVM-AUTH-08', 'EVVM-IW-C04'];
  const x = await rehearse('evvm-server-interworking', ids.map((id) => `@${id}`).join(' or '), ids, 'iw-fault', { faults: ['evvm-server:peer-accept-any-client', 'evvm-server:nonoma-accept-any-peer', 'evvm-server:open-relay'] });
  assert.deepEqual(x.verdicts.verdicts, { 'EVVM-AUTH-07': 'warning', 'EVVM-AUTH-08': 'fail', 'EVVM-IW-C04': 'fail' }, x.printed);
  assert.match(x.verdicts.reasons['EVVM-AUTH-08'] ?? '', /without a client certificate/, x.printed);
  assert.equal(x.verdicts.exit, 1, x.printed);
});

test("an EVVM Server's interworking interfaces under test that are down are inconclusive (exit 2)", () => downIsInconclusive('evvm-server-interworking', IW, 'iw-down'));
