import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { cli, CLI } from './cli';

const AUTH_CLAUSE = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04', 'STD-02', 'STD-03'];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

interface Conformance {
  schemaVersion: number;
  summary: { verdict: string; untested: number };
  requirements: Array<{ id: string; verdict: string; scenarios: Array<{ polarity: string; status: string }> }>;
}

test('run passes the authentication clause, reports untested IDs, and writes no key', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-run-'));
  const r = await cli(['run', '--tags', AUTH_CLAUSE.map((id) => `@${id}`).join(' or '), '--out', out]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Conformance;
  assert.equal(report.schemaVersion, 1);
  for (const id of AUTH_CLAUSE) {
    const req = report.requirements.find((q) => q.id === id)!;
    assert.equal(req.verdict, 'pass', id);
    assert.ok(req.scenarios.some((s) => s.polarity === 'positive'), `${id} has a positive scenario`);
    assert.ok(req.scenarios.some((s) => s.polarity === 'negative'), `${id} has a negative scenario`);
  }
  assert.ok(report.requirements.some((q) => q.verdict === 'untested'));
  for (const file of await filesUnder(out)) {
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /PRIVATE KEY/, `${file} holds a private key`);
  }
  for (const f of ['conformance.html', 'junit.xml', 'messages.ndjson']) assert.ok((await readFile(path.join(out, f))).length > 0, f);
});

test('run with a fault fails the requirement it violates and exits 1', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-run-'));
  const r = await cli(['run', '--tags', '@EVVM-AUTH-04', '--fault', 'evvm-server:skip-password-check', '--out', out]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Conformance;
  assert.equal(report.requirements.find((q) => q.id === 'EVVM-AUTH-04')!.verdict, 'fail');
  assert.equal(report.summary.verdict, 'not-conformant');
});

test('usage errors are one line and exit 2', async () => {
  const unknownFault = await cli(['run', '--fault', 'evvm-server:no-such-fault', '--out', os.tmpdir()]);
  assert.equal(unknownFault.code, 2);
  assert.match(unknownFault.stderr, /unknown fault "evvm-server:no-such-fault"/);
  assert.equal(unknownFault.stderr.trim().split('\n').length, 1);
  const badProfile = await cli(['run', '--profile', '/nonexistent/profile.yaml']);
  assert.equal(badProfile.code, 2);
  assert.match(badProfile.stderr, /cannot read/);
  const badCommand = await cli(['frobnicate']);
  assert.equal(badCommand.code, 2);
  const badRole = await cli(['simulate', 'no-such-role']);
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /unknown role/);
});

test('a reader that closes stdout early (| head) does not change the exit status', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-run-'));
  const child = spawn(process.execPath, [CLI, 'run', '--tags', '@EVVM-AUTH-04', '--fault', 'evvm-server:ignore-blocked', '--out', out], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: 'true' } });
  child.stdout.destroy(); // the reader is gone before the first line
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
});

test('a --tags expression that selects no scenario is a usage error naming it, before anything runs', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-run-'));
  const bare = await cli(['run', '--tags', 'EVVM-AUTH-03', '--out', out]);
  assert.equal(bare.code, 2, bare.stdout + bare.stderr);
  assert.equal(bare.stderr.trim(), "evvm-conformance: no scenario matches --tags 'EVVM-AUTH-03' (did you mean '@EVVM-AUTH-03'?)");
  const misspelt = await cli(['run', '--tags', '@EVVM-AUTH-33 and @negative', '--out', out]);
  assert.equal(misspelt.code, 2, misspelt.stdout + misspelt.stderr);
  assert.match(misspelt.stderr, /^evvm-conformance: no scenario matches --tags '@EVVM-AUTH-33 and @negative' \(did you mean '@EVVM-AUTH-0[34] and @negative'\?\)\n$/);
  const nothingNear = await cli(['run', '--tags', '@no-such-thing-at-all', '--out', out]);
  assert.equal(nothingNear.code, 2);
  assert.equal(nothingNear.stderr, "evvm-conformance: no scenario matches --tags '@no-such-thing-at-all'\n");
  const unparsable = await cli(['run', '--tags', '@EVVM-AUTH-03 and (', '--out', out]);
  assert.equal(unparsable.code, 2);
  assert.match(unparsable.stderr, /^evvm-conformance: --tags '@EVVM-AUTH-03 and \(' is not a tag expression: .+\n$/);
  assert.deepEqual(await readdir(out), [], 'nothing ran, nothing was written');
});
