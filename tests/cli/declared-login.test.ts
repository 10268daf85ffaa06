/**
 * An EVVM Server that declares no LOGIN command (SASL only) is judged by the method it declares: its
 * password logins go by SASL, and what only LOGIN can show is not applicable with the reason, never a
 * false fail for "LOGIN is disabled" nor a false pass for a refusal of an undeclared command.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from './cli';

const TAGS = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-04', 'STD-02', 'STD-03'].map((id) => `@${id}`).join(' or ');

interface Report {
  requirements: Array<{ id: string; verdict: string; scenarios: Array<{ name: string; outcome: string; reason?: string }> }>;
}

let dir: string;
let profile: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-no-login-'));
  profile = path.join(dir, 'no-login.yaml');
  await writeFile(profile, 'name: evvm-server-without-login\ncapabilities:\n  evvmServer:\n    loginCommand: false\n');
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function run(name: string, extra: string[] = []): Promise<{ code: number | null; report: Report; shown: string }> {
  const out = path.join(dir, name);
  const r = await cli(['run', '--profile', profile, '--tags', TAGS, '--out', out, ...extra], 120_000);
  return { code: r.code, report: JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Report, shown: r.stdout + r.stderr };
}

test('without a declared LOGIN command the EVVM Server is conformant, and what needs LOGIN says why it did not run', async () => {
  const { code, report, shown } = await run('clean');
  assert.equal(code, 0, shown);
  const scenarios = report.requirements.flatMap((q) => q.scenarios);
  const withoutLogin = scenarios.filter((s) => /LOGIN/.test(s.name) && /EVVM Server/.test(s.name));
  assert.ok(withoutLogin.length >= 3, JSON.stringify(scenarios.map((s) => s.name)));
  for (const s of withoutLogin) {
    assert.equal(s.outcome, 'not-applicable', `"${s.name}": ${s.outcome} ${s.reason ?? ''}`);
    assert.match(s.reason ?? '', /does not declare the LOGIN command/);
  }
});

test('the password logins go by the declared SASL mechanism: a server that takes any password still fails', async () => {
  const { code, report, shown } = await run('skip-password-check', ['--fault', 'evvm-server:skip-password-check']);
  const auth04 = report.requirements.find((q) => q.id === 'EVVM-AUTH-04')!;
  assert.equal(auth04.verdict, 'fail', shown);
  // a LOGIN refused as disabled would pass this one whatever the server does with passwords
  const wrongPassword = auth04.scenarios.find((s) => /wrong password/.test(s.name))!;
  assert.equal(wrongPassword.outcome, 'fail', `"${wrongPassword.name}": ${wrongPassword.outcome} ${wrongPassword.reason ?? ''}`);
  assert.equal(code, 1, shown);
});
