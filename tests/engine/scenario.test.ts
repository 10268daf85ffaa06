/**
 * A scenario's topology and verdict (harness/engine/scenario.ts), and the roles every topology must provide:
 * the authentication roles and the TLS-version equipment are contracts with an implementation in each
 * topology, and where one cannot place a stand-in it says so (not applicable), as the steps then report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Transcript } from '../../evidence/transcript';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { scenarioOutcome } from '../../harness/engine/scenario';
import { CheckFailure, InconclusiveError } from '../../harness/engine/outcomes';
import { iutNotReached } from '../../harness/engine/applicability';
import { definedRoles } from '../../harness/roles/contract';
import { loadProfile } from '../../harness/profile/profile';
import type { Iut } from '../../harness/profile/sections/iut';
import { demoAccounts } from '../../harness/topology/accounts';
import { EmbeddedTopology } from '../../harness/topology/embedded';
import { ExternalTopology } from '../../harness/topology/external';
import { containerRoles, embeddedRoles } from '../../harness/topology/registry';
import { InProcessFleet } from '../containers/in-process-fleet';

/** A port nothing listens on: the vendor's server is down. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function vendorEvvmServer(): Promise<{ topology: ExternalTopology; transcript: Transcript }> {
  const pki = await sharedTestPki();
  const profile = loadProfile();
  const transcript = new Transcript();
  const embedded = new EmbeddedTopology(pki, profile, demoAccounts('scenario'), [], transcript);
  const iut: Iut = { role: 'evvm-server', host: '127.0.0.1', servername: 'evvm-server.op.example', ports: { imaps: await closedPort() }, trustAnchorPem: pki.trustAnchorPem, badClientCertificates: {}, accounts: [], timeoutMs: 2000 };
  return { topology: new ExternalTopology(embedded, iut, profile, pki, [], transcript), transcript };
}

test('every role of the authentication and TLS-version contracts has an embedded and a container implementation', () => {
  for (const role of ['evvm-server', 'evvm-client', 'imap-adversaries', 'tls-version-equipment'] as const) {
    assert.ok(definedRoles().includes(role), `${role} is a role some contract defines`);
    assert.ok(embeddedRoles.has(role) && containerRoles.has(role), `${role} is implemented embedded and in containers`);
  }
});

test('a scenario ends as its steps left it: passed, not applicable with its reason, or a classified failure', () => {
  assert.deepEqual(scenarioOutcome('PASSED', undefined, undefined, undefined), { outcome: 'pass' });
  assert.deepEqual(scenarioOutcome('SKIPPED', undefined, 'the EVVM Server declares no STARTTLS port', undefined), { outcome: 'not-applicable', reason: 'the EVVM Server declares no STARTTLS port' });
  assert.equal(scenarioOutcome('SKIPPED', undefined, undefined, undefined).outcome, 'error', 'skipped without a reason is no verdict');
  assert.equal(scenarioOutcome('FAILED', new CheckFailure('EVVM-AUTH-01', 'LoginRefused', 'OK'), undefined, undefined).outcome, 'fail');
  assert.equal(scenarioOutcome('FAILED', new InconclusiveError('unreachable'), undefined, undefined).outcome, 'inconclusive');
});

test("with a vendor's EVVM Server, a passed scenario that never reached it is not applicable; one that did is judged", async () => {
  const { topology } = await vendorEvvmServer();
  try {
    assert.deepEqual(scenarioOutcome('PASSED', undefined, undefined, topology), { outcome: 'not-applicable', reason: iutNotReached('evvm-server') });
    await assert.rejects(topology.role('evvm-server'), (err: Error) => err instanceof InconclusiveError && /EVVM Server \(IUT\).*unreachable/.test(err.message));
    assert.deepEqual(scenarioOutcome('PASSED', undefined, undefined, topology), { outcome: 'pass' });
  } finally {
    await topology.stop();
  }
});

test("the clients face no stand-in in containers or beside a vendor's server: not applicable, with the reason", async () => {
  const { topology: vendor } = await vendorEvvmServer();
  const fleet = await InProcessFleet.start([]);
  try {
    const { topology: containers } = await fleet.scenario();
    const inContainers = await (await containers.role('tls-version-equipment')).standIn('evvm-server-imap', 'implicit-tls', 'TLSv1');
    assert.deepEqual(inContainers, { notApplicable: "the containers topology has no single-version stand-in on the run's network; the embedded topology judges these clients" });
    const besideVendor = await (await vendor.role('tls-version-equipment')).standIn('evvm-server-imap', 'implicit-tls', 'TLSv1');
    assert.deepEqual(besideVendor, { notApplicable: "the clients facing a stand-in are the harness's own simulators; the server under test plays no part" });
    assert.equal(vendor.iutInvolved, false, 'asking for the equipment reaches no implementation under test');
    await containers.stop();
  } finally {
    await vendor.stop();
    await fleet.close();
  }
});
