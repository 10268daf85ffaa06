/**
 * junit.xml for CI tools (Jenkins, GitLab): one <testsuite> per requirement that has scenarios, one
 * <testcase> per scenario. The mapping from scenario outcome:
 *   fail            -> <failure message="the scenario's reason, in full"> (type="warning" for SHOULD/expected:
 *                      CI shows it, but the run's exit status does not fail on it)
 *   error           -> <error>
 *   inconclusive    -> <error type="inconclusive"> (neither a pass nor the IUT's fault)
 *   not-applicable  -> <skipped message="reason">
 * Untested requirements have no scenarios and so no suite; conformance.json and the HTML list them.
 * Nothing is cut: a CI tool shows the message attribute, and a reason cut short hides what decided it.
 * Each test case's classname and name are unique in the file (an outline's rows carry their Examples
 * values), and `file` is `feature:line`, so a CI tool can tell the rows apart and point at the row.
 */
import type { Strength } from '../catalogue/types';
import type { RequirementResult, RunReport, ScenarioResult } from './model';
import { escapeAttr, escapeText } from './escape';
import { EvidencePlan, formatSource, seconds } from './format';
import { writeOutputFiles } from './output';

export const JUNIT_XML = 'junit.xml';

/** A failure of a requirement whose failure is a warning, not a fail (design.md "Verdicts"). */
function failureIsWarning(strength: Strength): boolean {
  return strength === 'recommended' || strength === 'informative';
}

function failedStepError(s: ScenarioResult): string | undefined {
  const step = s.steps.find((st) => st.error !== undefined && st.error !== '' && st.status.toLowerCase() !== 'passed');
  return step?.error ?? s.steps.find((st) => st.error)?.error;
}

function failedChecks(s: ScenarioResult): string[] {
  return s.checks
    .filter((c) => c.result === 'failure')
    .map((c) => `[${c.requirement}] ${c.condition}: ${c.message}`);
}

/** The message attribute and the element body of a non-passing test case. */
function describe(s: ScenarioResult): { message: string; body: string } {
  const error = failedStepError(s);
  const checks = failedChecks(s);
  // the reason is the whole message of what decided the outcome; a step error is its first line only
  const message = s.reason ?? error ?? checks[0] ?? `scenario ${s.status}`;
  const body = [
    ...(s.reason !== undefined ? [`reason: ${s.reason}`] : []),
    ...(error !== undefined ? [error] : []),
    ...(checks.length > 0 ? ['failed checks:', ...checks.map((c) => `  ${c}`)] : []),
  ].join('\n');
  return { message, body };
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

/** The test case's name: an outline's row by its values, and by its place when two would still be alike. */
function caseName(s: ScenarioResult, taken: Set<string>): string {
  const name = `${s.name} (${s.polarity})${s.example ? ` [example: ${s.example.join(' | ')}]` : ''}`;
  const unique = taken.has(name) ? `${name} [${s.uri}:${s.line}]` : name;
  taken.add(unique);
  return unique;
}

function testcase(req: RequirementResult, s: ScenarioResult, evidence: string, counts: Counts, names: Set<string>): string {
  counts.tests++;
  counts.ms += Number.isFinite(s.durationMs) && s.durationMs > 0 ? s.durationMs : 0;
  const attrs =
    `classname="${escapeAttr(req.id)}" name="${escapeAttr(caseName(s, names))}" ` +
    `time="${seconds(s.durationMs)}" file="${escapeAttr(`${s.uri}:${s.line}`)}"`;
  let result = '';
  if (s.outcome === 'fail') {
    counts.failures++;
    const { message, body } = describe(s);
    const type = failureIsWarning(req.strength) ? 'warning' : 'fail';
    result = `<failure type="${type}" message="${escapeAttr(message)}">${escapeText(body)}</failure>`;
  } else if (s.outcome === 'error' || s.outcome === 'inconclusive') {
    counts.errors++;
    const { message, body } = describe(s);
    result = `<error type="${s.outcome}" message="${escapeAttr(message)}">${escapeText(body)}</error>`;
  } else if (s.outcome === 'not-applicable') {
    counts.skipped++;
    result = `<skipped message="${escapeAttr(s.reason ?? 'not applicable')}"/>`;
  }
  const steps = s.steps.map((st) => `${st.status.padEnd(9)} ${st.keyword.trim()} ${st.text}`);
  const out = [`evidence: ${evidence}`, `${s.uri}:${s.line}`, ...steps].join('\n');
  return (
    `    <testcase ${attrs}>\n` +
    (result ? `      ${result}\n` : '') +
    `      <system-out>${escapeText(out)}</system-out>\n` +
    `    </testcase>\n`
  );
}

function property(name: string, value: string): string {
  return `      <property name="${escapeAttr(name)}" value="${escapeAttr(value)}"/>\n`;
}

/** The JUnit schema's timestamp: ISO 8601 in UTC without zone or fraction (what Jenkins parses). */
function junitTimestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

/** The junit.xml document. */
export function renderJunit(report: RunReport, plan = new EvidencePlan(report)): string {
  const timestamp = junitTimestamp(report.run.startedAt);
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const suites: string[] = [];
  report.requirements.forEach((req, index) => {
    if (req.scenarios.length === 0) return;
    const c: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
    const names = new Set<string>();
    const cases = req.scenarios.map((s) => testcase(req, s, plan.pathFor(s), c, names)).join('');
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
    total.ms += c.ms;
    suites.push(
      `  <testsuite id="${index}" name="${escapeAttr(`${req.id} ${req.title}`)}" tests="${c.tests}" ` +
        `failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.ms)}"` +
        (timestamp ? ` timestamp="${timestamp}"` : '') +
        `>\n` +
        `    <properties>\n` +
        property('keyword', req.keyword) +
        property('strength', req.strength) +
        property('verdict', req.verdict) +
        property('candidate', String(req.candidate)) +
        property('source', formatSource(req.source)) +
        property('reason', req.reason) +
        `    </properties>\n` +
        cases +
        `  </testsuite>\n`,
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${escapeAttr(`evvm-conformance ${report.run.id}`)}" tests="${total.tests}" ` +
    `failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${seconds(total.ms)}">\n` +
    suites.join('') +
    `</testsuites>\n`
  );
}

/** Writes DIR/junit.xml; returns its absolute path. */
export async function writeJunitReport(report: RunReport, dir: string): Promise<string> {
  const [path] = await writeOutputFiles(dir, [{ path: JUNIT_XML, content: renderJunit(report) }]);
  return path as string;
}
