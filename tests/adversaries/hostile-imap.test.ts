/**
 * The hostile IMAP server and its corpus (PRAC-02): a case replays from its seed and number, and the
 * EVVM Client fails closed on the cases that once got through (a partial mailbox taken for the whole, a
 * 100 MB literal read, a drip that held the session).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostileCase, HOSTILE_FAMILIES, HUGE_LITERAL_OCTETS } from '../../simulators/adversaries/hostile-imap-corpus';
import { HostileImapServer, type HostileCase } from '../../simulators/adversaries/hostile-imap-server';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { EvvmClient, type Retrieval } from '../../simulators/evvm-client/evvm-client';
import { CASE_DEADLINE_MS, runHostileCorpus, runShare } from '../../harness/equipment/hostile-imap-corpus';
import { caseFault } from '../../harness/conditions/practice/hostile-server';
import { corpusCoversHostility, hostileServerFailedClosed } from '../../harness/conditions/practice/hostile-server';
import { nullSink } from '../../evidence/transcript';

async function against(c: HostileCase, faults: string[] = []): Promise<{ r: Retrieval; taken: number; ms: number }> {
  const pki = await sharedTestPki();
  const leaf = pki.leaf('evvm-server');
  const cert = pki.leaf('evvm-client');
  const server = new HostileImapServer({ key: leaf.keyPem, cert: leaf.chainPem });
  const port = await server.start();
  server.arm(c);
  const client = new EvvmClient({ trustAnchorPem: pki.trustAnchorPem, certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem }, faults, timeoutMs: 3000, idleTimeoutMs: 600, sessionDeadlineMs: 2000 });
  const t0 = Date.now();
  const r = await client.retrieveVoicemail({ host: '127.0.0.1', port, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, { username: 'u', password: 'p' });
  const ms = Date.now() - t0;
  const o = await server.disarm(500);
  await server.stop();
  return { r, taken: o.literalOctetsTaken, ms };
}

const base = { index: 0, delivery: 'burst', after: 'close' } as const;

describe('hostile IMAP corpus', () => {
  it('replays a case from its seed and number, and covers every family in its first cases', () => {
    assert.deepEqual(hostileCase(7, 123), hostileCase(7, 123));
    assert.notDeepEqual(hostileCase(7, 123), hostileCase(8, 123));
    const first = new Set(Array.from({ length: HOSTILE_FAMILIES.length }, (_, i) => hostileCase(1, i).family));
    assert.equal(first.size, HOSTILE_FAMILIES.length);
  });

  it('a well-behaved answer gives the whole mailbox', async () => {
    const { r } = await against({ ...base, family: 'none', stage: 'FETCH', payload: '{NORMAL}', after: 'continue' });
    assert.equal(r.error, undefined);
    assert.equal(r.voicemails.length, 2);
  });

  it('keeps nothing of a mailbox broken after its first voicemail (it once reported success with one)', async () => {
    const payload = '* 1 FETCH (UID 1 BODY[] {5}\r\nfirst)\r\n* 2 FETCH (UID 2 BODY[] {500}\r\ncut short';
    const { r } = await against({ ...base, family: 'partial', stage: 'FETCH', payload });
    assert.ok(r.error, 'the session must fail');
    assert.equal(r.voicemails.length, 0);
    const faulty = await against({ ...base, family: 'partial', stage: 'FETCH', payload }, ['evvm-client:keep-partial-state']);
    assert.equal(faulty.r.voicemails.length, 1);
  });

  it('takes no success from a FETCH whose literal lies about its length', async () => {
    const { r } = await against({ ...base, family: 'lying', stage: 'FETCH', payload: '* 1 FETCH (UID 1 BODY[] { 5}\r\nxxxxx)\r\n{TAG} OK done\r\n' });
    assert.ok(r.error);
    assert.equal(r.voicemails.length, 0);
  });

  it('refuses a 100 MB literal when it is announced, reading almost none of it', async () => {
    const { r, taken } = await against({ ...base, family: 'huge', stage: 'FETCH', payload: `* 1 FETCH (UID 1 BODY[] {${HUGE_LITERAL_OCTETS}}\r\n`, delivery: 'literal', literalOctets: HUGE_LITERAL_OCTETS });
    assert.ok(r.error);
    assert.equal(r.voicemails.length, 0);
    assert.ok(taken < 32 * 1024 * 1024, `took ${taken} octets`);
  });

  it('ends a session the server drips at its deadline', async () => {
    const { r, ms } = await against({ ...base, family: 'drip', stage: 'SELECT', payload: '{NORMAL}', delivery: 'drip' });
    assert.match(r.error ?? '', /deadline/);
    assert.ok(ms < 6000, `returned after ${ms} ms`);
  });

  it('stops a corpus at its first failing cases, which decide the verdict by seed and number; a clean corpus runs whole', async () => {
    const pki = await sharedTestPki();
    const count = 120;
    const faulty = await runHostileCorpus({ pki, faults: ['evvm-client:keep-partial-state'], transcript: nullSink, seed: 20261207, count });
    assert.ok(faulty.outcomes.length < count, `ran ${faulty.outcomes.length} of ${count} cases`);
    const verdict = hostileServerFailedClosed.judge(faulty);
    assert.equal(verdict.ok, false);
    assert.match(verdict.message, /seed 20261207 case \d+ \(mailbox broken after the first voicemail/);
    // the corpus as generated still holds every family, however few of its cases ran
    assert.equal(corpusCoversHostility.judge({ ...faulty, count: 1000 }, HOSTILE_FAMILIES).ok, true);
    const clean = await runHostileCorpus({ pki, faults: [], transcript: nullSink, seed: 20261207, count });
    assert.equal(clean.outcomes.length, count);
    assert.throws(() => hostileServerFailedClosed.judge({ ...clean, outcomes: clean.outcomes.slice(1) }), /ran 119 of its 120 cases/, 'a pass needs every case');
  });

  it('a share stops when another share stopped the corpus: no new case, the cases in flight cut and left unrecorded', async () => {
    const pki = await sharedTestPki();
    const client = pki.leaf('evvm-client');
    const server = pki.leaf('evvm-server');
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const share = { trustAnchorPem: pki.trustAnchorPem, server: { keyPem: server.keyPem, chainPem: server.chainPem }, client: { keyPem: client.keyPem, chainPem: client.chainPem }, faults: [], password: 'p', seed: 20261207, count: 400, first: 0, step: 1, stop };
    // another share's failing case, as it stops the corpus: while this one's sessions are in flight
    setTimeout(() => Atomics.store(stop, 0, 1), 700);
    const t0 = Date.now();
    const outcomes = await runShare(share);
    assert.ok(outcomes.length < 400, `ran ${outcomes.length} of 400 cases`);
    assert.ok(Date.now() - t0 < CASE_DEADLINE_MS, 'the cases in flight are cut, not waited for');
    assert.deepEqual(outcomes.flatMap((o) => caseFault(o, CASE_DEADLINE_MS) ?? []), [], 'a cut case is not recorded, least of all as a connection the client left open');
  });
});
