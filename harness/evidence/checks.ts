import type { CheckRecord } from '../report/model';
import type { TranscriptSink } from '../../evidence/transcript';
import { CheckFailure } from '../engine/outcomes';

/**
 * Conditions in the OpenID conformance suite's sense: small named checks, each tied to a requirement,
 * each logging what it looked at. A failing condition throws CheckFailure, which the roll-up counts
 * against the requirement (never against the harness).
 */
export class Conditions {
  readonly records: CheckRecord[] = [];

  constructor(private readonly transcript: TranscriptSink) {}

  check(
    requirement: string,
    condition: string,
    ok: boolean,
    message: string,
    evidence?: Record<string, unknown>,
  ): void {
    const record: CheckRecord = { requirement, condition, result: ok ? 'success' : 'failure', message, ...(evidence ? { evidence } : {}) };
    this.records.push(record);
    this.transcript.record({
      actor: 'Harness',
      channel: 'check',
      dir: 'event',
      text: `${ok ? 'PASS' : 'FAIL'} ${requirement} ${condition}: ${message}${evidence ? ' ' + JSON.stringify(evidence) : ''}`,
    });
    if (!ok) throw new CheckFailure(requirement, condition, message);
  }
}
