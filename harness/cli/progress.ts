/**
 * Progress of a run on stderr. In CI or a pipe: one line per requirement as it settles (every scenario of
 * it selected has run), with the scenario count, so a log shows the run moving and what each requirement
 * came to. On a terminal: one line redrawn in place, a bar with the scenario count and the failures so far.
 */
import type { RequirementResult } from '../report/model';
import type { RunTally, TallyEvents } from '../engine/tally';

const BAR = 24;

export function progressEvents(stream: NodeJS.WriteStream, terminal: boolean): TallyEvents & { done(): void } {
  let failed = 0;
  let shown = false;
  const count = (t: RunTally): string => `${t.ranCount}/${t.plannedCount} scenarios`;
  if (!terminal) {
    return {
      settled: (r: RequirementResult, t: RunTally) => {
        stream.write(`${count(t)} run; ${r.id} settled: ${r.verdict} (${r.scenarios.length} scenario(s))\n`);
      },
      done: () => undefined,
    };
  }
  return {
    scenario: (s, t) => {
      if (s.outcome === 'fail') failed++;
      const filled = t.plannedCount > 0 ? Math.round((BAR * t.ranCount) / t.plannedCount) : 0;
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${count(t)}${failed ? `, ${failed} failed` : ''}\x1b[K`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
