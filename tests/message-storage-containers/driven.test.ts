/**
 * The Message Storage clause's container roles without a Docker engine: the three driven hosts it uses
 * (message-storage, evvm-server, adversaries) run in this process on loopback (tests/containers/in-process-fleet.ts),
 * and the harness side (harness/topology/containers/clauses/message-storage.ts) is driven through the real
 * ContainersTopology: control API, tunnels, endpoint translation and transcript merge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TranscriptEntry } from '../../evidence/transcript';
import type { ContainerRole } from '../../harness/topology/containers/names';
import { MESSAGE_STORAGE_ROUTES as ROUTES, mssCredentials } from '../../harness/roles/message-storage';
import { CpmClient } from '../../harness/equipment/cpm-client';
import { InProcessFleet } from '../containers/in-process-fleet';

const ROLES: ContainerRole[] = ['message-storage', 'evvm-server', 'adversaries'];

/** The texts of the merged transcript's entries written by these actors. */
const textBy = (entries: readonly TranscriptEntry[], ...actors: string[]): string => JSON.stringify(entries.filter((e) => actors.includes(e.actor)).map((e) => e.text));

test('the Message Storage Server runs in its container with the credentials the harness made; subscription is out of band', async () => {
  const fleet = await InProcessFleet.start(ROLES);
  try {
    const { topology, transcript } = await fleet.scenario();
    const store = await topology.role('message-storage');
    const creds = mssCredentials(fleet.accounts);
    const alice = store.account('alice');
    assert.equal(alice.password, creds.accounts[0]!.password, 'the harness owns the run\'s credentials');
    const endpoint = store.endpoint('implicit-tls')!;
    assert.equal(endpoint.servername, 'message-storage.op.example');
    const open = async () => {
      const c = await CpmClient.open({ endpoint, transport: 'implicit-tls', trustAnchorPem: store.trustAnchorPem, certificate: store.clientCredential('valid'), transcript, timeoutMs: 3000 });
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
    client = await CpmClient.open({ endpoint: store.pskEndpoint()!, transport: 'implicit-tls', trustAnchorPem: store.trustAnchorPem, psk: { ...psk, version: 'TLSv1.3' }, transcript, timeoutMs: 3000 });
    assert.equal(client.greeting, 'OK', client.connectError);
    client.close();

    const ended = await topology.end();
    const inside = textBy(transcript.entries(), store.actor);
    assert.match(inside, /LOGIN/, 'the container\'s entries are merged into the scenario\'s transcript');
    const container = JSON.stringify(ended.get('message-storage'));
    assert.match(container, /LOGIN/);
    const all = JSON.stringify(transcript.entries());
    for (const secret of [alice.password, frank.password, frank.tuiPin!, frank.sip!.password, creds.psk.toString('hex')]) {
      assert.ok(!container.includes(secret), 'no secret in the container\'s transcript');
      assert.ok(!all.includes(secret), 'no secret in the scenario\'s transcript');
    }
  } finally {
    await fleet.close();
  }
});

test("the EVVM Server stores into the Message Storage Server from its own container, and a rogue gets no credential", async () => {
  const fleet = await InProcessFleet.start(ROLES);
  try {
    const { topology, transcript } = await fleet.scenario();
    const store = await topology.role('message-storage');
    const evvm = await topology.role('evvm-server-storage');
    assert.equal(evvm.actor, 'EVVM Server');

    const stored = await evvm.depositAndStore('alice', store.storageTarget('alice'));
    assert.ok(stored.result.serverAuthenticated && stored.result.clientCertificatePresented, stored.result.error);
    assert.ok(stored.result.stored && stored.result.confirmed, stored.result.error);

    const wrong = store.storageTarget('alice');
    wrong.account = { ...wrong.account, password: wrong.account.password + 'x' };
    const refused = await evvm.depositAndStore('alice', wrong);
    assert.ok(!refused.result.loggedIn && !refused.result.stored);

    const rogue = await (await topology.role('message-storage-adversaries')).rogue('untrusted-ca');
    const fooled = await evvm.depositAndStore('alice', rogue.target());
    assert.ok(!fooled.result.serverAuthenticated && !fooled.result.stored);
    assert.ok(!(await rogue.clientBytes()).toString('latin1').includes(rogue.credential), 'the rogue captured no password');

    const ended = await topology.end();
    const entries = transcript.entries();
    const actors = new Set(entries.map((e) => e.actor));
    for (const actor of [store.actor, evvm.actor, rogue.actor]) assert.ok(actors.has(actor), `${actor} in the merged transcript: ${[...actors].join(', ')}`);
    const password = store.account('alice').password;
    for (const r of ROLES) {
      const inside = ended.get(r);
      assert.ok(inside, `the ${r} container handed back its transcript`);
      assert.ok(!JSON.stringify(inside).includes(password), `no password in the ${r} container's transcript`);
    }
    assert.ok(!JSON.stringify(entries).includes(password), 'no password in the scenario\'s transcript');
    assert.match(textBy(entries, evvm.actor), /stored and read back/);
  } finally {
    await fleet.close();
  }
});

test('the IF-5 faults act in the containers: an EVVM Server that skips the certificate check hands the rogue its credential', async () => {
  const fleet = await InProcessFleet.start(ROLES);
  try {
    const { topology } = await fleet.scenario(['evvm-server:mss-skip-server-cert-check']);
    const rogue = await (await topology.role('message-storage-adversaries')).rogue('wrong-host');
    const r = await (await topology.role('evvm-server-storage')).depositAndStore('alice', rogue.target());
    assert.ok(r.result.loggedIn, r.result.error);
    assert.ok((await rogue.clientBytes()).toString('latin1').includes(rogue.credential));
    await topology.stop();
  } finally {
    await fleet.close();
  }
});

test('the driven routes refuse what they cannot do, without secrets in the answer', async () => {
  const fleet = await InProcessFleet.start(ROLES);
  try {
    const { topology } = await fleet.scenario();
    const mss = await topology.control('message-storage');
    const adversaries = await topology.control('adversaries');
    await assert.rejects(mss.call(ROUTES.subscribe.path, { name: 'frank' }), /the Message Storage Server has not been started in this scenario/);
    await assert.rejects(mss.call(ROUTES.start.path, { accounts: [], psk: 'not bytes' }), /psk/);
    await assert.rejects(adversaries.call(ROUTES.rogue.path, { flaw: 'bogus', account: { username: 'a', password: 'p' } }), /flaw/);
    await assert.rejects(adversaries.call(ROUTES.rogueCaptured.path, { id: '9' }), /the rogue Message Storage Server "9" has not been started/);
    const store = await topology.role('message-storage');
    await assert.rejects(mss.call(ROUTES.subscribe.path, { name: 'Not A Name' }), /name/);
    const target = store.storageTarget('alice');
    const error = await (await topology.control('evvm-server')).call(ROUTES.depositAndStore.path, { name: 'nobody', target }).then(() => '', (e: Error) => e.message);
    assert.match(error, /no mailbox for "nobody"/);
    assert.ok(!error.includes(target.account.password));
    await topology.stop();
  } finally {
    await fleet.close();
  }
});
