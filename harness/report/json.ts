/**
 * conformance.json (the per-requirement roll-up, design.md schemaVersion 1) and one evidence file per
 * scenario (DIR/evidence/NNN-slug.json: steps, checks, transcript). Transcripts stay out of
 * conformance.json so it remains small enough to diff and to keep as a CI baseline.
 */
import { INPUT_LIMITS, InputFileError, readInputFile } from '../input';
import type { Strength } from '../catalogue/types';
import type { RequirementResult, RunReport, ScenarioResult } from './model';
import { EvidencePlan, formatSource, plainCopy } from './format';
import { conformanceJsonSchema, type ConformanceJson, type ConformanceScenarioJson } from './json-schema';
import { writeOutputFiles, type OutputFile } from './output';

export const CONFORMANCE_JSON = 'conformance.json';
/** the transcript of the run's declaration check (harness/declaration) */
export const DECLARATION_EVIDENCE = 'evidence/declaration.json';

function scenarioJson(s: ScenarioResult, evidence: string): ConformanceScenarioJson {
  return {
    name: s.name,
    uri: s.uri,
    line: s.line,
    polarity: s.polarity,
    status: s.status,
    durationMs: s.durationMs,
    outcome: s.outcome,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    evidence,
  };
}

/** The conformance.json object (key order as in design.md, additions next to their kin). */
export function conformanceJson(report: RunReport, plan = new EvidencePlan(report)): ConformanceJson {
  const { run, summary } = report;
  return {
    schemaVersion: 1,
    harness: { name: report.harness.name, version: report.harness.version },
    run: {
      id: run.id,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      topology: run.topology,
      profile: run.profile,
      faults: [...run.faults],
      ...(run.tags !== undefined ? { tags: run.tags } : {}),
      ...(run.containers ? { containers: run.containers } : {}),
      ...(run.tested ? { tested: run.tested } : {}),
      ...(run.interrupted ? { interrupted: true as const, ...(run.scenarios ? { scenarios: run.scenarios } : {}) } : {}),
      ...(run.draft ? { draft: true as const } : {}),
      ...(run.declaration
        ? {
            declaration: {
              role: run.declaration.role,
              observed: run.declaration.observed,
              capabilities: run.declaration.capabilities,
              findings: run.declaration.findings,
              ...(run.declaration.note !== undefined ? { note: run.declaration.note } : {}),
              evidence: DECLARATION_EVIDENCE,
            },
          }
        : {}),
    },
    summary: {
      requirements: summary.requirements,
      pass: summary.pass,
      fail: summary.fail,
      warning: summary.warning,
      inconclusive: summary.inconclusive,
      notApplicable: summary.notApplicable,
      waived: summary.waived,
      error: summary.error,
      untested: summary.untested,
      verdict: summary.verdict,
    },
    requirements: report.requirements.map((r) => ({
      id: r.id,
      keyword: r.keyword,
      strength: r.strength,
      title: r.title,
      text: r.text,
      source: formatSource(r.source),
      sourceRef: {
        document: r.source.document,
        ...(r.source.file !== undefined ? { file: r.source.file } : {}),
        clause: r.source.clause,
      },
      candidate: r.candidate,
      verdict: r.verdict,
      reason: r.reason,
      scenarios: r.scenarios.map((s) => scenarioJson(s, plan.pathFor(s))),
    })),
  };
}

/** What one evidence file holds: the scenario's identity, then steps, checks and the full transcript. */
export function evidenceDocument(s: ScenarioResult): unknown {
  return plainCopy({
    schemaVersion: 1,
    scenario: {
      name: s.name,
      uri: s.uri,
      line: s.line,
      polarity: s.polarity,
      status: s.status,
      outcome: s.outcome,
      reason: s.reason,
      durationMs: s.durationMs,
      tags: s.tags,
      requirementIds: s.requirementIds,
    },
    steps: s.steps,
    checks: s.checks,
    transcript: s.transcript,
  });
}

/** conformance.json and the evidence files, rendered, not yet written. */
export function renderJsonFiles(report: RunReport): OutputFile[] {
  const plan = new EvidencePlan(report);
  const files: OutputFile[] = [
    { path: CONFORMANCE_JSON, content: `${JSON.stringify(conformanceJson(report, plan), null, 2)}\n` },
  ];
  for (const e of plan.files) {
    files.push({ path: e.path, content: `${JSON.stringify(evidenceDocument(e.scenario), null, 2)}\n` });
  }
  const d = report.run.declaration;
  if (d) files.push({ path: DECLARATION_EVIDENCE, content: `${JSON.stringify(plainCopy({ schemaVersion: 1, declaration: { role: d.role, findings: d.findings }, transcript: d.transcript }), null, 2)}\n` });
  return files;
}

/** Writes DIR/conformance.json and DIR/evidence/*.json; returns the absolute paths written. */
export async function writeJsonReport(report: RunReport, dir: string): Promise<string[]> {
  return writeOutputFiles(dir, renderJsonFiles(report));
}

/** The strength a keyword implies, for conformance.json files that do not carry `strength`. */
function strengthOf(keyword: string): Strength {
  const k = keyword.trim().toUpperCase();
  if (k.startsWith('SHOULD') || k === 'EXPECTED' || k === 'RECOMMENDED') return 'recommended';
  if (k.startsWith('MAY') || k === 'OPTIONAL') return 'optional';
  if (k === 'INFORMATIVE') return 'informative';
  return 'mandatory';
}

/**
 * Reads a conformance.json back as a RunReport (for `--baseline`). Transcripts, steps and checks are
 * not in that file, so scenarios come back without them; verdicts and identities are all there.
 * Throws with the schema problems when the file is not a conformance.json.
 */
export async function readJsonReport(file: string): Promise<RunReport> {
  let raw: unknown;
  try {
    raw = JSON.parse(readInputFile(file, INPUT_LIMITS.report));
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  const parsed = conformanceJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${file} is not a conformance.json (schemaVersion 1): ${problems}`);
  }
  const j = parsed.data;
  const requirements: RequirementResult[] = j.requirements.map((r) => ({
    id: r.id,
    keyword: r.keyword,
    strength: r.strength ?? strengthOf(r.keyword),
    title: r.title,
    text: r.text ?? '',
    source: r.sourceRef ?? { document: r.source, clause: '' },
    candidate: r.candidate,
    verdict: r.verdict,
    reason: r.reason,
    scenarios: r.scenarios.map((s) => ({
      name: s.name,
      uri: s.uri,
      line: s.line,
      polarity: s.polarity,
      status: s.status,
      outcome: s.outcome,
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      durationMs: s.durationMs,
      tags: [],
      requirementIds: [r.id],
      steps: [],
      checks: [],
      transcript: [],
      ...(s.evidence !== undefined ? { evidence: s.evidence } : {}),
    })),
  }));
  return {
    schemaVersion: 1,
    harness: j.harness,
    run: (({ declaration, ...run }) => ({ ...run, ...(declaration ? { declaration: { ...declaration, transcript: [] } } : {}) }))(j.run),
    summary: {
      ...j.summary,
      untested: j.summary.untested ?? requirements.filter((r) => r.verdict === 'untested').length,
      waived: j.summary.waived ?? requirements.filter((r) => r.verdict === 'waived').length,
    },
    requirements,
  };
}
