/**
 * A scenario that needs a transport the IUT does not declare is not applicable, with the reason, and is
 * decided before it talks to the IUT: never a harness error, never a pass; one that needs TLS but no
 * particular transport runs on the declared one. `simulate evvm-server` (which serves both ports) is
 * certified through profiles that declare implicit TLS only, then STARTTLS only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { EVVM_SERVER_REQUIREMENTS, evvmServerIut, runCli } from './helpers';

interface Report {
  requirements: Array<{ id: string; verdict: string; reason: string; scenarios: Array<{ name: string; outcome: string; reason?: string }> }>;
}

let dir: string;
let child: ChildProcess | undefined;
let env: Record<string, string> = {};
/** writes a profile for the running simulator that declares only `transport`, naming only that port */
let declaring: (transport: 'implicit-tls' | 'starttls') => Promise<string>;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-implicit-only-'));
  const iut = await evvmServerIut(dir);
  ({ child, env } = iut);
  const { ports: { imaps, imap }, accounts } = iut;
  declaring = async (transport) => {
    const file = path.join(dir, `${transport}-only.yaml`);
    await writeFile(
      file,
      stringify({
        name: `evvm-server-${transport}-only`,
        capabilities: { evvmServer: { transports: [transport] } },
        iut: {
          role: 'evvm-server',
          host: '127.0.0.1',
          servername: 'evvm-server.op.example',
          ports: transport === 'implicit-tls' ? { imaps } : { imap },
          trustAnchor: 'ca',
          clientCertificate: { cert: 'clientCert', key: 'clientKey' },
          accounts,
        },
      }),
    );
    return file;
  };
});

/** Runs the EVVM Server's requirements against the simulator through a profile declaring only `transport`. */
async function certify(transport: 'implicit-tls' | 'starttls'): Promise<{ report: Report; shown: string; code: number | null }> {
  const out = path.join(dir, transport);
  const r = await runCli(['run', '--profile', await declaring(transport), '--tags', EVVM_SERVER_REQUIREMENTS.map((id) => `@${id}`).join(' or '), '--out', out], env);
  const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as Report;
  return { report, shown: r.stdout + r.stderr, code: r.code };
}

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an EVVM Server that declares only implicit TLS: the STARTTLS scenarios are not applicable, with the reason', async () => {
  const { report, shown } = await certify('implicit-tls');
  assert.doesNotMatch(shown, /harness error/, shown);
  // the Message Storage Server's scenarios of STD-02/03 never reach this IUT: not applicable for that reason
  const scenarios = report.requirements
    .filter((q) => EVVM_SERVER_REQUIREMENTS.includes(q.id))
    .flatMap((q) => q.scenarios.map((s) => ({ ...s, id: q.id })))
    .filter((s) => !/never reached the implementation under test/.test(s.reason ?? ''));
  // on the EVVM Server's STARTTLS port, directly or through a man in the middle (not a rogue server of the harness)
  const starttls = scenarios.filter((s) => /STARTTLS|LOGINDISABLED/.test(s.name) && !/rogue/.test(s.name));
  assert.ok(starttls.length >= 4, JSON.stringify(scenarios.map((s) => s.name)));
  for (const s of starttls) {
    assert.equal(s.outcome, 'not-applicable', `${s.id} "${s.name}": ${s.outcome} ${s.reason ?? ''}`);
    assert.match(s.reason ?? '', /declares no STARTTLS/, `${s.id} "${s.name}"`);
  }
  // what remains undecided is what the profile does not name (expired and revoked certificates from the IUT's CA)
  for (const s of scenarios.filter((x) => x.outcome === 'error' || x.outcome === 'inconclusive')) assert.match(s.reason ?? '', /iut\.badClientCertificates/, `${s.id} "${s.name}": ${s.outcome} ${s.reason ?? ''}`);
  const verdict = (id: string) => report.requirements.find((q) => q.id === id)!;
  for (const id of ['STD-02', 'STD-03']) assert.equal(verdict(id).verdict, 'not-applicable', `${id}: ${verdict(id).reason}\n${shown}`);
  for (const id of ['EVVM-AUTH-01', 'EVVM-AUTH-03']) assert.equal(verdict(id).verdict, 'pass', `${id}: ${verdict(id).reason}\n${shown}`);
});

test('an EVVM Server that declares only STARTTLS: every scenario that needs TLS but no particular transport upgrades and is judged', async () => {
  const { report, shown, code } = await certify('starttls');
  const verdict = (id: string) => report.requirements.find((q) => q.id === id)!;
  for (const id of ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-03', 'STD-02', 'STD-03']) assert.equal(verdict(id).verdict, 'pass', `${id}: ${verdict(id).reason}\n${shown}`);
  const implicit = verdict('EVVM-AUTH-03').scenarios.find((s) => /over implicit TLS/.test(s.name))!;
  assert.equal(implicit.outcome, 'not-applicable');
  assert.match(implicit.reason ?? '', /declares no implicit TLS port/);
  // only what the profile does not name stays undecided: expired and revoked certificates from the IUT's CA
  assert.equal(verdict('EVVM-AUTH-04').verdict, 'inconclusive', shown);
  for (const s of verdict('EVVM-AUTH-04').scenarios.filter((x) => x.outcome !== 'pass')) assert.match(s.reason ?? '', /iut\.badClientCertificates/, `"${s.name}": ${s.outcome} ${s.reason ?? ''}`);
  assert.equal(code, 2, shown);
});
