/**
 * The Message Storage clause's container roles without a Docker engine: the three driven hosts it uses
 * (message-storage, evvm-server, adversaries) run in this process on loopback pool ports, and the harness
 * side (harness/topology/containers/message-storage.ts) is driven through a ContainersContext whose
 * "published" and "on the network" views are the same loopback ports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPki } from '../../simulators/crypto/pki/transfer';
import { sharedTestPki, smimePkiFor } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { ControlClient } from '../../harness/topology/containers/control-client';
import { DrivenHost } from '../../harness/simulate/driven';
import { Transcript, type TranscriptEntry } from '../../harness/evidence/transcript';
import { demoAccounts, type TestAccount } from '../../harness/topology/accounts';
import { loadProfile, type Profile } from '../../harness/profile/profile';
import { containerRoles, type ContainersContext } from '../../harness/topology/registry';
import type { Topology } from '../../harness/topology/roles';
import type { ContainerRole } from '../../harness/topology/containers/names';
import { mssCredentials } from '../../harness/topology/embedded/message-storage';
import '../../harness/topology/containers/message-storage';
import { CpmClient } from '../../simulators/message-storage/cpm-client';
import { freePorts } from '../containers/free-ports';

const ROLES: ContainerRole[] = ['message-storage', 'evvm-server', 'adversaries'];

/** The clause's containers as local driven hosts, set up for one run, and a scenario's context over them. */
class LocalFleet {
  readonly transcript = new Transcript();
  private readonly begun = new Set<ContainerRole>();
  private readonly stoppers: Array<() => Promise<void>> = [];
  /** the scenario's roles, made once each */
  readonly roles = new Map<string, Promise<unknown>>();

  private constructor(
    readonly hosts: Map<ContainerRole, DrivenHost>,
    readonly clients: Map<ContainerRole, ControlClient>,
    readonly pki: TestPki,
    readonly profile: Profile,
    readonly accounts: TestAccount[],
    readonly faults: string[],
  ) {}

  static async start(faults: string[] = []): Promise<LocalFleet> {
    const pki = await sharedTestPki();
    const accounts = demoAccounts(`mss-containers-${Date.now()}`);
    const profile = loadProfile();
    const hosts = new Map<ContainerRole, DrivenHost>();
    const clients = new Map<ContainerRole, ControlClient>();
    const transfer = exportPki(pki, await smimePkiFor(pki));
    for (const role of ROLES) {
      const host = new DrivenHost(role, { poolPorts: await freePorts(4), host: '127.0.0.1' });
      const client = new ControlClient(role, new URL(await host.listen('127.0.0.1', 0)));
      await client.call('POST /setup', { pki: transfer, accounts, profile, peers: Object.fromEntries(ROLES.map((r) => [r, '127.0.0.1'])) });
      hosts.set(role, host);
      clients.set(role, client);
    }
    return new LocalFleet(hosts, clients, pki, profile, accounts, faults);
  }

  /** A scenario's ContainersContext: harness and containers share the loopback, so both views are the same. */
  context(): ContainersContext {
    return {
      pki: this.pki,
      profile: this.profile,
      accounts: this.accounts,
      faults: this.faults,
      transcript: this.transcript,
      topology: {} as Topology,
      control: async (role) => {
        const c = this.clients.get(role)!;
        if (!this.begun.has(role)) await c.call('POST /scenario/begin', { faults: this.faults });
        this.begun.add(role);
        return c;
      },
      published: (_role, port) => ({ host: '127.0.0.1', port }),
      onNetwork: (e) => e,
      onStop: (stop) => this.stoppers.push(stop),
    };
  }

  /** The scenario's instance of one of the clause's roles, as the container topology makes it. */
  role<K extends 'message-storage' | 'evvm-server-storage' | 'message-storage-adversaries'>(name: K, ctx: ContainersContext) {
    return containerRoles.instance(name, this.roles, ctx);
  }

  /** Ends the scenario everywhere; the containers' transcripts by role. */
  async end(): Promise<Map<ContainerRole, TranscriptEntry[]>> {
    for (const s of this.stoppers.reverse()) await s();
    const out = new Map<ContainerRole, TranscriptEntry[]>();
    for (const role of this.begun) out.set(role, (await this.clients.get(role)!.call<{ transcript: TranscriptEntry[] }>('POST /scenario/end')).transcript);
    this.begun.clear();
    this.roles.clear();
    return out;
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) c.close();
    for (const h of this.hosts.values()) await h.close();
  }
}



const text = (entries: readonly TranscriptEntry[] | undefined): string => JSON.stringify(entries ?? []);

test('the Message Storage Server runs in its container with the credentials the harness made; subscription is out of band', async () => {
  const fleet = await LocalFleet.start();
  try {
    const store = await fleet.role('message-storage', fleet.context());
    const creds = mssCredentials(fleet.accounts);
    const alice = store.account('alice');
    assert.equal(alice.password, creds.accounts[0]!.password, 'the harness owns the run\'s credentials');
    const endpoint = store.endpoint('implicit-tls')!;
    assert.equal(endpoint.servername, 'message-storage.op.example');
    const open = async () => {
      const c = await CpmClient.open({ endpoint, transport: 'implicit-tls', trustAnchorPem: store.trustAnchorPem, certificate: store.clientCredential('valid'), transcript: fleet.transcript, timeoutMs: 3000 });
      assert.ok(c.serverAuthenticated, c.connectError);
      return c;
    };
    let client = await open();
    assert.equal((await client.login(alice.username, alice.password)).status, 'OK');
    client.close();
    client = await open();
    assert.equal((await client.login(alice.username, alice.password + 'x')).status, 'NO');
    client.close();

    const frank = await store.subscribe('frank');
    assert.deepEqual(store.account('frank'), frank, 'the subscribed account is what the role answers for it');
    client = await open();
    assert.equal((await client.login(frank.username, frank.password)).status, 'OK');
    client.close();

    const psk = store.psk()!;
    assert.ok(psk.key.equals(creds.psk));
    client = await CpmClient.open({ endpoint: store.pskEndpoint()!, transport: 'implicit-tls', trustAnchorPem: store.trustAnchorPem, psk: { ...psk, version: 'TLSv1.3' }, transcript: fleet.transcript, timeoutMs: 3000 });
    assert.equal(client.greeting, 'OK', client.connectError);
    client.close();

    const transcripts = await fleet.end();
    const inside = text(transcripts.get('message-storage'));
    assert.match(inside, /LOGIN/);
    for (const secret of [alice.password, frank.password, frank.tuiPin!, frank.sip!.password, creds.psk.toString('hex')]) assert.ok(!inside.includes(secret), 'no secret in the container\'s transcript');
  } finally {
    await fleet.close();
  }
});

test("the EVVM Server stores into the Message Storage Server from its own container, and a rogue gets no credential", async () => {
  const fleet = await LocalFleet.start();
  try {
    const ctx = fleet.context();
    const store = await fleet.role('message-storage', ctx);
    const evvm = await fleet.role('evvm-server-storage', ctx);
    assert.equal(evvm.actor, 'EVVM Server');

    const stored = await evvm.depositAndStore('alice', store.storageTarget('alice'));
    assert.ok(stored.result.serverAuthenticated && stored.result.clientCertificatePresented, stored.result.error);
    assert.ok(stored.result.stored && stored.result.confirmed, stored.result.error);

    const wrong = store.storageTarget('alice');
    wrong.account = { ...wrong.account, password: wrong.account.password + 'x' };
    const refused = await evvm.depositAndStore('alice', wrong);
    assert.ok(!refused.result.loggedIn && !refused.result.stored);

    const rogue = await (await fleet.role('message-storage-adversaries', ctx)).rogue('untrusted-ca');
    const fooled = await evvm.depositAndStore('alice', rogue.target());
    assert.ok(!fooled.result.serverAuthenticated && !fooled.result.stored);
    assert.ok(!(await rogue.clientBytes()).toString('latin1').includes(rogue.credential), 'the rogue captured no password');

    const transcripts = await fleet.end();
    for (const r of ROLES) assert.ok(!text(transcripts.get(r)).includes(store.account('alice').password), `no password in the ${r} container's transcript`);
    assert.match(text(transcripts.get('evvm-server')), /stored and read back/);
  } finally {
    await fleet.close();
  }
});

test('the IF-5 faults act in the containers: an EVVM Server that skips the certificate check hands the rogue its credential', async () => {
  const fleet = await LocalFleet.start(['evvm-server:mss-skip-server-cert-check']);
  try {
    const ctx = fleet.context();
    const rogue = await (await fleet.role('message-storage-adversaries', ctx)).rogue('wrong-host');
    const r = await (await fleet.role('evvm-server-storage', ctx)).depositAndStore('alice', rogue.target());
    assert.ok(r.result.loggedIn, r.result.error);
    assert.ok((await rogue.clientBytes()).toString('latin1').includes(rogue.credential));
    await fleet.end();
  } finally {
    await fleet.close();
  }
});

test('the driven routes refuse what they cannot do, without secrets in the answer', async () => {
  const fleet = await LocalFleet.start();
  try {
    const ctx = fleet.context();
    const mss = await ctx.control('message-storage');
    await assert.rejects(mss.call('POST /message-storage/subscribe', { name: 'frank' }), /no Message Storage Server in this scenario/);
    await assert.rejects(mss.call('POST /message-storage/start', { accounts: [], psk: 'not bytes' }), /psk/);
    await assert.rejects((await ctx.control('adversaries')).call('POST /message-storage-rogue/start', { flaw: 'bogus', account: { username: 'a', password: 'p' } }), /flaw/);
    await assert.rejects((await ctx.control('adversaries')).call('POST /captured', { id: '9' }), /no adversary/);
    const store = await fleet.role('message-storage', ctx);
    await assert.rejects(mss.call('POST /message-storage/subscribe', { name: 'Not A Name' }), /name/);
    const target = store.storageTarget('alice');
    const error = await (await ctx.control('evvm-server')).call('POST /evvm-server-storage/deposit-and-store', { name: 'nobody', target }).then(() => '', (e: Error) => e.message);
    assert.match(error, /no mailbox for "nobody"/);
    assert.ok(!error.includes(target.account.password));
    await fleet.end();
  } finally {
    await fleet.close();
  }
});
