/**
 * The interworking clause's container roles without a Docker engine: each role's driven host runs in this
 * process on its own loopback pool ports (as each container would), and the container role factories
 * (harness/topology/containers/interworking.ts) drive them through their control APIs. Published ports
 * and network endpoints are then the same loopback ports, so what is checked is the split itself: which
 * host runs which simulator, what crosses the control API, and that faults reach the right simulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPki } from '../../simulators/crypto/pki/transfer';
import { sharedTestPki, smimePkiFor } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { SIGNATURE_INVALID_FLAG } from '../../simulators/evvm-server/interworking';
import { ControlClient } from '../../harness/topology/containers/control-client';
import { DrivenHost } from '../../harness/simulate/driven';
import { Transcript, type TranscriptEntry } from '../../harness/evidence/transcript';
import { demoAccounts, type TestAccount } from '../../harness/topology/accounts';
import { loadProfile, type Profile } from '../../harness/profile/profile';
import { containerRoles, type ContainersContext, type RoleMap, type RoleName } from '../../harness/topology/registry';
import type { Topology } from '../../harness/topology/roles';
import type { ContainerRole } from '../../harness/topology/containers/names';
import '../../harness/topology/containers/interworking';
import { freePorts } from '../containers/free-ports';

const ROLES: ContainerRole[] = ['evvm-server', 'forwarding-gateway', 'non-oma-vm', 'evvm-server-peer', 'adversaries'];

/** The driven hosts of a "fleet" in this process, each with its pool ports; set up once. */
const fleet = new Map<ContainerRole, { host: DrivenHost; client: ControlClient; pool: number[] }>();
let pki: TestPki;
let accounts: TestAccount[];
let profile: Profile;

before(async () => {
  pki = await sharedTestPki();
  accounts = demoAccounts('iw');
  profile = loadProfile();
  const transfer = exportPki(pki, await smimePkiFor(pki));
  const peers = Object.fromEntries(ROLES.map((r) => [r, '127.0.0.1']));
  for (const role of ROLES) {
    const pool = await freePorts(10);
    const host = new DrivenHost(role, { poolPorts: pool, host: '127.0.0.1' });
    const client = new ControlClient(role, new URL(await host.listen('127.0.0.1', 0)));
    await client.call('POST /setup', { pki: transfer, accounts, profile, peers });
    fleet.set(role, { host, client, pool });
  }
});

after(async () => {
  for (const { host, client } of fleet.values()) {
    client.close();
    await host.close();
  }
});

/** One scenario over the in-process fleet: the container context the role factories get. */
class Scenario {
  readonly transcript = new Transcript();
  readonly begun = new Set<ContainerRole>();
  private readonly roles = new Map<string, Promise<unknown>>();
  readonly ctx: ContainersContext;
  readonly topology: Topology;

  constructor(readonly faults: string[] = []) {
    const roles = this.roles;
    const ctx = (): ContainersContext => this.ctx;
    this.topology = {
      kind: 'containers',
      accounts,
      trustAnchorPem: pki.trustAnchorPem,
      account: (name) => accounts.find((a) => a.name === name)!,
      role: <K extends RoleName>(name: K): Promise<RoleMap[K]> => containerRoles.instance(name, roles, ctx()),
      evvmServer: () => Promise.reject(new Error('not used here')),
      evvmClient: () => Promise.reject(new Error('not used here')),
      rogueImapServer: () => Promise.reject(new Error('not used here')),
      starttlsStripper: () => Promise.reject(new Error('not used here')),
      clientCredential: () => undefined,
      stop: () => this.end().then(() => undefined),
    };
    this.ctx = {
      pki,
      profile,
      accounts,
      faults,
      transcript: this.transcript,
      topology: this.topology,
      control: async (role) => {
        const c = fleet.get(role)!.client;
        if (!this.begun.has(role)) {
          this.begun.add(role);
          await c.call('POST /scenario/begin', { faults });
        }
        return c;
      },
      // the pool ports listen on loopback: what the harness reaches and what containers reach are one
      published: (_role, port) => ({ host: '127.0.0.1', port }),
      onNetwork: (e) => e,
      onStop: () => undefined,
    };
  }

  /** Ends the scenario everywhere it began; each host's transcript, by role. */
  async end(): Promise<Map<ContainerRole, TranscriptEntry[]>> {
    const out = new Map<ContainerRole, TranscriptEntry[]>();
    for (const role of this.begun) out.set(role, (await fleet.get(role)!.client.call<{ transcript: TranscriptEntry[] }>('POST /scenario/end')).transcript);
    return out;
  }
}

const alice = () => accounts.find((a) => a.name === 'alice')!;

test('a forwarded voicemail leaves the evvm-server host for the Forwarding Gateway host, signed, and arrives intact', async () => {
  const s = new Scenario();
  const home = await s.topology.role('evvm-server-smtp');
  const fgw = await s.topology.role('forwarding-gateway');
  const eq = await s.topology.role('interworking-equipment');
  // every endpoint the steps see is a published pool port of the right host
  assert.ok(fleet.get('evvm-server')!.pool.includes(home.endpoint('deposit', 'starttls')!.port));
  assert.ok(fleet.get('forwarding-gateway')!.pool.includes(fgw.endpoint('starttls').port));
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
  const logs = await s.end();
  assert.ok(logs.get('forwarding-gateway')!.some((e) => e.actor === 'Forwarding Gateway' && /forwarded/.test(e.text)), 'the gateway wrote its own transcript');
  assert.ok(!logs.has('adversaries'), 'no adversary was involved');
});

test('the peer EVVM Server host relays into a mailbox; a re-encoded relay is flagged by the evvm-server host', async () => {
  const s = new Scenario();
  const home = await s.topology.role('evvm-server-smtp');
  const peer = await s.topology.role('evvm-server-peer');
  const eq = await s.topology.role('interworking-equipment');
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
  const logs = await s.end();
  assert.ok(logs.get('evvm-server-peer')!.some((e) => e.actor === 'Peer EVVM Server'));
  for (const entries of logs.values()) for (const e of entries) assert.doesNotMatch(e.text, new RegExp(alice().password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

test('an impostor runs in the adversaries host and the EVVM Server is routed to it; a peer without STARTTLS gets nothing', async () => {
  const s = new Scenario();
  const home = await s.topology.role('evvm-server-smtp');
  const eq = await s.topology.role('interworking-equipment');
  const imp = await eq.impostor('interServer', 'no-starttls');
  assert.ok(fleet.get('adversaries')!.pool.includes(imp.endpoint('starttls').port));
  await home.setForwarding(alice().identifiers.MSISDN, 'dave@peer.example');
  const vm = await eq.voicemail('+15557777@pstn.example', alice().identifiers['e-mail alias']);
  await home.leaveVoicemail(alice().identifiers.MSISDN, vm.raw);
  const [relay] = await home.outbound(1);
  assert.equal(relay?.result.delivered, false);
  assert.equal(relay?.endpoint?.port, imp.endpoint('starttls').port);
  assert.deepEqual(await imp.received(), []);
  assert.ok((await imp.sessions()).length >= 1, 'the EVVM Server did reach the impostor');
  await s.end();
});

test("a fault is switched on in its own role's host only", async () => {
  const s = new Scenario(['forwarding-gateway:accept-without-client-cert']);
  const fgw = await s.topology.role('forwarding-gateway');
  const eq = await s.topology.role('interworking-equipment');
  const vm = await eq.voicemail(alice().identifiers['e-mail alias'], 'bob.home@mail.example');
  const r = await eq.send(fgw.endpoint('starttls'), 'evvmServer', 'missing', { from: alice().identifiers['e-mail alias'], to: 'bob.home@mail.example', raw: vm.raw });
  assert.equal(r.delivered, true, 'the faulty gateway takes mail from a sender without a certificate');
  // the same sender at the (conformant) EVVM Server's gateway interface is refused
  const home = await s.topology.role('evvm-server-smtp');
  const result = await (await s.topology.role('forwarding-gateway')).reportResult(alice().identifiers['e-mail alias'], 'missing');
  assert.equal(result.delivered, false);
  assert.ok((await home.observations()).sessions.some((x) => x.iface === 'forwardingGateway' && x.peer && !x.peer.accepted));
  await s.end();
});

test('the Non-OMA VM Service host delivers VPIM into a mailbox, and refuses an impostor EVVM Server', async () => {
  const s = new Scenario();
  const home = await s.topology.role('evvm-server-smtp');
  const vm = await s.topology.role('non-oma-vm');
  const eq = await s.topology.role('interworking-equipment');
  assert.equal(vm.domain, 'legacy-vm.example');
  const ok = await vm.sendVoicemail({ from: '+15559001', to: alice().identifiers['e-mail alias'], messageId: '<vpim-unit@legacy-vm.example>' }, 'valid');
  assert.equal(ok.delivered, true, ok.reason);
  assert.equal((await home.mailbox(alice().identifiers.MSISDN)).filter((m) => m.raw.toString('latin1').includes('<vpim-unit@legacy-vm.example>')).length, 1);
  const imp = await eq.impostor('evvmServer', 'untrusted-ca');
  const refused = await vm.sendVoicemail({ from: '+15559001', to: alice().identifiers['e-mail alias'] }, 'valid', imp.endpoint('starttls'));
  assert.equal(refused.stage, 'server-authentication');
  assert.deepEqual(await imp.received(), []);
  await s.end();
});

test('bad requests are refused with a reason, not a crash', async () => {
  const s = new Scenario();
  await s.topology.role('evvm-server-smtp');
  const c = await s.ctx.control('evvm-server');
  await assert.rejects(c.call('POST /evvm-server-smtp/route', { link: 'elsewhere', endpoint: { host: 'x', port: 1, servername: 'x', transport: 'starttls' } }), /refused.*link/);
  await assert.rejects(c.call('POST /evvm-server-smtp/leave-voicemail', { identifier: 'tel:+15550001', raw: 'not bytes' }), /refused.*raw/);
  const a = await s.ctx.control('adversaries');
  await assert.rejects(a.call('POST /smtp-impostor/received', { id: '42' }), /no SMTP impostor "42"/);
  await assert.rejects(a.call('POST /smtp-impostor/start', { party: 'evvmServer', flaw: 'revoked' }), /refused.*flaw/);
  await s.end();
});
