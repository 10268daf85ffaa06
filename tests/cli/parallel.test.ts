import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from './cli';
import { workersFor } from '../../harness/cli/commands/run';

// Scenarios of five clauses: authentication, content security, SMS, interworking, message storage.
const SLICE = ['EVVM-AUTH-03', 'EVVM-CONT-02', 'EVVM-SMS-C01', 'EVVM-IW-C01', 'CPM-MS-AUTH-02'].map((id) => `@${id}`).join(' or ');

interface Evidence {
  steps: Array<{ keyword: string; text: string; status: string; error?: string }>;
  checks: Array<{ requirement: string; condition: string; result: string; message: string; evidence?: unknown }>;
  transcript: Array<{ actor: string; channel: string; dir: string; text: string }>;
}

interface Conformance {
  summary: Record<string, unknown>;
  requirements: Array<{ id: string; verdict: string; reason: string; scenarios: Array<Record<string, unknown> & { evidence: string }> }>;
}

/**
 * What differs between any two runs, sequential or not: the per-run PKI's fingerprints, ports, random
 * nonces, Message-IDs and passwords, and OpenSSL's wording of a wrong RSA key (which depends on whether
 * the random ciphertext exceeds the other key's modulus). Everything else must be the same.
 */
function runFree(text: string): string {
  return text
    .replace(/the key does not decrypt with this device key \([^)]*\)/g, 'the key does not decrypt with this device key (…)')
    .replace(/[A-Za-z0-9+/=_-]{16,}/g, (t) => (/\d/.test(t) ? '~' : t))
    .replace(/[0-9A-Fa-f:-]{6,}/g, (t) => (/\d/.test(t) ? '#' : t))
    .replace(/\d+/g, '#');
}

/** Each scenario's verdict and evidence, keyed by requirement and place, without timings, ids or paths. */
async function scenarios(out: string): Promise<Map<string, unknown>> {
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Conformance;
  const found = new Map<string, unknown>([['summary', report.summary]]);
  for (const r of report.requirements) {
    found.set(r.id, { verdict: r.verdict, reason: runFree(r.reason) });
    for (const s of r.scenarios) {
      const { durationMs: _d, evidence: file, ...scenario } = s;
      const e = JSON.parse(await readFile(path.join(out, file), 'utf8')) as Evidence;
      found.set(`${r.id} ${String(s.uri)}:${String(s.line)}`, {
        scenario: runFree(JSON.stringify(scenario)),
        steps: e.steps.map((x) => runFree(`${x.keyword} ${x.text} ${x.status} ${x.error ?? ''}`)),
        checks: e.checks.map((c) => runFree(JSON.stringify(c))),
        // actors of one scenario run concurrently (client and server): the order of their lines may
        // differ between any two runs, what they said may not
        transcript: e.transcript.map((t) => `${t.actor} ${t.channel} ${t.dir} ${runFree(t.text)}`).sort(),
      });
    }
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    out.push(...(entry.isDirectory() ? await filesUnder(p) : [p]));
  }
  return out;
}

test('a parallel run reports what the sequential run reports, scenario by scenario, and leaves no key behind', async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'evvm-parallel-'));
  // the workers' handover lives in TMPDIR: a private one shows whether it is removed
  const tmp = await mkdtemp(path.join(base, 'tmp-'));
  const seq = path.join(base, 'seq');
  const par = path.join(base, 'par');
  const one = await cli(['run', '--tags', SLICE, '--parallel', '1', '--out', seq], 240_000);
  assert.equal(one.code, 0, one.stdout + one.stderr);
  const two = await cli(['run', '--tags', SLICE, '--parallel', '2', '--out', par], 240_000, { TMPDIR: tmp });
  assert.equal(two.code, 0, two.stdout + two.stderr);
  const sequential = await scenarios(seq);
  const parallel = await scenarios(par);
  assert.ok(sequential.size > 30, `the slice ran ${sequential.size - 1} requirements and scenarios`);
  assert.deepEqual([...parallel.keys()], [...sequential.keys()], 'the same scenarios, in the same order');
  for (const [key, value] of sequential) assert.deepEqual(parallel.get(key), value, key);
  for (const file of await filesUnder(par)) assert.doesNotMatch(await readFile(file, 'utf8'), /PRIVATE KEY/, `${file} holds a private key`);
  // Node 22+ keeps its compile cache in TMPDIR (harness/cli/compile-cache.ts): compiled code, no key
  assert.deepEqual((await readdir(tmp)).filter((f) => f !== 'node-compile-cache'), [], 'the PKI handed to the workers is removed');
});

test('selftest finds the same kill matrix with parallel workers as one at a time', async () => {
  const tags = '@EVVM-AUTH-04 or @EVVM-SMS-C02 or @CPM-MS-AUTH-03';
  const one = await cli(['selftest', '--tags', tags, '--parallel', '1', '--json'], 240_000);
  const two = await cli(['selftest', '--tags', tags, '--parallel', '2', '--json'], 240_000);
  assert.equal(one.code, 0, one.stdout + one.stderr);
  assert.equal(two.code, 0, two.stdout + two.stderr);
  const sequential = JSON.parse(one.stdout) as { requirements: Array<{ faults: unknown[] }> };
  assert.equal(sequential.requirements.length, 3);
  assert.ok(sequential.requirements.every((r) => r.faults.length > 0), 'every requirement of the slice has faults to kill');
  assert.deepEqual(JSON.parse(two.stdout), sequential);
});

test('--parallel is a whole number, and the containers topology runs one scenario at a time', async () => {
  const zero = await cli(['run', '--parallel', '0', '--out', os.tmpdir()]);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--parallel wants a whole number/);
  const containers = await cli(['run', '--topology', 'containers', '--parallel', '2', '--out', os.tmpdir()]);
  assert.equal(containers.code, 2);
  assert.match(containers.stderr, /containers topology runs one scenario at a time/);
});

test('without --parallel an embedded run takes one worker per core; containers and an implementation under test one', async () => {
  assert.equal(workersFor({ topology: 'embedded' }, false), os.availableParallelism());
  assert.equal(workersFor({ topology: 'embedded', parallel: 1 }, false), 1);
  assert.equal(workersFor({ topology: 'containers' }, false), 1);
  assert.equal(workersFor({ topology: 'embedded' }, true), 1);
  for (const command of ['run', 'selftest']) assert.match((await cli([command, '--help'])).stdout, new RegExp(`default: one per core, here ${os.availableParallelism()}`));
});
