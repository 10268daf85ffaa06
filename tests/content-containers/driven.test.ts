/**
 * The content clause's container roles (harness/topology/containers/content.ts, driving
 * harness/topology/containers/clauses/content.ts) without a Docker engine: an evvm-server and an evvm-client driven host
 * in this process (tests/containers/in-process-fleet.ts), talking real IMAP over loopback, reached through the
 * real ContainersTopology: control API, tunnels, endpoint translation and transcript merge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProtection } from '../../simulators/crypto/cms';
import type { StoreAttack } from '../../simulators/evvm-server/content';
import type { TranscriptEntry } from '../../evidence/transcript';
import type { ContentRetrieval, LeftVoicemail } from '../../harness/roles/content';
import { InProcessFleet } from '../containers/in-process-fleet';

/** An evvm-server and an evvm-client driven host for the duration of `body`. */
async function withFleet(body: (fleet: InProcessFleet) => Promise<void>): Promise<void> {
  const fleet = await InProcessFleet.start(['evvm-server', 'evvm-client']);
  try {
    await body(fleet);
  } finally {
    await fleet.close();
  }
}

/**
 * One scenario with these faults: a PSTN caller's voicemail for alice, deposited in the server container
 * (where the attacker on the store, if any, acts), then fetched and opened in the client container.
 */
async function voicemail(fleet: InProcessFleet, faults: string[], attack?: StoreAttack): Promise<{ left: LeftVoicemail; opened: ContentRetrieval; transcript: readonly TranscriptEntry[] }> {
  const { topology, transcript } = await fleet.scenario(faults);
  let left: LeftVoicemail;
  let opened: ContentRetrieval;
  try {
    const content = await topology.role('content');
    if (attack) content.attackStore(attack);
    left = await content.leaveVoicemail({ mailbox: 'alice', caller: { kind: 'pstn' } });
    opened = await content.retrieve({ mailbox: 'alice', messageId: left.messageId });
  } finally {
    // ends the scenario in both containers and merges their transcripts into the scenario's
    await topology.stop();
  }
  return { left, opened, transcript: transcript.entries() };
}

test('a voicemail protected in the evvm-server container opens in the evvm-client container, byte for byte', async () => {
  await withFleet(async (fleet) => {
    const { left, opened, transcript } = await voicemail(fleet, []);
    assert.equal(left.signedBy, 'evvm-server');
    assert.equal(inspectProtection(left.stored).top, 'envelope');
    assert.ok(opened.served?.equals(left.stored), 'served exactly as stored');
    assert.equal(opened.report?.verdict, 'play', JSON.stringify(opened.report?.problems));
    assert.ok(opened.report?.voicemail?.equals(left.deposited), 'decrypted to what the caller left');
    const actors = new Set(transcript.map((e) => e.actor));
    assert.ok(actors.has('Caller') && actors.has('EVVM Client'), [...actors].join(', '));
    assert.ok(
      transcript.some((e) => e.actor === 'EVVM Client' && e.channel === 'cms' && e.dir === 'recv' && e.text.includes('base64: ')),
      'the served bytes, as the evvm-client container saw them, are in the merged evidence',
    );
    const alice = fleet.accounts.find((a) => a.name === 'alice')!;
    assert.ok(!JSON.stringify(transcript).includes(alice.password), "the account's password is scrubbed");
  });
});

test('the attacker on the store acts inside the evvm-server container, and the client reports it', async () => {
  await withFleet(async (fleet) => {
    const { left, opened, transcript } = await voicemail(fleet, [], 'flip-ciphertext-byte');
    assert.ok(opened.served?.equals(left.stored));
    assert.equal(opened.report?.verdict, 'reported');
    assert.ok(opened.report?.problems.some((x) => x.code === 'integrity'));
    assert.ok(transcript.some((e) => e.actor === 'Message Store Attacker'));
  });
});

test("each container applies its own role's faults", async () => {
  await withFleet(async (fleet) => {
    const cleartext = await voicemail(fleet, ['evvm-server:store-cleartext']);
    assert.equal(inspectProtection(cleartext.left.stored).top === 'envelope', false, 'stored in clear');
    assert.ok(cleartext.opened.report?.problems.some((x) => x.code === 'not-encrypted'));
    const lax = await voicemail(fleet, ['evvm-server:store-cleartext', 'evvm-client:accept-cleartext']);
    assert.equal(lax.opened.report?.verdict, 'play', 'the faulty client plays what it should report');
  });
});

test('a malformed request is refused, not half-done', async () => {
  await withFleet(async (fleet) => {
    const { topology } = await fleet.scenario();
    try {
      const server = await topology.control('evvm-server');
      await assert.rejects(server.call('POST /content/deposit', { mailbox: 'alice', identifier: 'tel:+15550001', messageId: '<x@y>', deposited: 'not bytes', left: Buffer.from('x') }), /refused POST \/content\/deposit: deposited/);
      await assert.rejects(server.call('POST /content/deposit', { attack: 'burn-it-all' }), /refused/);
      const client = await topology.control('evvm-client');
      await assert.rejects(client.call('POST /content/retrieve', { target: { host: '127.0.0.1', port: 0, servername: 'x', transport: 'implicit-tls' } }), /refused POST \/content\/retrieve/);
    } finally {
      await topology.stop();
    }
  });
});
