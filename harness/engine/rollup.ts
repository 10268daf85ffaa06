import type { Requirement } from '../catalogue/types';
import type { RequirementResult, RequirementVerdict, RunSummary, ScenarioResult } from '../report/model';

/**
 * Rolls scenario outcomes up into one verdict per requirement (design.md "Verdicts"):
 * a failing scenario fails a mandatory or optional requirement and warns on a recommended one; then
 * error, then inconclusive win over pass, because neither lets the harness vouch for the IUT; a
 * requirement whose every scenario was excluded by the profile is not applicable, with the reason.
 */
export function rollUpRequirement(req: Requirement, scenarios: readonly ScenarioResult[]): RequirementResult {
  const mine = scenarios.filter((s) => s.requirementIds.includes(req.id));
  const base = { id: req.id, keyword: req.keyword, strength: req.strength, title: req.title, text: req.text, source: req.source, candidate: req.candidate, scenarios: mine };
  const verdict = (v: RequirementVerdict, reason: string): RequirementResult => ({ ...base, verdict: v, reason });

  if (mine.length === 0) return verdict('untested', req.strength === 'informative' ? 'informative statement: nothing to test' : 'no scenario covers it yet');
  const first = (o: ScenarioResult['outcome']) => mine.find((s) => s.outcome === o);
  const failed = first('fail');
  if (failed) {
    const why = `"${failed.name}": ${failed.reason ?? 'failed'}`;
    return req.strength === 'recommended' ? verdict('warning', `${req.keyword} not met: ${why}`) : verdict('fail', why);
  }
  const error = first('error');
  if (error) return verdict('error', `harness or environment error in "${error.name}": ${error.reason ?? ''}`);
  const inconclusive = first('inconclusive');
  if (inconclusive) return verdict('inconclusive', `"${inconclusive.name}": ${inconclusive.reason ?? 'could not be judged'}`);
  const applicable = mine.filter((s) => s.outcome !== 'not-applicable');
  if (applicable.length === 0) {
    const waiver = mine.find((s) => s.reason?.startsWith('waiver:'));
    return waiver ? verdict('waived', waiver.reason!) : verdict('not-applicable', mine[0]!.reason ?? 'excluded by the profile');
  }
  const excluded = mine.length - applicable.length;
  return verdict('pass', `${applicable.length} scenario(s) passed` + (excluded ? `, ${excluded} not applicable` : ''));
}

/** Verdicts a scenario that ran decided, whatever the scenarios that did not run would have shown. */
const DECIDED: ReadonlySet<RequirementVerdict> = new Set(['fail', 'warning', 'error']);

/**
 * The roll-up of an interrupted run: a requirement whose planned scenarios did not all run is inconclusive
 * (the ones that did not run might have failed), unless one that ran already failed it or found an error.
 * `planned` counts each requirement's scenarios the run selected.
 */
export function rollUpInterrupted(req: Requirement, scenarios: readonly ScenarioResult[], planned: ReadonlyMap<string, number>): RequirementResult {
  const done = rollUpRequirement(req, scenarios);
  const wanted = planned.get(req.id) ?? 0;
  if (done.scenarios.length >= wanted || DECIDED.has(done.verdict)) return done;
  const ran = `the run was interrupted: ${done.scenarios.length} of ${wanted} scenario(s) ran`;
  return { ...done, verdict: 'inconclusive', reason: done.scenarios.length > 0 ? `${ran} (${done.reason})` : ran };
}

export function summarise(results: readonly RequirementResult[]): RunSummary {
  const count = (v: RequirementVerdict) => results.filter((r) => r.verdict === v).length;
  const s = {
    requirements: results.length,
    pass: count('pass'),
    fail: count('fail'),
    warning: count('warning'),
    inconclusive: count('inconclusive'),
    notApplicable: count('not-applicable'),
    waived: count('waived'),
    error: count('error'),
    untested: count('untested'),
  };
  const verdict: RunSummary['verdict'] = s.fail > 0 ? 'not-conformant' : s.error + s.inconclusive > 0 ? 'inconclusive' : 'conformant';
  return { ...s, verdict };
}
