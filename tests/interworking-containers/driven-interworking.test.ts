/**
 * The interworking clause's container roles without a Docker engine: each role's driven host runs in this
 * process on its own loopback pool ports (tests/containers/in-process-fleet.ts), and the harness reaches
 * them exactly as it reaches containers: through the real ContainersTopology (control API, tunnels to the
 * published ports, endpoint translation, transcript merge) and the container role factories
 * (harness/topology/containers/clauses/interworking.ts). What is checked is the split itself: which host runs which
 * simulator, what crosses the control API, and that faults reach the right simulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNATURE_INVALID_FLAG } from '../../simulators/evvm-server/interworking';
import type { Transcript } from '../../evidence/transcript';
import type { TestAccount } from '../../harness/topology/accounts';
import type { ContainerRole } from '../../harness/topology/containers/names';
import { fleetLink, type ContainersTopology } from '../../harness/topology/containers/topology';
import '../../harness/topology/containers/clauses/interworking';
import { InProcessFleet } from '../containers/in-process-fleet';

const ROLES: ContainerRole[] = ['evvm-server', 'forwarding-gateway', 'non-oma-vm', 'evvm-server-peer', 'adversaries'];

/** The driven hosts of a "fleet" in this process; set up once, one scenario per test. */
let fleet: InProcessFleet;

before(async () => {
  fleet = await InProcessFleet.start(ROLES);
});

after(async () => {
  await fleet?.close();
});

/**
 * One scenario over the fleet: the body drives the topology; the scenario is then ended in every host it
 * used (also when the body fails) and the merged transcript handed back.
 */
async function scenario(faults: string[], body: (topology: ContainersTopology) => Promise<void>): Promise<Transcript> {
  const { topology, transcript } = await fleet.scenario(faults);
  try {
    await body(topology);
  } finally {
    await topology.stop();
  }
  return transcript;
}

/**
 * Whether an endpoint the harness sees is published from one of `role`'s pool ports: a tunnel port of the
 * run's fleet link (not a pool port itself) that leads, on the network, to that role's pool.
 */
async function publishedFrom(role: ContainerRole, endpoint: { host: string; port: number }): Promise<boolean> {
  const pools = Object.values(fleet.info.roles).flatMap((r) => r.pool);
  if (pools.includes(endpoint.port)) return false;
  // the same link fleet.scenario() uses (one per run id and profile)
  const link = await fleetLink(fleet.info, fleet.pki, fleet.accounts, fleet.profile, []);
  return fleet.info.roles[role]!.pool.includes(link.onNetwork(endpoint).port);
}

const alice = (): TestAccount => fleet.accounts.find((a) => a.name === 'alice')!;
const actors = (t: Transcript): Set<string> => new Set(t.entries().map((e) => e.actor));
/** actors of the adversaries host (harness/roles/interworking.ts smtpImpostor, rogue IMAP, strippers) */
const ADVERSARY = /Impostor|without STARTTLS|Rogue|Stripper/;

test('a forwarded voicemail leaves the evvm-server host for the Forwarding Gateway host, signed, and arrives intact', async () => {
  const transcript = await scenario([], async (topology) => {
    const home = await topology.role('evvm-server-smtp');
    const fgw = await topology.role('forwarding-gateway');
    const eq = await topology.role('interworking-equipment');
    // every endpoint the steps see is a published pool port of the right host
    assert.ok(await publishedFrom('evvm-server', home.endpoint('deposit', 'starttls')!));
    assert.ok(await publishedFrom('forwarding-gateway', fgw.endpoint('starttls')));
    assert.equal(fgw.endpoint('implicit-tls').servername, 'forwarding-gateway.op.example');
    await home.setForwarding(alice().identifiers.MSISDN, 'alice.home@mail.example');
    const vm = await eq.voicemail('+15557777@pstn.example', alice().identifiers['e-mail alias'], 'evvmServer');
    await home.leaveVoicemail(alice().identifiers.MSISDN, vm.raw);
    const [relay] = await home.outbound(1);
    assert.equal(relay?.result.delivered, true, relay?.result.reason);
    assert.equal(relay?.endpoint?.port, fgw.endpoint('starttls').port, 'the EVVM Server was routed to the gateway by its endpoint');
    const copy = (await fgw.forwarded()).find((d) => d.messageId === vm.messageId);
    assert.ok(copy && Buffer.isBuffer(copy.raw), 'the copy comes back as bytes');
    assert.equal((await eq.verifySignature(copy.raw)).valid, true);
    assert.ok((await fgw.sessions()).some((x) => x.peer?.authenticated && x.peer.identity === 'evvm-server.op.example'));
  });
  assert.ok(transcript.entries().some((e) => e.actor === 'Forwarding Gateway' && /forwarded/.test(e.text)), 'the gateway wrote its own transcript');
  const seen = [...actors(transcript)];
  assert.ok(!seen.some((a) => ADVERSARY.test(a)), `no adversary was involved: ${seen.join(', ')}`);
});

test('the peer EVVM Server host relays into a mailbox; a re-encoded relay is flagged by the evvm-server host', async () => {
  const transcript = await scenario([], async (topology) => {
    const home = await topology.role('evvm-server-smtp');
    const peer = await topology.role('evvm-server-peer');
    const eq = await topology.role('interworking-equipment');
    assert.equal(peer.mailboxAddress, 'dave@peer.example');
    peer.reEncodeRelays(true);
    const vm = await eq.voicemail('dave@peer.example', alice().identifiers['e-mail alias'], 'interServer');
    const r = await peer.sendVoicemail({ from: 'dave@peer.example', to: alice().identifiers['e-mail alias'], raw: vm.raw }, 'valid', 'implicit-tls');
    assert.equal(r.delivered, true, r.reason);
    const held = (await home.mailbox(alice().identifiers.MSISDN)).filter((m) => m.raw.toString('latin1').includes(vm.messageId));
    assert.equal(held.length, 1);
    assert.ok(held[0]!.flags.includes(SIGNATURE_INVALID_FLAG));
    const o = await home.observations();
    assert.ok(o.sessions.some((x) => x.iface === 'interServer' && x.peer?.authenticated));
  });
  assert.ok(actors(transcript).has('Peer EVVM Server'), [...actors(transcript)].join(', '));
  const password = new RegExp(alice().password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  for (const e of transcript.entries()) assert.doesNotMatch(e.text, password);
});

test('an impostor runs in the adversaries host and the EVVM Server is routed to it; a peer without STARTTLS gets nothing', async () => {
  await scenario([], async (topology) => {
    const home = await topology.role('evvm-server-smtp');
    const eq = await topology.role('interworking-equipment');
    const imp = await eq.impostor('interServer', 'no-starttls');
    assert.ok(await publishedFrom('adversaries', imp.endpoint('starttls')));
    await home.setForwarding(alice().identifiers.MSISDN, 'dave@peer.example');
    const vm = await eq.voicemail('+15557777@pstn.example', alice().identifiers['e-mail alias']);
    await home.leaveVoicemail(alice().identifiers.MSISDN, vm.raw);
    const [relay] = await home.outbound(1);
    assert.equal(relay?.result.delivered, false);
    assert.equal(relay?.endpoint?.port, imp.endpoint('starttls').port);
    assert.deepEqual(await imp.received(), []);
    assert.ok((await imp.sessions()).length >= 1, 'the EVVM Server did reach the impostor');
  });
});

test("a fault is switched on in its own role's host only", async () => {
  await scenario(['forwarding-gateway:accept-without-client-cert'], async (topology) => {
    const fgw = await topology.role('forwarding-gateway');
    const eq = await topology.role('interworking-equipment');
    const vm = await eq.voicemail(alice().identifiers['e-mail alias'], 'bob.home@mail.example');
    const r = await eq.send(fgw.endpoint('starttls'), 'evvmServer', 'missing', { from: alice().identifiers['e-mail alias'], to: 'bob.home@mail.example', raw: vm.raw });
    assert.equal(r.delivered, true, 'the faulty gateway takes mail from a sender without a certificate');
    // the same sender at the (conformant) EVVM Server's gateway interface is refused
    const home = await topology.role('evvm-server-smtp');
    const result = await (await topology.role('forwarding-gateway')).reportResult(alice().identifiers['e-mail alias'], 'missing');
    assert.ok('delivered' in result && !result.delivered, 'the gateway in its container reports, and is refused');
    assert.ok((await home.observations()).sessions.some((x) => x.iface === 'forwardingGateway' && x.peer && !x.peer.accepted));
  });
});

test('the Non-OMA VM Service host delivers VPIM into a mailbox, and refuses an impostor EVVM Server', async () => {
  await scenario([], async (topology) => {
    const home = await topology.role('evvm-server-smtp');
    const vm = await topology.role('non-oma-vm');
    const eq = await topology.role('interworking-equipment');
    assert.equal(vm.domain, 'legacy-vm.example');
    const ok = await vm.sendVoicemail({ from: '+15559001', to: alice().identifiers['e-mail alias'], messageId: '<vpim-unit@legacy-vm.example>' }, 'valid');
    assert.equal(ok.delivered, true, ok.reason);
    assert.equal((await home.mailbox(alice().identifiers.MSISDN)).filter((m) => m.raw.toString('latin1').includes('<vpim-unit@legacy-vm.example>')).length, 1);
    const imp = await eq.impostor('evvmServer', 'untrusted-ca');
    const refused = await vm.sendVoicemail({ from: '+15559001', to: alice().identifiers['e-mail alias'] }, 'valid', imp.endpoint('starttls'));
    assert.equal(refused.stage, 'server-authentication');
    assert.deepEqual(await imp.received(), []);
  });
});

test('bad requests are refused with a reason, not a crash', async () => {
  await scenario([], async (topology) => {
    await topology.role('evvm-server-smtp');
    const c = await topology.control('evvm-server');
    await assert.rejects(c.call('POST /evvm-server-smtp/route', { link: 'elsewhere', endpoint: { host: 'x', port: 1, servername: 'x', transport: 'starttls' } }), /refused.*link/);
    await assert.rejects(c.call('POST /evvm-server-smtp/leave-voicemail', { identifier: 'tel:+15550001', raw: 'not bytes' }), /refused.*raw/);
    const a = await topology.control('adversaries');
    await assert.rejects(a.call('POST /smtp-impostor/received', { id: '42' }), /no SMTP impostor "42"/);
    await assert.rejects(a.call('POST /smtp-impostor/start', { party: 'evvmServer', kind: 'another-host' }), /refused.*kind/);
  });
});
