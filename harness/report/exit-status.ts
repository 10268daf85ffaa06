/**
 * The exit status of `run`, from the requirement verdicts (which already encode strength: a failed
 * SHOULD/expected rolls up to `warning`, a failed SHALL or declared-optional capability to `fail`).
 *
 *   1  some requirement's verdict is `fail`, or, with a baseline, some requirement regressed: it passed
 *      in the baseline and is now `warning`, `inconclusive`, `error` or `fail`. `untested`,
 *      `not-applicable` and absent are not regressions: they are not results, and a narrower tag
 *      selection or another profile legitimately produces them.
 *   2  nothing failed or regressed, but some requirement is `error` (harness or environment) or
 *      `inconclusive` (the IUT could not be driven or observed): the run proves nothing either way.
 *   0  otherwise: every applicable mandatory requirement passed. Warnings, not-applicable and untested
 *      requirements are allowed.
 */
import type { RequirementVerdict, RunReport } from './model';

export type ExitStatus = 0 | 1 | 2;

export interface Regression {
  id: string;
  from: RequirementVerdict;
  to: RequirementVerdict;
}

export interface ExitDecision {
  status: ExitStatus;
  /** requirements whose verdict is fail */
  failed: string[];
  regressed: Regression[];
  /** requirements whose verdict is error or inconclusive */
  undecided: string[];
}

const WORSE_THAN_PASS: ReadonlySet<RequirementVerdict> = new Set(['warning', 'inconclusive', 'error', 'fail']);

/** Requirements that passed in the baseline and are worse now. */
export function regressions(report: RunReport, baseline: RunReport): Regression[] {
  const now = new Map(report.requirements.map((r) => [r.id, r.verdict]));
  const out: Regression[] = [];
  for (const before of baseline.requirements) {
    if (before.verdict !== 'pass') continue;
    const to = now.get(before.id);
    if (to !== undefined && WORSE_THAN_PASS.has(to)) out.push({ id: before.id, from: 'pass', to });
  }
  return out;
}

/** The status with the requirements that decided it, for the CLI to print. */
export function exitDecision(report: RunReport, opts: { baseline?: RunReport } = {}): ExitDecision {
  const failed = report.requirements.filter((r) => r.verdict === 'fail').map((r) => r.id);
  const undecided = report.requirements
    .filter((r) => r.verdict === 'error' || r.verdict === 'inconclusive')
    .map((r) => r.id);
  const regressed = opts.baseline ? regressions(report, opts.baseline) : [];
  const status: ExitStatus = failed.length > 0 || regressed.length > 0 ? 1 : undecided.length > 0 ? 2 : 0;
  return { status, failed, regressed, undecided };
}

/** 0 conformant, 1 a requirement failed or regressed, 2 undecided (error/inconclusive); see above. */
export function exitStatusFor(report: RunReport, opts: { baseline?: RunReport } = {}): ExitStatus {
  return exitDecision(report, opts).status;
}
