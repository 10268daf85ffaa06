/**
 * curl, fetchmail and mbsync from Debian against `simulate evvm-server` and `simulate message-storage`
 * (real processes, real sockets, the CLI's own PKI files). A client certificate from our CA gets in sent
 * alone (fetchmail sends nothing else) or with its chain, as on Dovecot; no certificate, a wrong password
 * or a flawed certificate do not. Outcomes are judged by what was fetched, the exit status and what the
 * server recorded.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simulate } from '../cli/cli';
import { curl, fetchmail, leafOnly, mbsync, missing, recorded, tempDir, type ClientCertificate, type Fetched, type Login, type Ready, type Recorded } from './tools';

/** An account of the simulator and what only its mailbox holds. */
interface Account {
  user: string;
  password: string;
  marker: RegExp;
}

interface Served {
  ready: Ready;
  child: ChildProcess;
  /** this test's own files (leaf-only copies) */
  dir: string;
  alice: Account;
  bob: Account;
  /** alice's device certificate as the CLI wrote it: leaf then issuing CA */
  chain: ClientCertificate;
  /** the same leaf without its issuing CA */
  leaf: ClientCertificate;
}

async function served(role: 'evvm-server' | 'message-storage', accounts: (ready: Record<string, unknown>) => Promise<{ alice: Account; bob: Account }>): Promise<Served> {
  const { ready: raw, child } = await simulate(role);
  const ready = raw as unknown as Ready;
  const dir = await tempDir();
  const chain = { cert: ready.trust.clientCert, key: ready.trust.clientKey };
  return { ready, child, dir, ...(await accounts(raw)), chain, leaf: { cert: await leafOnly(chain.cert, dir), key: chain.key } };
}

/** The EVVM Server's demo mailboxes each hold a voicemail whose Message-ID names the mailbox. */
function evvmServer(): Promise<Served> {
  return served('evvm-server', async (raw) => {
    const accounts = raw.accounts as Array<{ name: string; identifiers: string[]; password: string }>;
    const account = (name: string): Account => {
      const a = accounts.find((x) => x.name === name)!;
      return { user: a.identifiers[0]!, password: a.password, marker: new RegExp(`^Message-ID: <vm-${name}-`, 'm') };
    };
    return { alice: account('alice'), bob: account('bob') };
  });
}

/** The Message Storage Server's users each hold a marker message; the ready line names its Message-ID. */
function messageStorage(): Promise<Served> {
  return served('message-storage', async (raw) => {
    const accounts = raw.accounts as Array<{ name: string; username: string; password: string; messageId: string }>;
    const account = (name: string): Account => {
      const a = accounts.find((x) => x.name === name)!;
      return { user: a.username, password: a.password, marker: new RegExp(`^Message-ID: ${a.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm') };
    };
    return { alice: account('alice'), bob: account('bob') };
  });
}

const TOOLS: Array<{ name: 'curl' | 'fetchmail' | 'mbsync'; fetch(login: Login): Promise<Fetched> }> = [
  { name: 'curl', fetch: (login) => curl(login) },
  { name: 'fetchmail', fetch: fetchmail },
  { name: 'mbsync', fetch: mbsync },
];

/** What the server recorded of the attempts made by `act`: its connections and authentications. */
async function attempt<T>(ready: Ready, act: () => Promise<T>): Promise<{ result: T; seen: Recorded }> {
  const before = await recorded(ready);
  const result = await act();
  const after = await recorded(ready);
  const seen = { connections: after.connections.slice(before.connections.length), authentications: after.authentications.slice(before.authentications.length) };
  return { result, seen };
}

function assertNotLetIn(what: string, r: Fetched, seen: Recorded): void {
  assert.deepEqual(r.messages, [], `${what}: nothing fetched`);
  assert.notEqual(r.code, 0, `${what}: the tool reports failure`);
  assert.deepEqual(seen.authentications.filter((a) => a.outcome === 'success'), [], `${what}: no authentication succeeded`);
}

for (const [role, start] of [
  ['evvm-server', evvmServer],
  ['message-storage', messageStorage],
] as const) {
  describe(`real clients against simulate ${role}`, () => {
    let s: Served;
    before(async () => {
      s = await start();
    });
    after(async () => {
      s?.child.kill('SIGTERM');
      if (s) await rm(s.dir, { recursive: true, force: true });
    });

    for (const tool of TOOLS) {
      it(`${tool.name} logs in with alice's leaf alone and with its chain, and reads alice's mailbox only`, async (t) => {
        const why = await missing(tool.name);
        if (why) return t.skip(why);
        for (const [form, certificate] of [
          ['leaf alone', s.leaf],
          ['leaf and chain', s.chain],
        ] as const) {
          const what = `${tool.name} with the ${form}`;
          const { result: r, seen } = await attempt(s.ready, () => tool.fetch({ ready: s.ready, user: s.alice.user, password: s.alice.password, certificate }));
          assert.equal(r.code, 0, `${what}: exit status`);
          assert.ok(r.messages.some((m) => s.alice.marker.test(m)), `${what}: fetched alice's message`);
          assert.ok(!r.messages.some((m) => s.bob.marker.test(m)), `${what}: fetched nothing of bob's`);
          assert.ok(seen.connections.length > 0, `${what}: the server saw the connection`);
          for (const c of seen.connections) assert.equal(c.tls?.clientCertificate?.authorized, true, `${what}: the server verified the certificate (${c.tls?.clientCertificate?.authorizationError ?? ''})`);
          assert.ok(seen.authentications.some((a) => a.outcome === 'success' && a.identity === s.alice.user), `${what}: the server recorded alice's login`);
        }
      });

      it(`${tool.name} does not get in without a certificate, nor with a wrong password`, async (t) => {
        const why = await missing(tool.name);
        if (why) return t.skip(why);
        const noCertificate = await attempt(s.ready, () => tool.fetch({ ready: s.ready, user: s.alice.user, password: s.alice.password, certificate: undefined }));
        assertNotLetIn(`${tool.name} without a certificate`, noCertificate.result, noCertificate.seen);
        for (const c of noCertificate.seen.connections) assert.equal(c.tls?.clientCertificate?.subject, undefined, 'no certificate was presented');
        const wrongPassword = await attempt(s.ready, () => tool.fetch({ ready: s.ready, user: s.alice.user, password: `${s.alice.password}x`, certificate: s.leaf }));
        assertNotLetIn(`${tool.name} with a wrong password`, wrongPassword.result, wrongPassword.seen);
        assert.ok(wrongPassword.seen.authentications.some((a) => a.outcome === 'failure'), 'the server recorded the refused attempt');
      });
    }

    it('curl does not get in with a flawed certificate of alice, sent alone or with its chain', async (t) => {
      const why = await missing('curl');
      if (why) return t.skip(why);
      const expected = {
        'untrusted-ca': ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
        expired: ['CERT_HAS_EXPIRED'],
        revoked: ['CERT_REVOKED'],
        'wrong-eku': ['INVALID_PURPOSE'],
      };
      for (const [flaw, codes] of Object.entries(expected)) {
        const stem = path.join(path.dirname(s.ready.trust.ca), 'bad', `evvm-client.${flaw}`);
        const chain = { cert: `${stem}.crt`, key: `${stem}.key` };
        for (const certificate of [chain, { cert: await leafOnly(chain.cert, s.dir), key: chain.key }]) {
          const what = `curl with the ${flaw} certificate (${certificate === chain ? 'as written' : 'leaf alone'})`;
          const { result, seen } = await attempt(s.ready, () => curl({ ready: s.ready, user: s.alice.user, password: s.alice.password, certificate }));
          assertNotLetIn(what, result, seen);
          for (const c of seen.connections) assert.ok(codes.includes(c.tls?.clientCertificate?.authorizationError ?? ''), `${what}: the server recorded ${c.tls?.clientCertificate?.authorizationError}`);
        }
      }
    });
  });
}
