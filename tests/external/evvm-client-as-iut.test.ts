/**
 * An EVVM Client as the IUT (iut.role: evvm-client): the harness plays the EVVM Server and the rogue
 * servers, makes the client act by its trigger, and judges on the wire what reached which server.
 * Debian's curl is the client under test both ways (verification on: EVVM-AUTH-03 passes; --insecure: it
 * fails, naming the rogue server that got the credential); `simulate evvm-client --profile-out` is our own
 * client standing in for a vendor's, with the embedded verdicts; a client that never connects is
 * inconclusive (exit 2); no password the trigger was handed appears in any output. Offered implicit TLS and
 * STARTTLS (trigger.offered), curl picking STARTTLS gets a warning on STD-04, picking implicit TLS a pass.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { missing } from '../real-clients/tools';
import { EvvmClientIutSchema } from '../../harness/profile/sections/iut/evvm-client';
import { everything, profileOut, readVerdicts, runCli } from './helpers';

const CLIENT_REQUIREMENTS = ['EVVM-AUTH-03', 'STD-02'];
const TAGS = '@EVVM-AUTH-03 or @STD-02';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-client-iut-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** curl fetching alice's voicemail over IMAP (or what `url` names), trusting the {trustAnchor} the harness hands it and presenting its client certificate. */
const curl = (extra: string[], url = 'INBOX;UID=1'): string[] => [
  'curl', '-sS', '--max-time', '10', '--ssl-reqd', ...extra,
  '--cacert', '{trustAnchor}', '--cert', '{clientCert}', '--key', '{clientKey}',
  '--connect-to', '{servername}:{port}:{host}:{port}',
  `{scheme}://{usernameUrl}:{passwordUrl}@{servername}:{port}/${url}`,
];

async function clientProfile(name: string, trigger: Record<string, unknown>, timeoutMs = 15_000, extra: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, stringify({ name, iut: { role: 'evvm-client', implementation: name, trigger, timeoutMs, ...extra } }));
  return file;
}

/** Every file a run wrote, as text, with its stdout and stderr. */
test('curl verifying the server: EVVM-AUTH-03 passes, and no password it was handed appears in any output', { timeout: 240_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  // the trigger also notes the password the harness handed curl, so the test knows what must not leak
  const handed = path.join(dir, 'handed-passwords');
  const profile = await clientProfile('curl', { command: ['sh', '-c', 'printf "%s\\n" "$1" >> "$0"; shift 2; exec "$@"', handed, '{password}', '--', ...curl([])] });
  const out = path.join(dir, 'curl-verifying');
  const r = await runCli(['run', '--profile', profile, '--tags', TAGS, '--out', out], {}, 200_000);
  const v = await readVerdicts(out, r, CLIENT_REQUIREMENTS);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'pass', v.reasons['EVVM-AUTH-03']);
  assert.equal(v.verdicts['STD-02'], 'pass', v.reasons['STD-02']);
  assert.equal(v.exit, 0, r.stderr);
  const passwords = [...new Set((await readFile(handed, 'utf8')).split('\n').filter((p) => p !== ''))];
  assert.ok(passwords.length > 0, 'the trigger was handed a password');
  const output = await everything(out, r);
  for (const p of passwords) assert.ok(!output.includes(p) && !output.includes(encodeURIComponent(p)), 'a password handed to the client appears in the output');
});

test('curl --insecure: EVVM-AUTH-03 fails, and the report names the rogue server that got the credential', { timeout: 240_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const profile = await clientProfile('curl-insecure', { command: curl(['--insecure']) });
  const out = path.join(dir, 'curl-insecure');
  const r = await runCli(['run', '--profile', profile, '--tags', '@EVVM-AUTH-03', '--out', out], {}, 200_000);
  const v = await readVerdicts(out, r, CLIENT_REQUIREMENTS);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'fail');
  assert.match(v.reasons['EVVM-AUTH-03']!, /Rogue IMAP Server \(certificate [a-z-]+\) received (LOGIN|AUTHENTICATE)/);
  assert.equal(v.exit, 1);
});

test("a device's own credentials (iut.accounts, from the environment): the harness's EVVM Server serves them, and they appear in no output", { timeout: 240_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const provisioned = 'Dev1ce-Pr0visioned-Secret';
  // the "device" knows its own password: the command names it, not the {password} the harness would hand over
  const profile = await clientProfile('provisioned-device', { command: curl([]).map((a) => a.replace('{passwordUrl}', provisioned)) }, 15_000, { accounts: [{ name: 'alice', passwordEnv: 'DEVICE_ALICE_PASSWORD' }] });
  const out = path.join(dir, 'provisioned-device');
  const r = await runCli(['run', '--profile', profile, '--tags', '@EVVM-AUTH-03', '--out', out], { DEVICE_ALICE_PASSWORD: provisioned }, 200_000);
  const v = await readVerdicts(out, r, CLIENT_REQUIREMENTS);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'pass', v.reasons['EVVM-AUTH-03']);
  assert.ok(!(await everything(out, r)).includes(provisioned), 'the profile\'s secret appears in the output');
});

/** curl offered both transports (trigger.offered): the URL it is given is its pick, `imaps` or `imap` with STARTTLS required. */
const curlPicking = (scheme: 'imaps' | 'imap'): string[] => [
  'curl', '-sS', '--max-time', '10', '--ssl-reqd',
  '--cacert', '{trustAnchor}', '--cert', '{clientCert}', '--key', '{clientKey}',
  '--connect-to', `{servername}:{${scheme === 'imaps' ? 'implicitTlsPort' : 'starttlsPort'}}:{host}:{${scheme === 'imaps' ? 'implicitTlsPort' : 'starttlsPort'}}`,
  `${scheme}://{usernameUrl}:{passwordUrl}@{servername}:{${scheme === 'imaps' ? 'implicitTlsPort' : 'starttlsPort'}}/INBOX;UID=1`,
];

test('STD-04 on curl offered implicit TLS and STARTTLS: picking imaps passes, picking STARTTLS is a warning; without trigger.offered it is inconclusive', { timeout: 240_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const outcome = async (name: string, trigger: Record<string, unknown>) => {
    const out = path.join(dir, name);
    const r = await runCli(['run', '--profile', await clientProfile(name, trigger), '--tags', '@STD-04', '--out', out], {}, 200_000);
    return { ...(await readVerdicts(out, r, ['STD-04'])), output: r.stdout + r.stderr };
  };
  const [implicit, starttls, single] = await Promise.all([
    outcome('curl-picks-imaps', { command: curl([]), offered: curlPicking('imaps') }),
    outcome('curl-picks-starttls', { command: curl([]), offered: curlPicking('imap') }),
    outcome('curl-one-endpoint', { command: curl([]) }),
  ]);
  assert.equal(implicit.verdicts['STD-04'], 'pass', `${implicit.reasons['STD-04']}\n${implicit.output}`);
  assert.equal(implicit.exit, 0);
  assert.equal(starttls.verdicts['STD-04'], 'warning', `${starttls.reasons['STD-04']}\n${starttls.output}`);
  assert.match(starttls.reasons['STD-04']!, /used starttls although implicit TLS was offered/);
  assert.equal(single.verdicts['STD-04'], 'inconclusive', single.reasons['STD-04']);
  assert.match(single.reasons['STD-04']!, /trigger\.offered/);
  assert.equal(single.exit, 2);
});

test('VVM-05/06 on curl: fetching passes both; a custom STORE of \\Flagged or a STATUS on Greetings does not pass, naming the command the EVVM Server received; never connecting is inconclusive', { timeout: 240_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const ids = ['VVM-05', 'VVM-06'];
  const outcome = async (name: string, trigger: Record<string, unknown>, timeoutMs?: number) => {
    const out = path.join(dir, name);
    const r = await runCli(['run', '--profile', await clientProfile(name, trigger, timeoutMs), '--tags', '@VVM-05 or @VVM-06', '--out', out], {}, 200_000);
    return { ...(await readVerdicts(out, r, ids)), output: r.stdout + r.stderr };
  };
  const [fetching, flagging, statusing, silent] = await Promise.all([
    outcome('curl-fetches', { command: curl([]) }),
    // with a folder in the URL curl selects it first, then sends the custom request
    outcome('curl-flags', { command: curl(['-X', 'STORE 1 +FLAGS (\\Flagged)'], 'INBOX') }),
    outcome('curl-status-greetings', { command: curl(['-X', 'STATUS Greetings (MESSAGES)'], '') }),
    outcome('silent-client', { command: ['true', '{port}'] }, 1000),
  ]);
  assert.deepEqual(fetching.verdicts, { 'VVM-05': 'pass', 'VVM-06': 'pass' }, `${JSON.stringify(fetching.reasons)}\n${fetching.output}`);
  assert.equal(fetching.exit, 0);
  // VVM-05/06 are recommended (lower-case VVM 1.2 text): a client that breaks them gets a warning, never a pass
  assert.equal(flagging.verdicts['VVM-05'], 'warning', `${flagging.reasons['VVM-05']}\n${flagging.output}`);
  assert.match(flagging.reasons['VVM-05']!, /set \\Flagged, which VVM does not allow: STORE 1 \+FLAGS \(\\Flagged\)/);
  assert.equal(flagging.verdicts['VVM-06'], 'pass', flagging.reasons['VVM-06']);
  assert.equal(statusing.verdicts['VVM-06'], 'warning', `${statusing.reasons['VVM-06']}\n${statusing.output}`);
  assert.match(statusing.reasons['VVM-06']!, /performed STATUS on the Greetings folder: STATUS Greetings \(MESSAGES\)/);
  assert.equal(statusing.verdicts['VVM-05'], 'pass', statusing.reasons['VVM-05']);
  for (const id of ids) {
    assert.equal(silent.verdicts[id], 'inconclusive', `${id}: ${silent.reasons[id]}`);
    assert.match(silent.reasons[id]!, /never connected to the EVVM Server/);
  }
  assert.equal(silent.exit, 2);
});

test('a client that never connects is inconclusive, exit 2, whether a command or the operator triggers it', { timeout: 120_000 }, async () => {
  for (const [name, trigger] of [
    ['silent-command', { command: ['true', '{port}'] }],
    ['absent-operator', { manual: { instructions: 'open the voicemail inbox on the device now' } }],
  ] as const) {
    const profile = await clientProfile(name, trigger, 1000);
    const out = path.join(dir, name);
    const r = await runCli(['run', '--profile', profile, '--tags', '@EVVM-AUTH-03 and @positive', '--out', out], {}, 60_000);
    const v = await readVerdicts(out, r, CLIENT_REQUIREMENTS);
    assert.equal(v.verdicts['EVVM-AUTH-03'], 'inconclusive', `${name}: ${v.reasons['EVVM-AUTH-03']}`);
    assert.match(v.reasons['EVVM-AUTH-03']!, /never connected to the EVVM Server/);
    assert.equal(v.exit, 2);
    if (name === 'absent-operator') assert.match(r.stderr, /open the voicemail inbox on the device now[\s\S]*waiting for the client: \d+ s left/);
  }
});

test('simulate evvm-client --profile-out: our own client as the IUT gives the embedded verdicts, and its faults are caught', { timeout: 300_000 }, async (t) => {
  const why = await missing('curl'); // the written profile triggers our client through its control API with curl
  if (why) return t.skip(why);
  // its trigger makes it sync its voicemail box: what it sets and asks there is judged too (VVM-05, VVM-06)
  const REHEARSED = [...CLIENT_REQUIREMENTS, 'VVM-05', 'VVM-06'];
  const tags = `${TAGS} or @VVM-05 or @VVM-06`;
  const embeddedOut = path.join(dir, 'embedded');
  const embedded = await readVerdicts(embeddedOut, await runCli(['run', '--tags', tags, '--out', embeddedOut], {}, 200_000), REHEARSED);
  const run = async (name: string, faults: string[]): Promise<Awaited<ReturnType<typeof readVerdicts>>> => {
    const { child, file, env } = await profileOut('evvm-client', dir, name, faults);
    try {
      const out = path.join(dir, `${name}-out`);
      return await readVerdicts(out, await runCli(['run', '--profile', file, '--tags', tags, '--out', out], env, 200_000), REHEARSED);
    } finally {
      child.kill('SIGTERM');
    }
  };

  const clean = await run('ours', []);
  assert.deepEqual(clean.verdicts, embedded.verdicts);
  assert.deepEqual(clean.verdicts, { 'EVVM-AUTH-03': 'pass', 'STD-02': 'pass', 'VVM-05': 'pass', 'VVM-06': 'pass' });
  const [faulty, restricted] = await Promise.all([
    run('ours-faulty', ['evvm-client:skip-server-cert-check']),
    run('ours-restricted', ['evvm-client:set-restricted-flag', 'evvm-client:status-on-greetings']),
  ]);
  assert.equal(faulty.verdicts['EVVM-AUTH-03'], 'fail');
  // recommended requirements: broken, they warn
  assert.equal(restricted.verdicts['VVM-05'], 'warning', restricted.reasons['VVM-05']);
  assert.match(restricted.reasons['VVM-05']!, /UID STORE 1 \+FLAGS \(\\Seen \\Flagged\)/);
  assert.equal(restricted.verdicts['VVM-06'], 'warning', restricted.reasons['VVM-06']);
  assert.match(restricted.reasons['VVM-06']!, /STATUS Greetings \(MESSAGES\)/);
});

test('trigger.offered takes both ports, and not {port}, {transport} or {scheme}, which would pick for the client', () => {
  const section = (offered: string[]) => EvvmClientIutSchema.safeParse({ role: 'evvm-client', implementation: 'x', trigger: { command: ['true'], offered } });
  assert.ok(section(curlPicking('imaps')).success);
  for (const p of ['port', 'transport', 'scheme']) {
    const r = section(['curl', `{${p}}`]);
    assert.ok(!r.success && r.error.issues.some((i) => i.message.includes(`unknown placeholder {${p}}`)), p);
  }
});
