import type { Envelope, GherkinDocument, Pickle, TestStepResult } from '@cucumber/messages';
import type { TranscriptEntry } from '../../evidence/transcript';
import type { CheckRecord, Polarity, ScenarioOutcome, ScenarioResult, StepResult } from '../report/model';
import { isRequirementId } from '../catalogue';
import { MEDIA } from './outcomes';

interface Started {
  pickle: Pickle;
  testStepToPickleStep: Map<string, string | undefined>;
  steps: StepResult[];
  transcript: TranscriptEntry[];
  checks: CheckRecord[];
  outcome?: { outcome: ScenarioOutcome; reason?: string };
  started: number;
  worst: string;
}

/** A scenario cucumber will run, known before the first one starts. */
export interface PlannedScenario {
  name: string;
  uri: string;
  line: number;
  requirementIds: string[];
}

/** Told as cucumber plans and finishes scenarios: for progress, and for the report of an interrupted run. */
export interface SuiteListener {
  planned(scenario: PlannedScenario): void;
  finished(result: ScenarioResult): void;
}

const STATUS_RANK = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED', 'UNKNOWN'];

function tagsOf(pickle: Pickle): string[] {
  return pickle.tags.map((t) => t.name.replace(/^@/, ''));
}

function requirementIdsOf(pickle: Pickle): string[] {
  return tagsOf(pickle).filter(isRequirementId);
}

function ms(d: { seconds: number; nanos: number }): number {
  return d.seconds * 1000 + Math.round(d.nanos / 1e6);
}

/**
 * Turns cucumber's message stream into scenario results: the World attaches the outcome class,
 * transcript and checks of every scenario, and this reads them back (see MEDIA).
 */
export class ScenarioCollector {
  private readonly pickles = new Map<string, Pickle>();
  private readonly testCases = new Map<string, { pickleId: string; steps: Map<string, string | undefined> }>();
  private readonly started = new Map<string, Started>();
  /** results keyed by their pickle's place in the run, so parallel workers finishing out of order change nothing */
  private readonly finished: Array<{ order: number; result: ScenarioResult }> = [];
  private readonly order = new Map<string, number>();
  /** each Examples row's values, by the row's id (a pickle of an outline names it second in astNodeIds) */
  private readonly exampleRows = new Map<string, string[]>();
  readonly problems: string[] = [];

  constructor(private readonly listener?: SuiteListener) {}

  /** The scenario results in the order cucumber planned them (the features' order), however they finished. */
  get results(): ScenarioResult[] {
    return [...this.finished].sort((a, b) => a.order - b.order).map((f) => f.result);
  }

  onMessage = (envelope: Envelope): void => {
    if (envelope.gherkinDocument) this.rowsOf(envelope.gherkinDocument);
    else if (envelope.pickle) {
      this.pickles.set(envelope.pickle.id, envelope.pickle);
      this.order.set(envelope.pickle.id, this.order.size);
    }
    else if (envelope.testCase) {
      const steps = new Map(envelope.testCase.testSteps.map((s) => [s.id, s.pickleStepId]));
      this.testCases.set(envelope.testCase.id, { pickleId: envelope.testCase.pickleId, steps });
      // cucumber assembles every test case of the run before the first one starts
      const pickle = this.pickles.get(envelope.testCase.pickleId);
      if (pickle) this.listener?.planned({ name: pickle.name, uri: pickle.uri, line: pickle.location?.line ?? 0, requirementIds: requirementIdsOf(pickle) });
    } else if (envelope.testCaseStarted) {
      const tc = this.testCases.get(envelope.testCaseStarted.testCaseId);
      const pickle = tc && this.pickles.get(tc.pickleId);
      if (!tc || !pickle) return;
      this.started.set(envelope.testCaseStarted.id, {
        pickle,
        testStepToPickleStep: tc.steps,
        steps: [],
        transcript: [],
        checks: [],
        started: ms(envelope.testCaseStarted.timestamp),
        worst: 'PASSED',
      });
    } else if (envelope.testStepFinished) {
      const s = this.started.get(envelope.testStepFinished.testCaseStartedId);
      if (s) this.stepFinished(s, envelope.testStepFinished.testStepId, envelope.testStepFinished.testStepResult);
    } else if (envelope.attachment?.testCaseStartedId) {
      const s = this.started.get(envelope.attachment.testCaseStartedId);
      if (s) this.attachment(s, envelope.attachment.mediaType, envelope.attachment.body);
    } else if (envelope.testCaseFinished) {
      const s = this.started.get(envelope.testCaseFinished.testCaseStartedId);
      if (s) this.finish(s, ms(envelope.testCaseFinished.timestamp));
    }
  };

  private rowsOf(doc: GherkinDocument): void {
    const children = doc.feature?.children ?? [];
    const scenarios = [...children, ...children.flatMap((c) => c.rule?.children ?? [])].flatMap((c) => (c.scenario ? [c.scenario] : []));
    for (const row of scenarios.flatMap((s) => s.examples.flatMap((e) => e.tableBody))) this.exampleRows.set(row.id, row.cells.map((c) => c.value));
  }

  private stepFinished(s: Started, testStepId: string, result: TestStepResult): void {
    if (STATUS_RANK.indexOf(result.status) > STATUS_RANK.indexOf(s.worst)) s.worst = result.status;
    const pickleStepId = s.testStepToPickleStep.get(testStepId);
    if (!pickleStepId) {
      // a hook: only its failure is worth a line
      if (result.status === 'FAILED') s.steps.push({ keyword: 'Hook', text: '(hook)', status: 'failed', durationMs: ms(result.duration), error: result.message });
      return;
    }
    const step = s.pickle.steps.find((p) => p.id === pickleStepId);
    const keyword = step?.type === 'Context' ? 'Given' : step?.type === 'Action' ? 'When' : step?.type === 'Outcome' ? 'Then' : '*';
    s.steps.push({
      keyword,
      text: step?.text ?? '',
      status: result.status.toLowerCase(),
      durationMs: ms(result.duration),
      ...(result.message ? { error: result.message.split('\n')[0] } : {}),
    });
  }

  private attachment(s: Started, mediaType: string, body: string): void {
    try {
      if (mediaType === MEDIA.outcome) s.outcome = JSON.parse(body) as Started['outcome'];
      else if (mediaType === MEDIA.transcript) s.transcript = JSON.parse(body) as TranscriptEntry[];
      else if (mediaType === MEDIA.checks) s.checks = JSON.parse(body) as CheckRecord[];
    } catch (err) {
      this.problems.push(`unreadable ${mediaType} attachment in "${s.pickle.name}": ${(err as Error).message}`);
    }
  }

  private finish(s: Started, finished: number): void {
    const tags = tagsOf(s.pickle);
    const polarity: Polarity | undefined = tags.includes('positive') ? 'positive' : tags.includes('negative') ? 'negative' : undefined;
    const status = s.worst.toLowerCase();
    // No outcome attachment means the After hook never ran: the harness broke, not the IUT.
    const outcome = s.outcome ?? (status === 'passed' ? { outcome: 'pass' as const } : { outcome: 'error' as const, reason: `scenario ended ${status} without an outcome` });
    // undefined, ambiguous or pending steps are defects of the suite, never a verdict on the IUT
    const fixed = ['undefined', 'ambiguous', 'pending'].includes(status) ? { outcome: 'error' as const, reason: `step definitions ${status}` } : outcome;
    const row = s.pickle.astNodeIds[1];
    const example = row !== undefined ? this.exampleRows.get(row) : undefined;
    const result: ScenarioResult = {
      name: s.pickle.name,
      uri: s.pickle.uri,
      line: s.pickle.location?.line ?? 0,
      polarity: polarity ?? 'positive',
      status,
      outcome: fixed.outcome,
      ...(fixed.reason ? { reason: fixed.reason } : {}),
      durationMs: Math.max(0, finished - s.started),
      tags,
      requirementIds: requirementIdsOf(s.pickle),
      steps: s.steps,
      checks: s.checks,
      transcript: s.transcript,
      ...(example ? { example } : {}),
    };
    this.finished.push({ order: this.order.get(s.pickle.id) ?? this.order.size, result });
    this.listener?.finished(result);
    if (!polarity) this.problems.push(`scenario "${s.pickle.name}" (${s.pickle.uri}) has no @positive/@negative tag`);
  }
}
