/**
 * Which scenarios cover a requirement, as a spec author reads them: one line per scenario (an outline
 * counts once, with its number of Examples rows), and the cucumber tag expression that re-runs them.
 */
import type { ScenarioRef } from '../catalogue/features';
import type { Polarity } from '../report/model';

export interface ScenarioSummary {
  /** feature file relative to the project root */
  uri: string;
  /** line of the Scenario / Scenario Outline keyword */
  line: number;
  /** the scenario name (an outline's first Examples row substituted) */
  name: string;
  polarity?: Polarity;
  /** requirement IDs the scenario is tagged with */
  requirementIds: string[];
  /** Examples rows of an outline; 1 for a plain scenario */
  examples: number;
}

export class ScenarioIndex {
  private readonly byId = new Map<string, ScenarioSummary[]>();

  constructor(refs: readonly ScenarioRef[]) {
    const byScenario = new Map<string, ScenarioSummary>();
    for (const r of refs) {
      const key = `${r.uri}:${r.scenarioLine}`;
      const seen = byScenario.get(key);
      if (seen) {
        seen.examples++;
        continue;
      }
      const s: ScenarioSummary = {
        uri: r.uri,
        line: r.scenarioLine,
        name: r.name,
        ...(r.polarity ? { polarity: r.polarity } : {}),
        requirementIds: [...r.requirementIds],
        examples: 1,
      };
      byScenario.set(key, s);
      for (const id of r.requirementIds) {
        const list = this.byId.get(id) ?? [];
        list.push(s);
        this.byId.set(id, list);
      }
    }
  }

  /** Scenarios tagged with any of `ids`, each once, in feature order. */
  forIds(ids: readonly string[]): ScenarioSummary[] {
    const seen = new Set<ScenarioSummary>();
    for (const id of ids) for (const s of this.byId.get(id) ?? []) seen.add(s);
    return [...seen].sort((a, b) => (a.uri === b.uri ? a.line - b.line : a.uri < b.uri ? -1 : 1));
  }

  covered(id: string): boolean {
    return (this.byId.get(id)?.length ?? 0) > 0;
  }
}

/** `@EVVM-AUTH-06 or @EVVM-AUTH-08`, IDs sorted; '' for none. */
export function tagExpression(ids: readonly string[]): string {
  return [...new Set(ids)]
    .sort()
    .map((id) => `@${id}`)
    .join(' or ');
}
