/**
 * The Message Storage Server simulator started on its own (`simulate message-storage`) and certified as an
 * external IUT through a profile gets the same verdicts as in the embedded run; once it is down, the same
 * profile yields inconclusive verdicts and exit status 2, never a pass.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transcript } from '../../evidence/transcript';
import { CpmClient } from '../../harness/equipment/cpm-client';
import { messageStorageIut, MSS_REQUIREMENTS, MSS_TAGS, readVerdicts, runCli, writeIutProfile, type IutProfileSpec, type MessageStorageReady } from './helpers';

let dir: string;
let child: ChildProcess | undefined;
let spec: IutProfileSpec;
let env: Record<string, string>;
let ready: MessageStorageReady;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-sim-iut-'));
  ({ child, ready, spec } = await messageStorageIut(dir, path.join(dir, 'simulator.yaml')));
  env = await writeIutProfile(spec);
});

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('started on its own and used as an external IUT, the simulator gets the embedded verdicts', async () => {
  const embeddedOut = path.join(dir, 'embedded');
  const externalOut = path.join(dir, 'external');
  const [embedded, external] = await Promise.all([
    runCli(['run', '--tags', MSS_TAGS, '--out', embeddedOut]),
    runCli(['run', '--profile', spec.file, '--tags', MSS_TAGS, '--out', externalOut], env),
  ]);
  const e = await readVerdicts(embeddedOut, embedded);
  const x = await readVerdicts(externalOut, external);
  assert.equal(e.exit, 0, embedded.stdout + embedded.stderr);
  assert.equal(x.exit, 0, external.stdout + external.stderr);
  for (const id of MSS_REQUIREMENTS) assert.equal(x.verdicts[id], e.verdicts[id], `${id}: external ${x.verdicts[id]}, embedded ${e.verdicts[id]}\n${external.stdout}`);
  assert.ok(MSS_REQUIREMENTS.every((id) => e.verdicts[id] === 'pass'), JSON.stringify(e.verdicts));
  const report = JSON.parse(await readFile(path.join(externalOut, 'conformance.json'), 'utf8')) as { run: { topology: string } };
  assert.equal(report.run.topology, 'external');
  // no secret of the profile reaches any output
  const text = external.stdout + (await readFile(path.join(externalOut, 'conformance.json'), 'utf8'));
  for (const secret of Object.values(env)) assert.ok(!text.includes(secret), 'a profile secret leaked into the report');
});

test('subscribing through the control API pre-configures a password that works, while the TUI PIN and SIP credentials do not', async () => {
  const r = await fetch(`${ready.endpoints.control}/subscribe`, { method: 'POST', body: JSON.stringify({ name: 'frank' }) });
  const frank = (await r.json()) as MessageStorageReady['accounts'][number];
  assert.equal(frank.preconfigured, true);
  const [ca, cert, key] = await Promise.all(['ca', 'clientCert', 'clientKey'].map((f) => readFile(path.join(dir, f), 'utf8')));
  const attempt = async (user: string, password: string): Promise<string> => {
    const c = await CpmClient.open({ endpoint: { host: '127.0.0.1', port: spec.ports.imaps!, servername: spec.servername }, transport: 'implicit-tls', trustAnchorPem: ca!, certificate: { chainPem: cert!, keyPem: key! }, transcript: new Transcript() });
    try {
      return (await c.login(user, password)).status;
    } finally {
      c.close();
    }
  };
  assert.equal(await attempt(frank.username, frank.password), 'OK');
  assert.equal(await attempt(frank.username, frank.tuiPin), 'NO');
  assert.equal(await attempt(frank.sipUri, frank.sipPassword), 'NO');
  assert.equal(await attempt(frank.username, frank.sipPassword), 'NO');
});

/** CPM-MS-AUTH-02 alone, against the running simulator named by a profile whose accounts `change` rewrites. */
async function certifyLogin(name: string, change: (accounts: IutProfileSpec['accounts']) => IutProfileSpec['accounts']): Promise<{ exit: number | null; verdict?: string; reason?: string; output: string }> {
  const file = path.join(dir, `${name}.yaml`);
  const vars = await writeIutProfile({ ...spec, file, accounts: change(spec.accounts) });
  const out = path.join(dir, name);
  const r = await runCli(['run', '--profile', file, '--tags', '@CPM-MS-AUTH-02', '--out', out], vars);
  const v = await readVerdicts(out, r);
  return { exit: r.code, verdict: v.verdicts['CPM-MS-AUTH-02'], reason: v.reasons['CPM-MS-AUTH-02'], output: r.stdout + r.stderr };
}

test("a login that opens another user's mailbox fails the requirement it tests, and says so", async () => {
  // as a passdb that maps bob's login to alice's mailbox shows it from outside: bob's credentials open alice's INBOX
  const alice = spec.accounts.find((a) => a.name === 'alice')!;
  const v = await certifyLogin('bob-opens-alice', (accounts) => accounts.map((a) => (a.name === 'bob' ? { ...a, username: alice.username, password: alice.password } : a)));
  assert.equal(v.verdict, 'fail', v.output);
  assert.match(v.reason ?? '', /opened another mailbox \(alice's marker seen in bob's session\)/, v.output);
  assert.equal(v.exit, 1, v.output);
});

test('without a marker for the account, a successful login proves nothing: inconclusive, never a pass', async () => {
  const v = await certifyLogin('no-markers', (accounts) => accounts.map(({ messageId: _dropped, ...a }) => a));
  assert.equal(v.verdict, 'inconclusive', v.output);
  assert.match(v.reason ?? '', /which mailbox opened cannot be proved: the profile names no messageId for "alice"/, v.output);
  assert.equal(v.exit, 2, v.output);
});

test('an IUT that is down yields inconclusive verdicts and exit status 2, not a pass', async () => {
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  child!.kill('SIGTERM');
  await exited;
  child = undefined;
  const out = path.join(dir, 'down');
  const r = await runCli(['run', '--profile', spec.file, '--tags', MSS_TAGS, '--out', out], env);
  const v = await readVerdicts(out, r);
  assert.equal(v.exit, 2, r.stdout + r.stderr);
  assert.equal(v.summary, 'inconclusive');
  for (const id of MSS_REQUIREMENTS) assert.equal(v.verdicts[id], 'inconclusive', `${id}\n${r.stdout}`);
  assert.match(r.stdout, /unreachable \(ECONNREFUSED\)/);
});
