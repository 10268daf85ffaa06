/**
 * Runs the hostile IMAP server's corpus against the EVVM Client (PRAC-02): each case one session, a
 * few hostile servers side by side, each case under the harness's own deadline. It records what the
 * client reported and what the server saw; harness/conditions/practice judges. A client that has not
 * returned by the deadline is recorded as such (never as a pass); its connection is then cut so the
 * corpus goes on. Once a case has failed (by the condition's own measure) every share stops: no new case
 * starts, the cases in flight are cut and left unrecorded. One failure decides the verdict, and a faulty
 * client (selftest's fault runs) no longer costs the whole corpus; a pass still needs every case.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { TranscriptSink } from '../../evidence/transcript';
import { HarnessError } from '../engine/outcomes';
import { hostileCorpus } from '../../simulators/adversaries/hostile-imap-corpus';
import { HOSTILE_MAILBOX, HostileImapServer, type HostileCase, type HostileObservation } from '../../simulators/adversaries/hostile-imap-server';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { shareSecureContexts } from '../../simulators/crypto/secure-contexts';
import { caseFault } from '../conditions/practice/hostile-server';

/**
 * The client's timeouts in the corpus: a local server that goes silent for 600 ms has stopped, so 1,000
 * sessions fit in seconds; connecting may take longer on a busy machine. The session deadline is the client's own.
 */
export const CORPUS_CLIENT = { timeoutMs: 3000, idleTimeoutMs: 600, sessionDeadlineMs: 2500 } as const;
/** The harness's deadline per case: well past the client's own, so only a client that hangs misses it. */
export const CASE_DEADLINE_MS = 8000;
/** After the client returned, how long its connection may stay open before it counts as left open (a busy machine delays the close). */
const CLOSE_GRACE_MS = 2500;
/**
 * A case still in flight this long after it started has outlived the client's own session deadline: until
 * it returns (or misses the harness's deadline, and fails) its share starts no new case. A client that
 * honours its deadline never makes a share wait; one that does not (selftest's no-session-deadline fault)
 * no longer keeps the other sessions busy for nothing while its case runs out the harness's deadline.
 */
const OVERDUE_MS = CORPUS_CLIENT.sessionDeadlineMs + 1000;
/** How often a share looks whether another one has stopped the corpus, and whether an overdue case returned. */
const POLL_MS = 50;
/**
 * Sessions in flight per thread. A case that waits on the client's timers (a drip, an endless flood, a
 * server gone silent) costs next to no CPU for up to the session deadline, so those all overlap; the
 * others are CPU-bound, and a few at a time keep the thread busy without starving any session's timers.
 */
const WAITING_SERVERS = 64;
const BUSY_SERVERS = 6;

/** One case: what the client reported, and what the hostile server saw. */
export interface CaseOutcome {
  seed: number;
  index: number;
  family: string;
  stage: string;
  delivery: string;
  /** ms until the client returned; null: it had not by the deadline */
  returnedMs: number | null;
  error?: string;
  /** the voicemails the client kept, and whether they are exactly the server's mailbox */
  kept: number;
  keptIsMailbox: boolean;
  server: HostileObservation;
}

export interface HostileCorpusRun {
  seed: number;
  count: number;
  elapsedMs: number;
  deadlineMs: number;
  outcomes: CaseOutcome[];
}

/** What a thread of the corpus needs: the TLS material as PEM, the client's faults, its password, and its share of the cases. */
export interface CorpusShare {
  trustAnchorPem: string;
  server: { keyPem: string; chainPem: string };
  client: { keyPem: string; chainPem: string };
  faults: readonly string[];
  password: string;
  seed: number;
  count: number;
  /** this share runs cases first, first + step, … */
  first: number;
  step: number;
  /** one word every share of the corpus sees (memory shared across threads): 1 once a case has failed */
  stop: Int32Array;
}

/**
 * Runs `count` cases of the corpus of `seed` against an EVVM Client with the run's faults of that role, in
 * up to two shares (each session costs the client and the server some CPU: two cores halve the time). The
 * first share runs on this thread, which would only wait meanwhile; each other one on a thread of its
 * own, which loads the client and the server first.
 */
export async function runHostileCorpus(a: { pki: TestPki; faults: readonly string[]; transcript: TranscriptSink; seed: number; count: number }): Promise<HostileCorpusRun> {
  const password = randomBytes(6).toString('base64url');
  a.transcript.secret(password);
  const threads = Math.max(1, Math.min(2, availableParallelism()));
  const stop = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const leaf = (name: string) => ({ keyPem: a.pki.leaf(name).keyPem, chainPem: a.pki.leaf(name).chainPem });
  const share = (first: number): CorpusShare => ({
    trustAnchorPem: a.pki.trustAnchorPem,
    server: leaf('evvm-server'),
    client: leaf('evvm-client'),
    faults: a.faults.filter((f) => f.startsWith('evvm-client:')),
    password,
    seed: a.seed,
    count: a.count,
    first,
    step: threads,
    stop,
  });
  a.transcript.record({ actor: 'Harness', channel: 'note', dir: 'event', text: `hostile IMAP corpus: seed ${a.seed}, ${a.count} cases on ${threads} thread(s), ${WAITING_SERVERS + BUSY_SERVERS} servers each` });
  const started = Date.now();
  const shares = await Promise.all(Array.from({ length: threads }, (_, t) => (t === 0 ? runShare(share(t)) : onThread(share(t)))));
  const outcomes = shares.flat().sort((x, y) => x.index - y.index);
  const elapsedMs = Date.now() - started;
  const stopped = outcomes.length < a.count ? ', stopped at a failing case' : '';
  a.transcript.record({ actor: 'Harness', channel: 'note', dir: 'event', text: `hostile IMAP corpus: ${outcomes.length} case(s) in ${elapsedMs} ms${stopped}` });
  return { seed: a.seed, count: a.count, elapsedMs, deadlineMs: CASE_DEADLINE_MS, outcomes };
}

function onThread(share: CorpusShare): Promise<CaseOutcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'hostile-imap-thread.js'), { workerData: share });
    worker.once('message', (outcomes: CaseOutcome[]) => resolve(outcomes));
    worker.once('error', (err) => reject(new HarnessError(`the hostile IMAP corpus thread failed: ${err.message}`)));
    worker.once('exit', (code) => reject(new HarnessError(`the hostile IMAP corpus thread exited (${code}) before it reported`)));
  });
}

/** Whether a case waits on the client's inactivity timer or session deadline to end. */
function waitsOnTimers(c: HostileCase): boolean {
  return c.delivery === 'drip' || c.delivery === 'endless' || c.after === 'hang';
}

/**
 * One share: hostile servers side by side, one client for every case (it keeps nothing between sessions
 * but the TLS ticket of the server it authenticated: every server of the share is the one identity).
 */
export async function runShare(share: CorpusShare): Promise<CaseOutcome[]> {
  shareSecureContexts(); // every server of the share one context, so one ticket key: a ticket from one opens a session at any
  const cases = hostileCorpus(share.seed, share.count).filter((c) => c.index % share.step === share.first);
  const client = new EvvmClient({
    actor: 'EVVM Client',
    trustAnchorPem: share.trustAnchorPem,
    certificate: share.client,
    faults: share.faults,
    resumeTlsSessions: true,
    ...CORPUS_CLIENT,
  });
  const stopped = (): boolean => Atomics.load(share.stop, 0) === 1;
  // settles once any share has stopped the corpus: the cases in flight are cut then
  let poll: NodeJS.Timeout | undefined;
  const halt = new Promise<'stop'>((resolve) => (poll = setInterval(() => stopped() && resolve('stop'), POLL_MS)));
  /** when each case in flight started, by its number */
  const inFlight = new Map<number, number>();
  const overdue = (): boolean => [...inFlight.values()].some((since) => Date.now() - since > OVERDUE_MS);
  const lanes = async (queue: HostileCase[], servers: number): Promise<CaseOutcome[]> => {
    const outcomes: CaseOutcome[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      const server = new HostileImapServer({ key: share.server.keyPem, cert: share.server.chainPem });
      const port = await server.start();
      try {
        for (;;) {
          while (overdue() && !stopped()) await sleep(POLL_MS);
          if (stopped() || next >= queue.length) return;
          const c = queue[next++]!;
          inFlight.set(c.index, Date.now());
          const outcome = await runCase(server, port, c, share.seed, client, share.password, halt);
          inFlight.delete(c.index);
          if (!outcome) return;
          outcomes.push(outcome);
          if (caseFault(outcome, CASE_DEADLINE_MS) !== undefined) Atomics.store(share.stop, 0, 1);
        }
      } finally {
        await server.stop();
      }
    };
    await Promise.all(Array.from({ length: stopped() ? 0 : Math.min(servers, queue.length) }, lane));
    return outcomes;
  };
  try {
    // First, one at a time, the announced 100 MB literals (or else one quick case): alone, a client that reads
    // them reads past the bound at full speed, where beside seventy other sessions it might not by its deadline;
    // a client that refuses them does so at once. The first session's ticket then resumes every later one.
    const literals = cases.filter((c) => c.delivery === 'literal');
    const first = literals.length > 0 ? literals : cases.filter((c) => !waitsOnTimers(c)).slice(0, 1);
    const opening = await lanes(first, 1);
    const rest = cases.filter((c) => !first.includes(c));
    const others = await Promise.all([lanes(rest.filter(waitsOnTimers), WAITING_SERVERS), lanes(rest.filter((c) => !waitsOnTimers(c)), BUSY_SERVERS)]);
    return [...opening, ...others.flat()];
  } finally {
    clearInterval(poll);
  }
}

/** What a session still reports within the harness's deadline, once its connection is cut. */
function afterCut<T>(retrieval: Promise<T>): Promise<T | undefined> {
  return Promise.race([retrieval, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), CASE_DEADLINE_MS).unref())]);
}

/** One case; undefined when the corpus stopped (a case failed elsewhere) before it ended: it was cut, not judged. */
async function runCase(server: HostileImapServer, port: number, c: HostileCase, seed: number, client: EvvmClient, password: string, halt: Promise<'stop'>): Promise<CaseOutcome | undefined> {
  server.arm(c);
  const t0 = Date.now();
  const retrieval = client.retrieveVoicemail({ host: '127.0.0.1', port, servername: 'evvm-server.op.example', transport: 'implicit-tls' }, { username: 'tel:+15550001', password });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CASE_DEADLINE_MS)));
  const first = await Promise.race([retrieval, late, halt]);
  clearTimeout(timer);
  if (first === 'stop') {
    await server.disarm(0);
    await afterCut(retrieval);
    return undefined;
  }
  const returnedMs = first === 'late' ? null : Date.now() - t0;
  const observation = await server.disarm(first === 'late' ? 0 : CLOSE_GRACE_MS);
  // once its connection is cut even a hung client returns; what it then reports still counts for its state
  const r = first === 'late' ? await afterCut(retrieval) : first;
  const kept = r?.voicemails ?? [];
  const keptIsMailbox = kept.length === HOSTILE_MAILBOX.length && kept.every((v, i) => v.uid === HOSTILE_MAILBOX[i]!.uid && v.raw.toString('latin1') === HOSTILE_MAILBOX[i]!.raw);
  return {
    seed,
    index: c.index,
    family: c.family,
    stage: c.stage,
    delivery: c.delivery,
    returnedMs,
    ...(r?.error !== undefined ? { error: r.error.slice(0, 200) } : {}),
    kept: kept.length,
    keptIsMailbox,
    server: observation,
  };
}
