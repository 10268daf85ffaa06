/**
 * PRAC-02: the EVVM Client against a hostile IMAP server fails closed, without a crash or a hang, and
 * accepts no partial state. Each case of the corpus is judged on what the client reported and what the
 * server saw; a failure names the corpus's seed and the case's number, which replay it.
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import { InconclusiveError } from '../../engine/outcomes';
import type { CaseOutcome, HostileCorpusRun } from '../../equipment/hostile-imap-corpus';
import { condition, judged, type Judgement } from '../condition';
import { hostileCorpus } from '../../../simulators/adversaries/hostile-imap-corpus';

/** What the client may read of a literal it should have refused when announced (its own bound is 16 MiB). */
export const LITERAL_READ_BOUND = 32 * 1024 * 1024;
/** Cases a corpus must hold, and the failing cases a judgement names. */
export const CORPUS_MINIMUM = 1000;
const NAMED = 10;
/** the share of cases whose hostile payload must have reached the client for the corpus to decide */
const STRUCK_MINIMUM = 0.5;

/** Why a case is not a clean fail-closed, or undefined when it is. */
export function caseFault(o: CaseOutcome, deadlineMs: number): string | undefined {
  if (o.returnedMs === null) return `hung: the client had not returned after ${deadlineMs} ms`;
  if (o.server.closedBy === 'harness') return `returned after ${o.returnedMs} ms but left the connection open`;
  if (o.server.literalOctetsTaken > LITERAL_READ_BOUND) return `took ${o.server.literalOctetsTaken} octets of an announced 100 MB literal`;
  if (o.error !== undefined && o.kept > 0) return `kept ${o.kept} voicemail(s) of a session that failed (${o.error}): partial state`;
  if (o.error === undefined && !o.keptIsMailbox) return `reported success with ${o.kept} voicemail(s), not the server's mailbox: partial state`;
  return undefined;
}

const replay = (o: CaseOutcome, why: string): string => `seed ${o.seed} case ${o.index} (${o.family} at ${o.stage}, ${o.delivery}): ${why}`;

export const hostileServerFailedClosed = condition('HostileServerFailedClosed', ['PRAC-02'], (run: HostileCorpusRun): Judgement => {
  const faults = run.outcomes.flatMap((o) => {
    const why = caseFault(o, run.deadlineMs);
    return why === undefined ? [] : [replay(o, why)];
  });
  // one case not failed closed is the verdict (the corpus stops there); a pass needs every case, each met
  if (faults.length === 0) {
    if (run.outcomes.length < run.count) throw new InconclusiveError(`the corpus of seed ${run.seed} ran ${run.outcomes.length} of its ${run.count} cases`);
    const struck = run.outcomes.filter((o) => o.server.struck).length;
    // a client that never got far enough to meet the hostility proves nothing either way (a busy machine
    // makes some sessions time out before their stage: half of them still test every family many times)
    if (struck < run.count * STRUCK_MINIMUM) throw new InconclusiveError(`the hostile payload reached the client in ${struck} of ${run.count} cases of seed ${run.seed}`);
  }
  const closed = run.outcomes.filter((o) => o.error !== undefined).length;
  const summary = `${run.outcomes.length} hostile sessions of seed ${run.seed} in ${run.elapsedMs} ms: ${closed} failed closed, ${run.outcomes.length - closed} completed with the whole mailbox`;
  return judged(faults.length === 0, summary, `${faults.length} case(s) not failed closed; ${faults.slice(0, NAMED).join('; ')}`, {
    seed: run.seed,
    elapsedMs: run.elapsedMs,
    failing: faults.slice(0, NAMED),
    families: familyCounts(run.outcomes),
  });
});

/** The corpus is as big as the practice asks, and holds every hostile family (whether every case ran is the other condition's). */
export const corpusCoversHostility = condition('CorpusCoversHostility', ['PRAC-02'], (run: HostileCorpusRun, families: readonly string[]): Judgement => {
  const seen = familyCounts(hostileCorpus(run.seed, run.count));
  const missing = families.filter((f) => !(f in seen));
  return judged(run.count >= CORPUS_MINIMUM && missing.length === 0, `${run.count} cases over ${Object.keys(seen).length} families`, `${run.count} cases (at least ${CORPUS_MINIMUM}); missing: ${missing.join(', ') || 'none'}`, { families: seen });
});

/** A well-behaved server: the client retrieves the whole mailbox (the hardening does not refuse the normal case). */
export const wellBehavedServerRetrieved = condition('WellBehavedServerRetrieved', ['PRAC-02'], (r: Retrieval) =>
  judged(r.loggedIn && r.error === undefined && r.voicemails.length > 0, `retrieved ${r.voicemails.length} voicemail(s)`, `logged in: ${r.loggedIn}, ${r.voicemails.length} voicemail(s)${r.error ? `, ${r.error}` : ''}`),
);

function familyCounts(outcomes: ReadonlyArray<{ family: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.family] = (counts[o.family] ?? 0) + 1;
  return counts;
}
