/**
 * The content clause's driven routes (harness/simulate/driven/content.ts) without a Docker engine: an
 * evvm-server and an evvm-client driven host in this process, talking real IMAP over loopback, driven
 * through their control APIs as the container topology drives them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPki } from '../../simulators/crypto/pki/transfer';
import { sharedTestPki, smimePkiFor } from '../../simulators/crypto/pki';
import { buildVoicemail, DEFAULT_CONTENT_POLICY, inspectProtection } from '../../simulators/crypto/cms';
import type { OpenedRetrieval } from '../../simulators/evvm-client/content';
import { DrivenHost } from '../../harness/simulate/driven';
import { ControlClient } from '../../harness/topology/containers/control-client';
import { demoAccounts, type TestAccount } from '../../harness/topology/accounts';
import { loadProfile } from '../../harness/profile/profile';
import type { TranscriptEntry } from '../../harness/evidence/transcript';
import { CALLER_IDENTITY, type ContentDeposit, type ContentRetrievalRequest, type StoredDeposit } from '../../harness/topology/embedded/content';
import { freePorts } from '../containers/free-ports';

interface Pair {
  server: ControlClient;
  client: ControlClient;
  accounts: TestAccount[];
  close(): Promise<void>;
}

/** An evvm-server and an evvm-client driven host, set up with the shared test PKI. */
async function pair(): Promise<Pair> {
  const pool = await freePorts(8);
  const hosts = [new DrivenHost('evvm-server', { poolPorts: pool.slice(0, 4), host: '127.0.0.1' }), new DrivenHost('evvm-client', { poolPorts: pool.slice(4), host: '127.0.0.1' })];
  const [server, client] = await Promise.all(hosts.map(async (h) => new ControlClient(h.role, new URL(await h.listen('127.0.0.1', 0)))));
  const pki = await sharedTestPki();
  const accounts = demoAccounts('content');
  const setup = { pki: exportPki(pki, await smimePkiFor(pki)), accounts, profile: loadProfile(), peers: { 'evvm-server': '127.0.0.1', 'evvm-client': '127.0.0.1' } };
  await Promise.all([server!.call('POST /setup', setup), client!.call('POST /setup', setup)]);
  return {
    server: server!,
    client: client!,
    accounts,
    close: async () => {
      server!.close();
      client!.close();
      await Promise.all(hosts.map((h) => h.close()));
    },
  };
}

/** A PSTN caller's voicemail for alice: deposited in the server container, then fetched and opened in the client container. */
async function scenario(p: Pair, faults: string[], extra: Partial<ContentDeposit> = {}): Promise<{ stored: StoredDeposit; opened: OpenedRetrieval; deposited: Buffer; transcript: TranscriptEntry[] }> {
  await Promise.all([p.server.call('POST /scenario/begin', { faults }), p.client.call('POST /scenario/begin', { faults })]);
  const alice = p.accounts.find((a) => a.name === 'alice')!;
  const messageId = `<vm-test-${faults.length}-${extra.attack ?? 'none'}@evvm-server.op.example>`;
  const deposited = buildVoicemail({ from: CALLER_IDENTITY, to: alice.identifiers.MSISDN, messageId, duration: 5, audio: Buffer.alloc(2000, 7) });
  const deposit: ContentDeposit = { mailbox: 'alice', identifier: alice.identifiers.MSISDN, messageId, deposited, left: deposited, serverPolicy: DEFAULT_CONTENT_POLICY, deviceKeys: {}, ...extra };
  const stored = await p.server.call<StoredDeposit>('POST /content/deposit', deposit);
  const { ports } = await p.server.call<{ ports: { imaps: number } }>('POST /evvm-server/start');
  const request: ContentRetrievalRequest = {
    target: { host: '127.0.0.1', port: ports.imaps, servername: 'evvm-server.op.example', transport: 'implicit-tls' },
    account: { username: alice.identifiers.MSISDN, password: alice.password },
    messageId,
    deviceLeaf: 'smime-alice',
    policy: DEFAULT_CONTENT_POLICY,
    actor: 'EVVM Client',
    trial: false,
  };
  const opened = await p.client.call<OpenedRetrieval>('POST /content/retrieve', request);
  const ends = await Promise.all([p.server, p.client].map((c) => c.call<{ transcript: TranscriptEntry[] }>('POST /scenario/end')));
  return { stored, opened, deposited, transcript: ends.flatMap((e) => e.transcript) };
}

test('a voicemail protected in the evvm-server container opens in the evvm-client container, byte for byte', async () => {
  const p = await pair();
  try {
    const { stored, opened, deposited, transcript } = await scenario(p, []);
    assert.equal(stored.signedBy, 'evvm-server');
    assert.equal(inspectProtection(stored.stored).top, 'envelope');
    assert.ok(opened.served?.equals(stored.stored), 'served exactly as stored');
    assert.equal(opened.report?.verdict, 'play', JSON.stringify(opened.report?.problems));
    assert.ok(opened.report?.voicemail?.equals(deposited), 'decrypted to what the caller left');
    assert.ok(transcript.some((e) => e.channel === 'cms' && e.dir === 'recv' && e.text.includes('base64: ')), 'the served bytes are in the evidence');
    const alice = p.accounts.find((a) => a.name === 'alice')!;
    assert.ok(!JSON.stringify(transcript).includes(alice.password), "the account's password is scrubbed");
  } finally {
    await p.close();
  }
});

test('the attacker on the store acts inside the evvm-server container, and the client reports it', async () => {
  const p = await pair();
  try {
    const { stored, opened, transcript } = await scenario(p, [], { attack: 'flip-ciphertext-byte' });
    assert.ok(opened.served?.equals(stored.stored));
    assert.equal(opened.report?.verdict, 'reported');
    assert.ok(opened.report?.problems.some((x) => x.code === 'integrity'));
    assert.ok(transcript.some((e) => e.actor === 'Message Store Attacker'));
  } finally {
    await p.close();
  }
});

test("each container applies its own role's faults", async () => {
  const p = await pair();
  try {
    const cleartext = await scenario(p, ['evvm-server:store-cleartext']);
    assert.equal(inspectProtection(cleartext.stored.stored).top === 'envelope', false, 'stored in clear');
    assert.ok(cleartext.opened.report?.problems.some((x) => x.code === 'not-encrypted'));
    const lax = await scenario(p, ['evvm-server:store-cleartext', 'evvm-client:accept-cleartext']);
    assert.equal(lax.opened.report?.verdict, 'play', 'the faulty client plays what it should report');
  } finally {
    await p.close();
  }
});

test('a malformed request is refused, not half-done', async () => {
  const p = await pair();
  try {
    await p.server.call('POST /scenario/begin', { faults: [] });
    await assert.rejects(p.server.call('POST /content/deposit', { mailbox: 'alice', identifier: 'tel:+15550001', messageId: '<x@y>', deposited: 'not bytes', left: Buffer.from('x') }), /refused POST \/content\/deposit: deposited/);
    await assert.rejects(p.server.call('POST /content/deposit', { attack: 'burn-it-all' }), /refused/);
    await p.client.call('POST /scenario/begin', { faults: [] });
    await assert.rejects(p.client.call('POST /content/retrieve', { target: { host: '127.0.0.1', port: 0, servername: 'x', transport: 'implicit-tls' } }), /refused POST \/content\/retrieve/);
  } finally {
    await p.close();
  }
});
