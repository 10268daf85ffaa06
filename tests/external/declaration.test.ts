/**
 * The declaration checked against the wire: the Message Storage Server simulator, started on its own with
 * SCRAM-SHA-256 switched off (its own profile, `simulate --config`), is certified through a profile that
 * declares SCRAM-SHA-256. The run records what the server advertised once, reports the mismatch as a finding
 * (conformance.json, the HTML near the top, the console), and every SCRAM-SHA-256 scenario fails with it,
 * the negative one included (a refused SCRAM login proves nothing when SCRAM is not offered). The same
 * server declared as it is gets no finding.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ConformanceJson } from '../../harness/report/json-schema';
import { messageStorageIut, runCli, writeIutProfile, type IutProfileSpec } from './helpers';

let dir: string;
let child: ChildProcess | undefined;
let spec: IutProfileSpec;

const WITHOUT_SCRAM = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'EXTERNAL'];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-declaration-'));
  // the simulator's own profile: every default but SCRAM-SHA-256
  await writeFile(path.join(dir, 'no-scram.yaml'), stringify({ name: 'no-scram', capabilities: { messageStorage: { sasl: WITHOUT_SCRAM } } }));
  await writeFile(path.join(dir, 'simulator.yaml'), stringify({ profile: path.join(dir, 'no-scram.yaml') }));
  ({ child, spec } = await messageStorageIut(dir, path.join(dir, 'declares-scram.yaml'), ['--config', path.join(dir, 'simulator.yaml')]));
});

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function certify(name: string, sasl: string[]): Promise<{ json: ConformanceJson; html: string; output: string }> {
  const file = path.join(dir, `${name}.yaml`);
  const env = await writeIutProfile({ ...spec, file, capabilities: { ...spec.capabilities, sasl } });
  const out = path.join(dir, name);
  const r = await runCli(['run', '--profile', file, '--tags', '@CPM-MS-AUTH-01', '--out', out], env);
  const json = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as ConformanceJson;
  return { json, html: await readFile(path.join(out, 'conformance.html'), 'utf8'), output: r.stdout + r.stderr };
}

test('a declared SASL mechanism the server does not offer is a finding, and fails its scenarios', async () => {
  const { json, html, output } = await certify('declares-scram', ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL']);
  const d = json.run.declaration;
  assert.ok(d, output);
  assert.deepEqual(
    d.findings.map((f) => `${f.kind} ${f.capability}`),
    ['declared-not-offered SASL SCRAM-SHA-256'],
    JSON.stringify(d.findings),
  );
  assert.match(d.findings[0]!.message, /capabilities\.messageStorage\.sasl.*AUTH=PLAIN/);
  // judged on what the server advertised: CAPABILITY before and after TLS, both recorded once
  assert.ok(d.observed.some((o) => o.what === 'CAPABILITY before TLS (STARTTLS port)' && /STARTTLS/.test(o.value)), JSON.stringify(d.observed));
  assert.ok(d.observed.some((o) => o.what === 'CAPABILITY after STARTTLS' && /AUTH=PLAIN/.test(o.value) && !/SCRAM/.test(o.value)));
  assert.ok(d.observed.some((o) => /TLS versions/.test(o.what) && /TLSv1\.3/.test(o.value)));
  assert.equal(d.evidence, 'evidence/declaration.json');

  const requirement = json.requirements.find((q) => q.id === 'CPM-MS-AUTH-01')!;
  assert.equal(requirement.verdict, 'fail');
  const scram = requirement.scenarios.filter((s) => s.name.includes('SCRAM-SHA-256'));
  assert.equal(scram.length, 2, 'the positive row and the wrong-password row');
  for (const s of scram) {
    assert.equal(s.outcome, 'fail', `${s.name}: ${s.reason ?? ''}`);
    assert.match(s.reason ?? '', /DeclaredSaslMechanismOffered: SASL SCRAM-SHA-256 is declared \(capabilities\.messageStorage\.sasl\) but the implementation under test does not offer it/);
  }
  // the mechanisms it offers are judged as before
  for (const s of requirement.scenarios.filter((x) => /SASL (PLAIN|LOGIN|CRAM-MD5) /.test(x.name))) assert.equal(s.outcome, 'pass', s.name);

  assert.match(output, /DECLARED, NOT OFFERED {2}SASL SCRAM-SHA-256 is declared/);
  const section = html.indexOf('<section class="declaration" data-findings="1">');
  assert.ok(section > 0 && section < html.indexOf('<section class="problems">'), 'the finding comes before what failed');
  assert.match(html.slice(section), /declared, not offered<\/b> <span class="mono">CPM-MS-AUTH-01<\/span><div class="decider">SASL SCRAM-SHA-256 is declared/);
  // the certificate the server presented in the observation's handshakes
  assert.match(html.slice(section, html.indexOf('</section>', section)), /<i>presented by Message Storage Server<\/i><br><b>subject<\/b> [^<]*message-storage/);
});

test('the same server declared as it is gets no finding, and the mechanism is not applicable', async () => {
  const { json, output } = await certify('as-offered', WITHOUT_SCRAM);
  assert.deepEqual(json.run.declaration?.findings, [], output);
  const requirement = json.requirements.find((q) => q.id === 'CPM-MS-AUTH-01')!;
  assert.equal(requirement.verdict, 'pass', output);
  for (const s of requirement.scenarios.filter((x) => x.name.includes('SCRAM-SHA-256'))) assert.equal(s.outcome, 'not-applicable', s.name);
  assert.match(output, /declaration checked against the wire \(message-storage\): as declared/);
});
