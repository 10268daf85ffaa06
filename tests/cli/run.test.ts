import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { cli, CLI } from './cli';
import { writeIutProfile } from '../external/helpers';

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

/** A port nothing listens on: the implementation under test is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Evidence {
  steps: Array<{ status: string }>;
  transcript: Array<{ actor: string; channel: string }>;
}

test('with an implementation under test, a scenario of a requirement it does not answer does not run, and says why', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-na-'));
  const ca = path.join(dir, 'ca.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Vendor CA', '-days', '1', '-keyout', path.join(dir, 'ca.key'), '-out', ca], { stdio: 'ignore' });
  const port = await closedPort();
  const file = path.join(dir, 'vendor.yaml');
  const env = await writeIutProfile({
    file,
    host: '127.0.0.1',
    servername: 'mss.vendor.example',
    ports: { imaps: port, imap: port },
    trustAnchor: ca,
    policy: { requireTls: true, clientCertificate: 'none' },
    capabilities: { transports: ['implicit-tls', 'starttls'], sasl: ['PLAIN'], loginCommand: true, pskTls: [], preconfiguredPassword: false },
    accounts: [
      { name: 'alice', username: 'alice@vendor.example', password: 'alice-secret-1' },
      { name: 'bob', username: 'bob@vendor.example', password: 'bob-secret-1' },
    ],
  });
  const out = path.join(dir, 'out');
  // EVVM-CONT-03 is about the EVVM Server and Client, which the harness plays: nothing of it reaches a Message Storage Server
  const r = await cli(['run', '--profile', file, '--tags', '@EVVM-CONT-03', '--out', out], 120_000, env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as {
    requirements: Array<{ id: string; verdict: string; reason: string; scenarios: Array<{ outcome: string; status: string; reason?: string; evidence: string }> }>;
  };
  const cont = report.requirements.find((q) => q.id === 'EVVM-CONT-03')!;
  assert.equal(cont.verdict, 'not-applicable');
  assert.ok(cont.scenarios.length > 0);
  for (const s of cont.scenarios) {
    assert.deepEqual([s.outcome, s.status], ['not-applicable', 'skipped'], `${s.evidence} ran`);
    assert.match(s.reason ?? '', /EVVM-CONT-03 is not answered by the implementation under test \(the message-storage/);
    const evidence = JSON.parse(await readFile(path.join(out, s.evidence), 'utf8')) as Evidence;
    assert.ok(evidence.steps.every((st) => st.status === 'skipped'), `${s.evidence}: a step ran`);
    assert.deepEqual(evidence.transcript.map((t) => t.channel), ['note'], `${s.evidence}: something talked to a simulator`);
  }
  assert.match(r.stdout, new RegExp(`NOT-APPLICABLE +EVVM-CONT-03 .*\\n +${cont.scenarios.length} scenario\\(s\\) did not run: EVVM-CONT-03 is not answered`));
  assert.doesNotMatch(r.stdout, /^PASS /m, 'nothing can pass when nothing ran');
  const junit = await readFile(path.join(out, 'junit.xml'), 'utf8');
  assert.equal(junit.match(/<skipped message="EVVM-CONT-03 is not answered/g)?.length, cont.scenarios.length);
  assert.match(await readFile(path.join(out, 'conformance.html'), 'utf8'), /did not run/);
});
