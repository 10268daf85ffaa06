/**
 * `cr diff OLD NEW`: two versions of a clause, a CR or the catalogue (detected by content), compared
 * statement by statement. Statements are paired by catalogue ID (catalogue sides), then by identical
 * keyword-neutral text, then by similarity; what stays unpaired was removed or added. A pair whose
 * keyword moved is strengthened (SHOULD -> SHALL), weakened (SHALL -> SHOULD, or the keyword dropped) or
 * inverted (SHALL -> SHALL NOT); otherwise reworded (text) or moved (clause).
 */
import { parseCatalogue, CatalogueError } from '../catalogue/index';
import type { Requirement, Strength } from '../catalogue/types';
import type { RunReport } from '../report/model';
import { buildStatements, CLAUSE_MIN, clauseKey, type StatementContext } from './analyze';
import { tagExpression } from './coverage';
import { type CrFormat, parseCr } from './document';
import { CrInputError, DEFAULT_DIFF_FAIL_ON, type DiffFailOn } from './failon';
import { catalogueLevel, compareLevels, type Level, type LevelChange, levelOf, NO_KEYWORD, strengthRank } from './keywords';
import type { ChangeKind, CrDiff, CrRunResult, DiffChange, DiffSide, ExitVerdict } from './model';
import { compressIds, contentTokens, matchKey, neutralKey } from './normalize';

interface SideStatement {
  text: string;
  keyword: string;
  /** a sentence or entry without a normative keyword is a statement of fact (NO_KEYWORD) */
  level: Level;
  /** catalogue side: the entry's strength field */
  strength?: Strength;
  clause: string;
  line?: number;
  ids: string[];
  /** catalogue side: the entry's ID, whether it is a candidate, and its clause key */
  id?: string;
  candidate?: boolean;
  clauseKey?: string;
  /** CR side: the IDs whose text contains this statement (an exact match) */
  exactIds?: string[];
  /** CR side: the IDs matched surely enough to name the clause the statement belongs to */
  sureIds?: string[];
  key: string;
  neutral: string;
  tokens: Set<string>;
}

export interface DiffInput {
  /** shown in the report */
  file: string;
  text: string;
  format?: CrFormat;
}

interface Side {
  source: 'cr' | 'catalogue';
  statements: SideStatement[];
}

/** A requirement catalogue: a YAML list whose entries have an id and a text. */
export function looksLikeCatalogue(text: string): boolean {
  return /^-\s+id:\s*\S/m.test(text) && /^\s+text:\s*\S/m.test(text);
}

function fromCatalogue(input: DiffInput): Side {
  let reqs: Requirement[];
  try {
    reqs = parseCatalogue(input.text, input.file);
  } catch (e) {
    if (e instanceof CatalogueError) throw new CrInputError(e.message);
    throw e;
  }
  const lines = input.text.split(/\r\n|\r|\n/);
  const lineOf = (id: string): number | undefined => {
    const i = lines.findIndex((l) => new RegExp(`^-\\s+id:\\s*['"]?${id}['"]?\\s*$`).test(l));
    return i < 0 ? undefined : i + 1;
  };
  return {
    source: 'catalogue',
    statements: reqs.map((r) => {
      const line = lineOf(r.id);
      return {
        text: r.text,
        keyword: r.keyword,
        level: catalogueLevel(r.keyword) ?? NO_KEYWORD,
        strength: r.strength,
        clause: `${r.source.document} ${r.source.clause}`,
        ...(line ? { line } : {}),
        ids: [r.id],
        id: r.id,
        candidate: r.candidate,
        clauseKey: clauseKey(r),
        key: matchKey(r.text),
        neutral: neutralKey(r.text),
        tokens: contentTokens(r.text),
      };
    }),
  };
}

function fromCr(input: DiffInput, ctx: StatementContext): Side {
  const doc = parseCr(input.text, { ...(input.format ? { format: input.format } : {}), fileName: input.file });
  return {
    source: 'cr',
    statements: buildStatements(doc, ctx).map((s) => {
      // A sentence without a keyword is a statement of fact: made MAY or SHOULD it is weakened.
      const level = s.kind === 'normative' ? levelOf(s.normalizedKeyword) : NO_KEYWORD;
      return {
        text: s.text,
        keyword: s.keyword,
        level,
        clause: s.clause,
        line: s.line,
        ids: s.matches.map((m) => m.id),
        exactIds: s.matches.filter((m) => m.method === 'exact').map((m) => m.id),
        sureIds: s.matches.filter((m) => m.confidence >= CLAUSE_MIN).map((m) => m.id),
        key: matchKey(s.text),
        neutral: neutralKey(s.text),
        tokens: contentTokens(s.text),
      };
    }),
  };
}

export function readSide(input: DiffInput, ctx: StatementContext): Side {
  return looksLikeCatalogue(input.text) ? fromCatalogue(input) : fromCr(input, ctx);
}

function levelChange(o: SideStatement, n: SideStatement): LevelChange {
  const c = compareLevels(o.level, n.level);
  if (c !== 'same') return c;
  if (o.strength && n.strength) return compareLevels({ rank: strengthRank(o.strength), negated: false }, { rank: strengthRank(n.strength), negated: false });
  return 'same';
}

/** Catalogue entry vs CR sentence: the same when the entry's text contains the sentence (keywords are written differently). */
function sameInMixed(o: SideStatement, n: SideStatement): boolean {
  const [cat, cr] = o.id !== undefined ? [o, n] : [n, o];
  return cat.id !== undefined && (cr.exactIds ?? []).includes(cat.id);
}

function sideOf(s: SideStatement): DiffSide {
  return { text: s.text, keyword: s.keyword, clause: s.clause, ...(s.line ? { line: s.line } : {}), ids: s.ids };
}

interface Pair {
  o: SideStatement;
  n: SideStatement;
  similarity: number;
}

function pairUp(a: Side, b: Side, ctx: StatementContext): { pairs: Pair[]; removed: SideStatement[]; added: SideStatement[] } {
  const pairs: Pair[] = [];
  const usedO = new Set<SideStatement>();
  const usedN = new Set<SideStatement>();
  const sim = (o: SideStatement, n: SideStatement): number => (o.neutral === n.neutral ? 1 : ctx.matcher.weights.similarity(o.tokens, n.tokens));

  if (a.source === 'catalogue' && b.source === 'catalogue') {
    const byId = new Map(b.statements.map((s) => [s.id, s]));
    for (const o of a.statements) {
      const n = o.id ? byId.get(o.id) : undefined;
      if (!n) continue;
      pairs.push({ o, n, similarity: sim(o, n) });
      usedO.add(o);
      usedN.add(n);
    }
  } else if (a.source !== b.source) {
    // A CR sentence can carry several catalogue entries (EVVM-AUTH-03/04): pair each entry with it.
    const [cat, cr] = a.source === 'catalogue' ? [a, b] : [b, a];
    for (const c of cat.statements) {
      const s = cr.statements.find((x) => c.id !== undefined && x.ids.includes(c.id));
      if (!s) continue;
      const [o, n] = a.source === 'catalogue' ? [c, s] : [s, c];
      pairs.push({ o, n, similarity: sim(o, n) });
      usedO.add(o);
      usedN.add(n);
    }
  }

  for (const o of a.statements) {
    if (usedO.has(o)) continue;
    const n = b.statements.find((x) => !usedN.has(x) && x.neutral === o.neutral);
    if (!n) continue;
    pairs.push({ o, n, similarity: 1 });
    usedO.add(o);
    usedN.add(n);
  }

  const scored: Pair[] = [];
  for (const o of a.statements) {
    if (usedO.has(o)) continue;
    for (const n of b.statements) {
      if (usedN.has(n)) continue;
      const s = sim(o, n);
      if (s >= ctx.threshold) scored.push({ o, n, similarity: s });
    }
  }
  scored.sort((x, y) => y.similarity - x.similarity);
  for (const p of scored) {
    if (usedO.has(p.o) || usedN.has(p.n)) continue;
    pairs.push(p);
    usedO.add(p.o);
    usedN.add(p.n);
  }

  return {
    pairs,
    removed: a.statements.filter((s) => !usedO.has(s)),
    added: b.statements.filter((s) => !usedN.has(s)),
  };
}

export interface DiffOptions {
  failOn?: readonly DiffFailOn[];
}

const KINDS: readonly ChangeKind[] = ['added', 'removed', 'strengthened', 'weakened', 'inverted', 'reworded', 'moved'];

/** Compares two versions; `run` is filled in later by `withRun`. */
/**
 * Catalogue vs CR: only the catalogue entries of the clauses the CR rewrites are compared (the CR
 * cannot be expected to hold the rest), and never candidates (inferred text no CR contains).
 */
function scopeCatalogue(a: Side, b: Side, ctx: StatementContext): { a: Side; b: Side; notCompared?: number } {
  if (a.source === b.source) return { a, b };
  const [cat, cr] = a.source === 'catalogue' ? [a, b] : [b, a];
  const byId = new Map(ctx.matcher.catalogue.map((r) => [r.id, r]));
  const clauses = new Set(
    cr.statements.flatMap((s) => (s.sureIds ?? []).flatMap((id) => (byId.has(id) ? [clauseKey(byId.get(id) as Requirement)] : []))),
  );
  // The CR's own statements are matched against the context catalogue; the compared catalogue may differ.
  for (const s of cat.statements) if (s.ids.some((id) => cr.statements.some((x) => x.sureIds?.includes(id)))) clauses.add(s.clauseKey ?? '');
  const kept = cat.statements.filter((s) => !s.candidate && s.clauseKey !== undefined && clauses.has(s.clauseKey));
  const scoped: Side = { source: 'catalogue', statements: kept };
  const notCompared = cat.statements.length - kept.length;
  return a.source === 'catalogue' ? { a: scoped, b, notCompared } : { a, b: scoped, notCompared };
}

export function diffCr(oldInput: DiffInput, newInput: DiffInput, ctx: StatementContext, options: DiffOptions = {}): CrDiff {
  const scoped = scopeCatalogue(readSide(oldInput, ctx), readSide(newInput, ctx), ctx);
  const { a, b } = scoped;
  const { pairs, removed, added } = pairUp(a, b, ctx);

  const changes: Array<DiffChange & { order: number }> = [];
  const change = (kind: ChangeKind, o: SideStatement | undefined, n: SideStatement | undefined, order: number, similarity?: number): void => {
    const ids = [...new Set([...(o?.ids ?? []), ...(n?.ids ?? [])])];
    changes.push({
      kind,
      ...(o ? { old: sideOf(o) } : {}),
      ...(n ? { new: sideOf(n) } : {}),
      ...(similarity !== undefined ? { similarity: Math.round(similarity * 100) / 100 } : {}),
      ids,
      scenarios: ctx.index.forIds(ids),
      order,
    });
  };
  let unchanged = 0;
  for (const p of pairs) {
    const at = a.statements.indexOf(p.o);
    const lc = levelChange(p.o, p.n);
    if (lc !== 'same') change(lc, p.o, p.n, at, p.similarity);
    else if (a.source !== b.source ? !sameInMixed(p.o, p.n) : p.o.key !== p.n.key || p.o.keyword !== p.n.keyword)
      change('reworded', p.o, p.n, at, p.similarity);
    else if (a.source === 'cr' && b.source === 'cr' && p.o.clause !== p.n.clause) change('moved', p.o, p.n, at, p.similarity);
    else unchanged++;
  }
  for (const o of removed) change('removed', o, undefined, a.statements.indexOf(o));
  for (const n of added) {
    // Listed where it appears: just after the old statement that its predecessor in NEW pairs with.
    const i = b.statements.indexOf(n);
    const prev = b.statements
      .slice(0, i)
      .reverse()
      .map((x) => pairs.find((p) => p.n === x))
      .find((p) => p !== undefined);
    change('added', undefined, n, (prev ? a.statements.indexOf(prev.o) : -1) + 0.5 + i / 1e6);
  }
  changes.sort((x, y) => x.order - y.order);

  const ids = [...new Set(changes.flatMap((c) => c.ids))].sort();
  const covered = ids.filter((id) => ctx.index.covered(id));
  const summary = Object.fromEntries(KINDS.map((k) => [k, changes.filter((c) => c.kind === k).length])) as Record<ChangeKind, number>;
  const result: CrDiff = {
    schemaVersion: 1,
    kind: 'cr-diff',
    old: { file: oldInput.file, source: a.source, statements: a.statements.length },
    new: { file: newInput.file, source: b.source, statements: b.statements.length },
    changes: changes.map(({ order: _order, ...c }) => c),
    unchanged,
    ...(scoped.notCompared !== undefined ? { notCompared: scoped.notCompared } : {}),
    rerun: { ids, tags: tagExpression(covered), scenarios: ctx.index.forIds(covered) },
    summary,
    exit: { status: 0, failOn: [], reasons: [] },
  };
  result.exit = diffExit(result, options.failOn ?? DEFAULT_DIFF_FAIL_ON);
  return result;
}

function describe(c: DiffChange): string {
  const ids = c.ids.length ? compressIds(c.ids) : `new text${c.new?.line ? ` (line ${c.new.line})` : ''}`;
  if (c.kind === 'weakened' || c.kind === 'strengthened' || c.kind === 'inverted') return `${ids} (${c.old?.keyword || 'no keyword'} -> ${c.new?.keyword || 'no keyword'})`;
  return ids;
}

/** The exit verdict for the categories in `failOn`. */
export function diffExit(diff: CrDiff, failOn: readonly DiffFailOn[]): ExitVerdict {
  const reasons: string[] = [];
  for (const kind of ['removed', 'weakened', 'inverted', 'added', 'strengthened', 'reworded', 'moved'] as const) {
    if (!failOn.includes(kind)) continue;
    const hit = diff.changes.filter((c) => c.kind === kind);
    if (hit.length) reasons.push(`${kind}: ${hit.map(describe).join('; ')}`);
  }
  if (failOn.includes('uncovered')) {
    // as in `cr analyze`: a statement with a keyword (a new SHALL, a MAY) that no scenario tests
    const hit = diff.changes.filter((c) => c.kind !== 'removed' && (catalogueLevel(c.new?.keyword ?? '')?.rank ?? 0) > 0 && c.scenarios.length === 0);
    if (hit.length) reasons.push(`uncovered: ${hit.map(describe).join('; ')} ha${hit.length === 1 ? 's' : 've'} no scenario`);
  }
  if (failOn.includes('run-failed') && diff.run) {
    const bad = diff.run.requirements.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
    if (bad.length) reasons.push(`run-failed: ${bad.map((r) => `${r.id} ${r.verdict}`).join(', ')}`);
  }
  return { status: reasons.length > 0 ? 1 : 0, failOn: [...failOn], reasons };
}

/** The suite runner `cr diff --run` uses: harness/engine/run.ts runSuite in production, a stub in tests. */
export type SuiteRunner = (options: {
  tags: string;
  faults: readonly string[];
  topology: 'embedded';
  progress?: boolean;
}) => Promise<{ report: RunReport; problems?: string[] }>;

/** Runs the scenarios of the affected requirements and records their verdicts in the diff. */
export async function withRun(diff: CrDiff, runner: SuiteRunner, failOn: readonly DiffFailOn[], progress = false): Promise<CrDiff> {
  if (!diff.rerun.tags) return diff;
  const { report, problems } = await runner({ tags: diff.rerun.tags, faults: [], topology: 'embedded', progress });
  const wanted = new Set(diff.rerun.ids);
  const run: CrRunResult = {
    tags: diff.rerun.tags,
    verdict: report.summary.verdict,
    requirements: report.requirements
      .filter((r) => wanted.has(r.id))
      .map((r) => ({ id: r.id, verdict: r.verdict, scenarios: r.scenarios.length, reason: r.reason })),
    problems: problems ?? [],
  };
  const out: CrDiff = { ...diff, run };
  out.exit = diffExit(out, failOn);
  return out;
}
