/**
 * The harness's CPM client (harness/equipment/cpm-test-client.ts) against a real Message Storage Server on
 * loopback, and the clause's conditions (harness/conditions/message-storage) on what it saw: each condition
 * tells a conformant answer from a violation, and what decides nothing is inconclusive, never a pass.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InconclusiveError } from '../../harness/engine/outcomes';
import { requirementById } from '../../harness/catalogue';
import type { Condition } from '../../harness/conditions/condition';
import * as session from '../../harness/conditions/message-storage/session';
import * as starttls from '../../harness/conditions/authentication/starttls';
import * as capabilities from '../../harness/conditions/message-storage/capabilities';
import * as subscription from '../../harness/conditions/message-storage/subscription';
import * as stored from '../../harness/conditions/message-storage/evvm-server-storage';
import { decisive } from '../../harness/equipment/cpm-client';
import { CpmTestClient } from '../../harness/equipment/cpm-test-client';
import type { MessageStorageRole, MssAccount } from '../../harness/roles/message-storage';
import type { StoreResult } from '../../simulators/evvm-server/message-storage-client';
import { ALICE, BOB, PSK, SERVERNAME, startMss, type Mss } from './helpers';

const EVERY_MECHANISM = { loginCommand: true, sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'] };

/** The helpers' server as the Message Storage role (what the embedded topology provides, without a profile). */
function role(mss: Mss, port = mss.imaps): MessageStorageRole {
  const device = mss.pki.leaf('evvm-client');
  const accounts: MssAccount[] = [{ name: 'alice', ...ALICE }, { name: 'bob', ...BOB }];
  return {
    actor: mss.server.actor,
    external: false,
    timeoutMs: 3000,
    trustAnchorPem: mss.pki.trustAnchorPem,
    endpoint: (t) => ({ host: '127.0.0.1', port: t === 'implicit-tls' ? port : mss.imap, servername: SERVERNAME }),
    pskEndpoint: () => ({ host: '127.0.0.1', port, servername: SERVERNAME }),
    clientCredential: () => ({ chainPem: device.chainPem, keyPem: device.keyPem }),
    psk: () => PSK,
    account: (name) => accounts.find((a) => a.name === name)!,
    knownAccounts: () => accounts,
    subscribe: async (name) => ({ name, ...mss.server.subscribe({ username: `${name}@op.example` }) }),
    storageTarget: () => assert.fail('not used here'),
  };
}

describe('the CPM test client', () => {
  let mss: Mss;
  const opened: CpmTestClient[] = [];
  const upgrades: Array<string | undefined> = [];
  const client = (declared = EVERY_MECHANISM, port?: number) => {
    const c = new CpmTestClient(role(mss, port), mss.transcript, declared, (failed) => upgrades.push(failed));
    opened.push(c);
    return c;
  };

  before(async () => {
    mss = await startMss();
  });
  after(async () => {
    for (const c of opened) c.close();
    await mss.server.stop();
  });

  it('connects with implicit TLS by default, upgrades a STARTTLS connection and reports the upgrade', async () => {
    const c = client();
    await c.connect();
    assert.ok(c.connection.serverAuthenticated);
    upgrades.length = 0;
    await c.connect({ transport: 'starttls' });
    assert.deepEqual(upgrades, [undefined], 'one STARTTLS upgrade, TLS up');
    await c.connectClear();
    assert.ok(c.capabilitiesBeforeTls.includes('LOGINDISABLED'), c.capabilitiesBeforeTls.join(' '));
    assert.equal(upgrades.length, 1, 'the clear channel is not upgraded');
  });

  it('signs in by LOGIN when declared, else by a SASL mechanism that carries a password, else not at all', async () => {
    const c = client();
    await c.connect();
    assert.equal(await c.signIn(ALICE.username, ALICE.password, 'alice'), true);
    assert.equal(c.attempt?.status, 'OK');
    const m = await c.mailboxSession();
    assert.equal(m.own?.name, 'alice');
    assert.equal(m.session.loggedIn, true);
    const sasl = client({ loginCommand: false, sasl: ['EXTERNAL', 'SCRAM-SHA-256'] });
    assert.equal(await sasl.signIn(ALICE.username, ALICE.password, 'alice', {}), true);
    assert.equal(sasl.attempt?.status, 'OK');
    assert.match(mss.transcript.entries().map((e) => e.text).join('\n'), /AUTHENTICATE SCRAM-SHA-256/);
    assert.equal(await client({ loginCommand: false, sasl: ['EXTERNAL'] }).signIn(ALICE.username, ALICE.password, 'alice', {}), false);
  });

  it('a wrong password is refused and opens no session: the conditions say so', async () => {
    const c = client();
    await c.signIn(ALICE.username, 'not-the-password', undefined, {});
    assert.equal(session.authenticationRefused.judge(c.attempt!).ok, true);
    assert.equal(session.noMessageStorageSession.judge(c.connection, await c.connection.selectInbox()).ok, true);
  });

  it('PSK-TLS: the provisioned identity and key get a session, an unknown identity or a wrong key do not', async () => {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const c = client();
      await c.connectPsk({ version });
      assert.equal(session.pskTlsSession.judge(c.pskSession, c.connection).ok, true, c.connection.connectError);
      for (const spoilt of [{ identity: 'unknown' as const }, { key: 'wrong' as const }]) {
        await c.connectPsk({ version, ...spoilt });
        assert.equal(session.noPskTlsSession.judge(c.pskSession, c.connection).ok, true, JSON.stringify(spoilt));
      }
    }
  });

  it('subscription hands the pre-configured password to the client configuration, and it opens the store', async () => {
    const c = client();
    await c.subscribe('dave');
    await c.subscribe('erin');
    const dave = c.account('dave');
    assert.equal(c.passwordOf('pre-configured password', 'dave'), dave.password);
    assert.equal(subscription.distinctPreconfiguredPasswords.judge(dave, c.account('erin')).ok, true);
    assert.equal(subscription.distinctPreconfiguredPasswords.judge(dave, { ...c.account('erin'), password: dave.password }).ok, false);
    assert.equal(await c.signIn(dave.username, dave.password, 'dave', {}), true);
    assert.equal(c.attempt?.status, 'OK');
    assert.throws(() => c.passwordOf('pre-configured password', 'alice'), /subscribed no "alice"/);
  });

  it('a LOGIN pipelined behind STARTTLS is dropped by the conformant server', async () => {
    const c = client();
    await c.connectClear();
    await c.pipelineLogin({ name: 'alice', ...ALICE });
    assert.equal(c.connection.pipelinedLoginAnswer, undefined);
    assert.ok(!JSON.stringify(mss.transcript.entries()).includes(ALICE.password), 'the password stays out of the transcript');
  });

  it('an unreachable server, no answer in time, or a temporary failure decide nothing: inconclusive', async () => {
    await assert.rejects(client(EVERY_MECHANISM, 1).connect(), InconclusiveError);
    assert.throws(() => decisive({ status: 'none', text: 'timed out', timedOut: true }), InconclusiveError);
    assert.throws(() => decisive({ status: 'NO', text: 'try later', code: 'UNAVAILABLE' }), InconclusiveError);
    assert.deepEqual(decisive({ status: 'NO', text: 'no', code: 'AUTHENTICATIONFAILED' }).status, 'NO');
  });
});

describe('the message storage conditions', () => {
  const conditions: Array<Condition<never[]>> = [session, capabilities, subscription, stored].flatMap((m) => Object.values(m) as Array<Condition<never[]>>);

  it('each names itself and declares the catalogue requirements it evidences', () => {
    assert.equal(new Set(conditions.map((c) => c.name)).size, conditions.length, 'one name per condition');
    for (const c of conditions) {
      assert.ok(c.requirements.length > 0, c.name);
      for (const id of c.requirements) assert.ok(requirementById(id), `${c.name}: ${id} is not in the catalogue`);
    }
  });

  it('a session is authenticated when the greeting was PREAUTH or the INBOX opens, whatever the authentication answered', () => {
    assert.equal(session.noMessageStorageSession.judge({ greeting: 'PREAUTH' }, 'NO').ok, false);
    assert.equal(session.noMessageStorageSession.judge({ greeting: 'OK' }, 'OK').ok, false);
    assert.equal(session.noMessageStorageSession.judge({ greeting: 'OK' }, 'BAD').ok, true);
    assert.equal(session.authenticationRefused.judge({ status: 'OK', text: 'LOGIN completed' }).ok, false);
    assert.equal(starttls.starttlsUpgrade.judge('STARTTLS answered BAD', 'TLS established').ok, false);
  });

  it('capabilities: nothing advertised is no evidence; LOGINDISABLED may stay after TLS only without a LOGIN command', () => {
    assert.equal(capabilities.noPasswordMechanismBeforeTls.judge([], 'AUTH=PLAIN', 'AUTH=LOGIN').ok, false);
    assert.equal(capabilities.noPasswordMechanismBeforeTls.judge(['IMAP4rev1', 'AUTH=LOGIN'], 'AUTH=PLAIN', 'AUTH=LOGIN').ok, false);
    assert.equal(starttls.capabilitiesBeforeTls.judge(['STARTTLS'], 'STARTTLS', 'LOGINDISABLED').ok, false);
    assert.equal(starttls.capabilitiesAfterTls.judge(['IMAP4rev1', 'LOGINDISABLED'], 'LOGINDISABLED', true).ok, false);
    assert.equal(starttls.capabilitiesAfterTls.judge(['IMAP4rev1', 'LOGINDISABLED'], 'LOGINDISABLED', false).ok, true);
  });

  it("the EVVM Server's store: accepted needs the client certificate under mutual authentication; a rogue that got the password is caught", () => {
    const r: StoreResult = { target: 'x', unreachable: false, timedOut: false, connected: true, serverAuthenticated: true, clientCertificatePresented: false, loggedIn: true, stored: true, confirmed: true };
    assert.equal(stored.storageAcceptedEvvmServer.judge(r, true).ok, false);
    assert.equal(stored.storageAcceptedEvvmServer.judge(r, false).ok, true);
    assert.equal(stored.storageRefusedEvvmServer.judge(r).ok, false);
    assert.equal(stored.nothingStoredOnRogue.judge(r).ok, false);
    const caught = stored.noCredentialReachedRogueStorage.judge('Rogue', Buffer.from('a1 LOGIN alice s3cret-pw\r\n'), 's3cret-pw');
    assert.equal(caught.ok, false);
    assert.ok(!caught.message.includes('s3cret-pw'), caught.message);
    assert.equal(stored.noCredentialReachedRogueStorage.judge('Rogue', Buffer.from('a1 CAPABILITY\r\n'), 's3cret-pw').ok, true);
  });
});
