/**
 * What a run has planned and finished so far: a requirement settles once every scenario of it the run
 * selected has run. Progress reports each requirement as it settles, and an interrupted run's report is
 * rolled up from here (a requirement still waiting for scenarios is inconclusive, never a pass).
 */
import type { Requirement } from '../catalogue/types';
import type { RequirementResult, ScenarioResult } from '../report/model';
import { scenarioKey } from '../report/format';
import type { PlannedScenario, SuiteListener } from './collect';
import { rollUpInterrupted, rollUpRequirement } from './rollup';

export interface TallyEvents {
  /** a scenario finished */
  scenario?(result: ScenarioResult, tally: RunTally): void;
  /** the last selected scenario of a requirement finished: its verdict will not change */
  settled?(requirement: RequirementResult, tally: RunTally): void;
}

export class RunTally implements SuiteListener {
  /** each planned scenario's place in the plan, by scenarioKey */
  private readonly order = new Map<string, number>();
  private readonly results: ScenarioResult[] = [];
  /** scenarios each requirement has in the plan, and how many of them are still to run */
  private readonly perRequirement = new Map<string, number>();
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly catalogue: readonly Requirement[],
    private readonly events: TallyEvents = {},
  ) {}

  get plannedCount(): number {
    return this.order.size;
  }

  get ranCount(): number {
    return this.results.length;
  }

  planned(s: PlannedScenario): void {
    this.order.set(scenarioKey(s), this.order.size);
    for (const id of s.requirementIds) {
      this.perRequirement.set(id, (this.perRequirement.get(id) ?? 0) + 1);
      this.waiting.set(id, (this.waiting.get(id) ?? 0) + 1);
    }
  }

  finished(result: ScenarioResult): void {
    this.results.push(result);
    this.events.scenario?.(result, this);
    for (const id of result.requirementIds) {
      const left = (this.waiting.get(id) ?? 1) - 1;
      this.waiting.set(id, left);
      const req = this.catalogue.find((r) => r.id === id);
      if (left === 0 && req) this.events.settled?.(rollUpRequirement(req, this.results), this);
    }
  }

  /** Every catalogue requirement rolled up from the scenarios that ran, in the plan's order. */
  requirements(): RequirementResult[] {
    const place = (s: ScenarioResult): number => this.order.get(scenarioKey(s)) ?? this.order.size;
    const ran = [...this.results].sort((a, b) => place(a) - place(b));
    return this.catalogue.map((req) => rollUpInterrupted(req, ran, this.perRequirement));
  }
}
