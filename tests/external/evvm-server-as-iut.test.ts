/**
 * An EVVM Server as the IUT: the authentication features run unchanged against `simulate evvm-server`
 * named in a profile. What only the server's own records can show (why it refused a client certificate,
 * whether it executed a pipelined command) is inconclusive for an IUT, never a pass.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { evvmServerIut, runCli } from './helpers';

let dir: string;
let child: ChildProcess | undefined;
let profile: string;
let env: Record<string, string> = {};

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-server-iut-'));
  const iut = await evvmServerIut(dir);
  ({ child, env } = iut);
  const { ports, accounts } = iut;
  profile = path.join(dir, 'evvm-server.yaml');
  await writeFile(
    profile,
    stringify({
      name: 'evvm-server-iut',
      iut: {
        role: 'evvm-server',
        host: '127.0.0.1',
        servername: 'evvm-server.op.example',
        ports,
        trustAnchor: 'ca',
        clientCertificate: { cert: 'clientCert', key: 'clientKey' },
        accounts,
      },
    }),
  );
});

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the authentication features certify an external EVVM Server; server-side-only checks are inconclusive', async () => {
  const out = path.join(dir, 'report');
  const tags = ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'EVVM-AUTH-04'].map((id) => `@${id}`).join(' or ');
  const r = await runCli(['run', '--profile', profile, '--tags', tags, '--out', out], env);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as { requirements: Array<{ id: string; verdict: string; reason: string }> };
  const verdict = (id: string) => report.requirements.find((q) => q.id === id)!;
  for (const id of ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03']) assert.equal(verdict(id).verdict, 'pass', `${id}: ${verdict(id).reason}\n${r.stdout}`);
  // without expired/revoked certificates from the IUT's CA, and without the server's records: not decided
  assert.equal(verdict('EVVM-AUTH-04').verdict, 'inconclusive', r.stdout);
  assert.equal(r.code, 2, r.stdout + r.stderr);
});

test('the VVM base behaviour and STD-04 certify an external EVVM Server; the EVVM Client checks are not its', async () => {
  const out = path.join(dir, 'vvm');
  const ids = ['VVM-01', 'VVM-02', 'VVM-03', 'VVM-05', 'VVM-06', 'STD-04'];
  const r = await runCli(['run', '--profile', profile, '--tags', ids.map((id) => `@${id}`).join(' or '), '--out', out], env);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as {
    requirements: Array<{ id: string; verdict: string; reason: string; scenarios: Array<{ name: string; status: string; reason?: string }> }>;
  };
  const verdict = (id: string) => report.requirements.find((q) => q.id === id)!;
  for (const id of ids) assert.equal(verdict(id).verdict, 'pass', `${id}: ${verdict(id).reason}\n${r.stdout}`);
  // the EVVM Client is the harness's own here: its scenarios say nothing about the IUT
  const client = verdict('STD-04').scenarios.find((s) => s.name.includes('the EVVM Client does not pick STARTTLS'))!;
  assert.match(client.reason ?? '', /the EVVM Client is the harness's own/);
});
