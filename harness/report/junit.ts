/**
 * junit.xml for CI tools (Jenkins, GitLab): one <testsuite> per requirement that has scenarios, one
 * <testcase> per scenario. The mapping from scenario outcome:
 *   fail            -> <failure message="first failing step error"> (type="warning" for SHOULD/expected:
 *                      CI shows it, but the run's exit status does not fail on it)
 *   error           -> <error>
 *   inconclusive    -> <error type="inconclusive"> (neither a pass nor the IUT's fault)
 *   not-applicable  -> <skipped message="reason">
 * Untested requirements have no scenarios and so no suite; conformance.json and the HTML list them.
 */
import type { Strength } from '../catalogue/types';
import type { RequirementResult, RunReport, ScenarioResult } from './model';
import { escapeAttr, escapeText, firstLine, truncate } from './escape';
import { EvidencePlan, formatSource, seconds } from './format';
import { writeOutputFiles } from './output';

export const JUNIT_XML = 'junit.xml';

const MAX_MESSAGE = 500;
const MAX_BODY = 16_000;

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
  const message = firstLine(error ?? checks[0] ?? s.reason ?? `scenario ${s.status}`);
  const body = [
    ...(s.reason !== undefined ? [`reason: ${s.reason}`] : []),
    ...(error !== undefined ? [error] : []),
    ...(checks.length > 0 ? ['failed checks:', ...checks.map((c) => `  ${c}`)] : []),
  ].join('\n');
  return { message: truncate(message, MAX_MESSAGE), body: truncate(body, MAX_BODY) };
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function testcase(req: RequirementResult, s: ScenarioResult, evidence: string, counts: Counts): string {
  counts.tests++;
  counts.ms += Number.isFinite(s.durationMs) && s.durationMs > 0 ? s.durationMs : 0;
  const attrs =
    `classname="${escapeAttr(req.id)}" name="${escapeAttr(`${s.name} (${s.polarity})`)}" ` +
    `time="${seconds(s.durationMs)}" file="${escapeAttr(s.uri)}"`;
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
    result = `<skipped message="${escapeAttr(truncate(s.reason ?? 'not applicable', MAX_MESSAGE))}"/>`;
  }
  const steps = s.steps.map((st) => `${st.status.padEnd(9)} ${st.keyword.trim()} ${st.text}`);
  const out = truncate([`evidence: ${evidence}`, `${s.uri}:${s.line}`, ...steps].join('\n'), MAX_BODY);
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
    const cases = req.scenarios.map((s) => testcase(req, s, plan.pathFor(s), c)).join('');
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
