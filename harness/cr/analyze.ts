/**
 * `cr analyze`: the statements of a CR's detailed change proposal, each with its keyword, clause,
 * catalogue requirement (and how sure the match is) or "new", and the scenarios that cover it; the
 * catalogue requirements of the rewritten clauses that the CR no longer contains; the lint findings;
 * and the exit verdict.
 */
import type { ScenarioRef } from '../catalogue/features';
import type { Requirement, Strength } from '../catalogue/types';
import { ScenarioIndex } from './coverage';
import { type CrDocument, type CrFormat, parseCr } from './document';
import { type AnalyzeFailOn, DEFAULT_ANALYZE_FAIL_ON } from './failon';
import { catalogueLevel, compareLevels, findKeywords, keywordStrength, type LevelChange, levelOf, NO_KEYWORD } from './keywords';
import { lint } from './lint';
import { type CandidateMatch, CatalogueMatcher, DEFAULT_THRESHOLD } from './match';
import type { CrAnalysis, CrStatement, DroppedRequirement, ExitVerdict, RequirementMatch } from './model';
import { compressIds, contentTokens, splitSentences } from './normalize';
import { type Candidate, extractCandidates } from './statements';

/** A sentence without a keyword is reported only when it is (nearly) a catalogue requirement's text. */
const DESCRIPTIVE_MIN = 0.7;
/** Matches this sure decide which catalogue clauses the CR rewrites (for `dropped`). */
export const CLAUSE_MIN = 0.8;

export interface StatementContext {
  matcher: CatalogueMatcher;
  index: ScenarioIndex;
  threshold: number;
}

export function statementContext(catalogue: readonly Requirement[], scenarios: readonly ScenarioRef[], threshold = DEFAULT_THRESHOLD): StatementContext {
  return { matcher: new CatalogueMatcher(catalogue), index: new ScenarioIndex(scenarios), threshold };
}

const CHANGE_ORDER: ReadonlyArray<LevelChange | 'n/a'> = ['inverted', 'weakened', 'strengthened', 'same', 'n/a'];

function worst(changes: ReadonlyArray<LevelChange | 'n/a'>): LevelChange | 'n/a' {
  for (const c of CHANGE_ORDER) if (changes.includes(c)) return c;
  return 'n/a';
}

function toStatement(
  n: number,
  c: Candidate,
  kind: CrStatement['kind'],
  found: { matches: CandidateMatch[]; nearest?: CandidateMatch },
  ctx: StatementContext,
): CrStatement {
  const level = kind === 'normative' ? levelOf(c.principal?.keyword) : NO_KEYWORD;
  const matches: RequirementMatch[] = found.matches.map((m) => {
    // an informative entry states a fact: a CR that makes it MAY or SHOULD weakens it
    const cat = catalogueLevel(m.requirement.keyword) ?? (m.requirement.strength === 'informative' ? NO_KEYWORD : undefined);
    return {
      id: m.requirement.id,
      title: m.requirement.title,
      keyword: m.requirement.keyword,
      candidate: m.requirement.candidate,
      confidence: m.confidence,
      method: m.method,
      change: cat && (kind === 'normative' || cat.rank > 0) ? compareLevels(cat, level) : 'n/a',
    };
  });
  const ids = matches.map((m) => m.id);
  const scenarios = ctx.index.forIds(ids);
  const coverage = ids.map((id) => ({ id, scenarios: ctx.index.forIds([id]).length }));
  const strength: Strength =
    kind === 'normative' && c.principal ? keywordStrength(c.principal.keyword) : (found.matches[0]?.requirement.strength ?? 'informative');
  return {
    id: `S${n}`,
    line: c.line,
    clause: c.clause,
    text: c.text,
    kind,
    keyword: kind === 'normative' ? (c.principal?.written ?? '') : '',
    ...(kind === 'normative' && c.principal ? { normalizedKeyword: c.principal.keyword } : {}),
    strength,
    inherited: c.inherited,
    conditions: c.conditions,
    status: matches.length > 0 ? 'matched' : 'new',
    matches,
    ...(found.nearest ? { nearest: { id: found.nearest.requirement.id, confidence: found.nearest.confidence } } : {}),
    scenarios,
    coverage,
    // "SHALL authenticate … and vice versa" is two requirements: both halves need a scenario.
    covered: coverage.length > 0 && coverage.every((c) => c.scenarios > 0),
    change: worst(matches.map((m) => m.change)),
  };
}

/**
 * The statements of a parsed CR: every sentence with a normative keyword, plus every sentence without
 * one that is (nearly) the text of a catalogue requirement no keyword sentence has claimed (the
 * catalogue tracks "are defined", "is separately managed" too; and a sentence that lost its SHALL must
 * still show up, as weakened).
 */
export function buildStatements(doc: CrDocument, ctx: StatementContext): CrStatement[] {
  const candidates = extractCandidates(doc);
  const found = candidates.map((c) => (c.principal ? ctx.matcher.match(c.text, ctx.threshold) : undefined));
  const claimed = new Set(found.flatMap((f) => f?.matches.map((m) => m.requirement.id) ?? []));

  // Several sentences without a keyword can match one requirement ("EVVM supports associating …" and a
  // sentence that lost its SHALL both sit in EVVM-AUTH-01): the one closest to the requirement's
  // normative sentence wins (to its whole text when it has no keyword).
  const best = new Map<string, { index: number; score: number; match: CandidateMatch }>();
  candidates.forEach((c, i) => {
    if (found[i]) return;
    const tokens = contentTokens(c.text);
    for (const m of ctx.matcher.match(c.text, Math.max(ctx.threshold, DESCRIPTIVE_MIN)).matches) {
      const id = m.requirement.id;
      if (claimed.has(id)) continue;
      const score = Math.max(...normativeUnits(m.requirement.text).map((u) => ctx.matcher.weights.similarity(tokens, u)));
      const seen = best.get(id);
      if (!seen || score > seen.score) best.set(id, { index: i, score, match: m });
    }
  });

  const out: CrStatement[] = [];
  candidates.forEach((c, i) => {
    const f = found[i];
    if (f) {
      out.push(toStatement(out.length + 1, c, 'normative', f, ctx));
      return;
    }
    const mine = [...best.values()].filter((b) => b.index === i).map((b) => b.match);
    if (mine.length > 0) out.push(toStatement(out.length + 1, c, 'descriptive', { matches: mine }, ctx));
  });
  return out;
}

/** Token sets of the sentences of a requirement text that carry a keyword; the whole text when none does. */
function normativeUnits(text: string): Array<Set<string>> {
  const sentences = text.split(/\s*(?:…|\.\.\.)\s*/).flatMap((f) => splitSentences(f).map((x) => x.text));
  const normative = sentences.filter((x) => findKeywords(x).length > 0);
  return (normative.length ? normative : [text]).map(contentTokens);
}

/** Document and clause number of a requirement's source: "CR-SEC|6.4". */
export function clauseKey(r: Requirement): string {
  const n = /§\s*(\d+(?:\.\d+)*)/.exec(r.source.clause);
  return `${r.source.document}|${n ? n[1] : r.source.clause}`;
}

/** Non-candidate requirements of the clauses the CR rewrites (by document and clause number) that it lacks. */
export function droppedRequirements(statements: readonly CrStatement[], catalogue: readonly Requirement[]): DroppedRequirement[] {
  const byId = new Map(catalogue.map((r) => [r.id, r]));
  const present = new Set(statements.flatMap((s) => s.matches.map((m) => m.id)));
  const clauses = new Set(
    statements.flatMap((s) => s.matches.filter((m) => m.confidence >= CLAUSE_MIN).flatMap((m) => (byId.has(m.id) ? [clauseKey(byId.get(m.id) as Requirement)] : []))),
  );
  return catalogue
    .filter((r) => !r.candidate && !present.has(r.id) && clauses.has(clauseKey(r)))
    .map((r) => ({ id: r.id, keyword: r.keyword, strength: r.strength, title: r.title, clause: `${r.source.document} ${r.source.clause}` }));
}

export interface AnalyzeOptions {
  /** shown in the report */
  fileName?: string;
  format?: CrFormat;
  catalogue: readonly Requirement[];
  scenarios: readonly ScenarioRef[];
  /** below this a statement is new (default 0.5) */
  threshold?: number;
  failOn?: readonly AnalyzeFailOn[];
}

function list(statements: readonly CrStatement[], onlyUncovered = false): string {
  const ids = [...new Set(statements.flatMap((s) => s.coverage.filter((c) => !onlyUncovered || c.scenarios === 0).map((c) => c.id)))];
  return `${statements.map((s) => (s.status === 'new' ? `${s.id} (new)` : s.id)).join(', ')}${ids.length ? ` (${compressIds(ids)})` : ''}`;
}

export function analyzeCr(text: string, options: AnalyzeOptions): CrAnalysis {
  const doc = parseCr(text, { ...(options.format ? { format: options.format } : {}), ...(options.fileName ? { fileName: options.fileName } : {}) });
  const ctx = statementContext(options.catalogue, options.scenarios, options.threshold ?? DEFAULT_THRESHOLD);
  const statements = buildStatements(doc, ctx);
  const findings = lint(doc, statements, options.catalogue);
  const dropped = droppedRequirements(statements, options.catalogue);

  const counted = statements.filter((s) => s.strength !== 'informative');
  const uncovered = counted.filter((s) => !s.covered);
  const by = (c: LevelChange): CrStatement[] => statements.filter((s) => s.change === c);
  const weakened = by('weakened');
  const strengthened = by('strengthened');
  const inverted = by('inverted');
  const fresh = statements.filter((s) => s.status === 'new');
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');

  const failOn = [...(options.failOn ?? DEFAULT_ANALYZE_FAIL_ON)];
  const reasons: string[] = [];
  const on = (k: AnalyzeFailOn): boolean => failOn.includes(k);
  if (on('uncovered') && uncovered.length) reasons.push(`uncovered: ${list(uncovered, true)} ha${uncovered.length === 1 ? 's' : 've'} no scenario`);
  if (on('weakened') && weakened.length) reasons.push(`weakened against the catalogue: ${list(weakened)}`);
  if (on('inverted') && inverted.length) reasons.push(`inverted against the catalogue: ${list(inverted)}`);
  if (on('strengthened') && strengthened.length) reasons.push(`strengthened against the catalogue: ${list(strengthened)}`);
  if (on('dropped') && dropped.length) reasons.push(`dropped: ${compressIds(dropped.map((d) => d.id))} no longer in the CR`);
  if (on('new') && fresh.length) reasons.push(`new: ${fresh.map((s) => s.id).join(', ')} match no requirement`);
  if (on('lint-error') && errors.length) reasons.push(`lint: ${errors.length} error${errors.length === 1 ? '' : 's'}`);
  if (on('lint-warning') && errors.length + warnings.length)
    reasons.push(`lint: ${errors.length + warnings.length} error${errors.length + warnings.length === 1 ? '' : 's'} or warnings`);
  const exit: ExitVerdict = { status: reasons.length > 0 ? 1 : 0, failOn, reasons };

  return {
    schemaVersion: 1,
    kind: 'cr-analysis',
    file: options.fileName ?? '(text)',
    format: doc.format,
    changeProposal: { found: doc.proposal.found, ...(doc.proposal.heading ? { heading: doc.proposal.heading } : {}), line: doc.proposal.line },
    changes: doc.clauses.flatMap((c) =>
      c.change ? [{ n: c.change.n, line: c.change.line, text: c.change.text, ...(c.change.target ? { target: c.change.target } : {}), ...(c.heading ? { heading: c.heading.raw } : {}) }] : [],
    ),
    statements,
    findings,
    dropped,
    summary: {
      statements: statements.length,
      normative: statements.filter((s) => s.kind === 'normative').length,
      descriptive: statements.filter((s) => s.kind === 'descriptive').length,
      matched: statements.filter((s) => s.status === 'matched').length,
      new: fresh.length,
      covered: counted.length - uncovered.length,
      uncovered: uncovered.length,
      weakened: weakened.length,
      strengthened: strengthened.length,
      inverted: inverted.length,
      dropped: dropped.length,
      errors: errors.length,
      warnings: warnings.length,
      infos: findings.length - errors.length - warnings.length,
    },
    exit,
  };
}
