/**
 * Output of `cr analyze` and `cr diff`: a terminal summary, Markdown (for a CR review comment or a wiki
 * page) and JSON (the model objects as they are, for tools).
 */
import { visible } from '../report/escape';
import type { ScenarioSummary } from './coverage';
import type { CrAnalysis, CrDiff, CrFinding, CrStatement, DiffChange, ExitVerdict, RequirementMatch } from './model';
import { compressIds } from './normalize';

export type OutputFormat = 'text' | 'markdown' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json'];

const WIDTH = 100;
/** Scenarios listed per statement in the terminal before "… and N more". */
const SCENARIOS_SHOWN = 4;

/** Word-wraps `s` to WIDTH: the first line starts with `first`, the others with `indent`. */
function wrap(s: string, indent: string, first = indent): string {
  const words = visible(s).split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  const lead = (): string => (lines.length === 0 ? first : indent);
  for (const w of words) {
    if (cur && lead().length + cur.length + 1 + w.length > WIDTH) {
      lines.push(lead() + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(lead() + cur);
  return lines.join('\n');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const conf = (c: number): string => c.toFixed(2);
const polaritySign = (s: ScenarioSummary): string => (s.polarity === 'positive' ? '+' : s.polarity === 'negative' ? '-' : '?');
const examples = (s: ScenarioSummary): string => (s.examples > 1 ? ` (${s.examples} examples)` : '');

function matchText(s: CrStatement): string {
  if (s.status === 'new') return `NEW: matches no requirement${s.nearest ? ` (nearest ${s.nearest.id}, ${conf(s.nearest.confidence)})` : ''}`;
  const first = s.matches[0] as RequirementMatch;
  const ids = s.matches.map((m) => `${m.id}${m.candidate ? ' [candidate]' : ''}`).join(', ');
  const changed = s.matches.filter((m) => m.change !== 'same' && m.change !== 'n/a');
  const delta = changed.length ? `; ${changed.map((m) => `${m.change.toUpperCase()} against ${m.id} (${m.keyword})`).join(', ')}` : '';
  return `${ids}  ${first.method} ${conf(first.confidence)}${delta}`;
}

function keywordText(s: CrStatement): string {
  if (s.kind === 'descriptive') return '(no keyword)';
  return `${s.keyword}${s.inherited ? ' (from the list lead)' : ''}`;
}

function exitText(exit: ExitVerdict): string {
  const head = `exit ${exit.status} (fail-on: ${exit.failOn.length ? exit.failOn.join(', ') : 'none'})`;
  return [head, ...exit.reasons.map((r) => wrap(r, '    ', '  '))].join('\n');
}

function findingLines(f: CrFinding): string {
  const head = `  ${f.severity.toUpperCase().padEnd(8)} ${f.code}${f.line !== undefined ? `  line ${f.line}` : ''}${f.statement ? `  ${f.statement}` : ''}`;
  return `${head}\n${wrap(f.message, '           ')}`;
}

export function analysisText(a: CrAnalysis): string {
  const out: string[] = [];
  out.push(`CR analysis: ${visible(a.file)} (${a.format})`);
  out.push(
    a.changeProposal.found
      ? `Change proposal: "${visible(a.changeProposal.heading ?? '')}", line ${a.changeProposal.line}`
      : 'Change proposal: no "Detailed Change Proposal" section; the whole file is read as the changed clause',
  );
  for (const c of a.changes) out.push(wrap(`Change ${c.n} (line ${c.line}): ${c.text}${c.heading ? ` Heading: "${c.heading}".` : ''}`, '    ', '  '));
  const s = a.summary;
  out.push('');
  out.push(
    `${plural(s.statements, 'statement')} (${s.normative} normative, ${s.descriptive} descriptive): ${s.matched} matched, ${s.new} new; ` +
      `${s.covered} covered, ${s.uncovered} uncovered` +
      (s.weakened + s.strengthened + s.inverted ? `; ${s.weakened} weakened, ${s.strengthened} strengthened, ${s.inverted} inverted` : ''),
  );
  for (const st of a.statements) {
    out.push('');
    out.push(`${st.id.padEnd(4)} ${keywordText(st)}  line ${st.line}  ${visible(st.clause)}`);
    out.push(wrap(st.text, '     '));
    out.push(wrap(matchText(st), '        ', '     -> '));
    const missing = st.coverage.filter((c) => c.scenarios === 0).map((c) => c.id);
    if (st.scenarios.length === 0) {
      out.push(st.strength === 'informative' ? '     informative: no scenario needed' : '     UNCOVERED: no scenario');
    } else {
      const per = st.coverage.length > 1 ? ` (${st.coverage.map((c) => `${c.id}: ${c.scenarios}`).join(', ')})` : '';
      if (missing.length) out.push(`     PARTLY UNCOVERED: ${missing.join(', ')} ha${missing.length === 1 ? 's' : 've'} no scenario`);
      out.push(`     covered by ${plural(st.scenarios.length, 'scenario')}${per}:`);
      for (const sc of st.scenarios.slice(0, SCENARIOS_SHOWN)) out.push(`       ${polaritySign(sc)} ${sc.uri}:${sc.line}  ${visible(sc.name)}${examples(sc)}`);
      if (st.scenarios.length > SCENARIOS_SHOWN) out.push(`       … and ${st.scenarios.length - SCENARIOS_SHOWN} more`);
    }
  }
  if (a.dropped.length) {
    out.push('');
    out.push(`Dropped: ${plural(a.dropped.length, 'catalogue requirement')} of the rewritten clauses not in the CR`);
    for (const d of a.dropped) out.push(wrap(`${d.id}  ${d.keyword}  ${d.title} (${d.clause})`, '  '));
  }
  out.push('');
  out.push(`Findings: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info', 'infos')}`);
  for (const f of a.findings) out.push(findingLines(f));
  out.push('');
  out.push(exitText(a.exit));
  return out.join('\n') + '\n';
}

/** A Markdown table cell: one line, pipes escaped, no raw HTML. */
function cell(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}

/** Inline text outside tables: no raw HTML. */
function md(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mdScenario(sc: ScenarioSummary): string {
  return `- (${polaritySign(sc)}) \`${sc.uri}:${sc.line}\` ${md(sc.name)}${examples(sc)}`;
}

export function analysisMarkdown(a: CrAnalysis): string {
  const s = a.summary;
  const out: string[] = [];
  out.push(`# CR analysis: \`${a.file}\``, '');
  out.push(
    a.changeProposal.found
      ? `- Change proposal: "${md(a.changeProposal.heading ?? '')}" (line ${a.changeProposal.line})`
      : '- Change proposal: none found; the whole file is read as the changed clause',
  );
  for (const c of a.changes) out.push(`- Change ${c.n} (line ${c.line}): ${md(c.text)}${c.heading ? ` Heading: "${md(c.heading)}".` : ''}`);
  out.push(
    `- ${plural(s.statements, 'statement')} (${s.normative} normative, ${s.descriptive} descriptive): ${s.matched} matched, ${s.new} new; ${s.covered} covered, ${s.uncovered} uncovered`,
  );
  out.push(`- Findings: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info', 'infos')}`);
  out.push(`- **Exit ${a.exit.status}** (fail-on: ${a.exit.failOn.join(', ') || 'none'})${a.exit.reasons.length ? ': ' + md(a.exit.reasons.join('; ')) : ''}`);
  out.push('', '## Statements', '');
  out.push('| # | Line | Keyword | Clause | Statement | Requirement | Match | Scenarios |');
  out.push('|---|---:|---|---|---|---|---|---|');
  for (const st of a.statements) {
    const first = st.matches[0];
    const req = st.status === 'new' ? `**new**${st.nearest ? ` (nearest ${st.nearest.id})` : ''}` : st.matches.map((m) => m.id).join(', ');
    const match = first
      ? `${first.method} ${conf(first.confidence)}${st.change !== 'same' && st.change !== 'n/a' ? `, **${st.change}**` : ''}`
      : st.nearest
        ? conf(st.nearest.confidence)
        : '';
    const gaps = st.coverage.filter((c) => c.scenarios === 0).map((c) => c.id);
    const scen = st.scenarios.length
      ? `${st.scenarios.length}${gaps.length ? ` (**${gaps.join(', ')} uncovered**)` : ''}`
      : st.strength === 'informative'
        ? '—'
        : '**uncovered**';
    out.push(`| ${st.id} | ${st.line} | ${cell(keywordText(st))} | ${cell(st.clause)} | ${cell(st.text)} | ${cell(req)} | ${cell(match)} | ${scen} |`);
  }
  const covered = a.statements.filter((st) => st.scenarios.length);
  if (covered.length) {
    out.push('', '## Covering scenarios', '');
    for (const st of covered) {
      out.push(`**${st.id}** (${st.matches.map((m) => m.id).join(', ')})`, '');
      for (const sc of st.scenarios) out.push(mdScenario(sc));
      out.push('');
    }
  }
  if (a.dropped.length) {
    out.push('', '## Dropped from the rewritten clauses', '');
    for (const d of a.dropped) out.push(`- **${d.id}** (${md(d.keyword)}): ${md(d.title)} — ${md(d.clause)}`);
  }
  out.push('', '## Findings', '');
  if (a.findings.length === 0) out.push('None.');
  else {
    out.push('| Severity | Code | Line | Statement | Finding |');
    out.push('|---|---|---:|---|---|');
    for (const f of a.findings) out.push(`| ${f.severity} | ${f.code} | ${f.line ?? ''} | ${f.statement ?? ''} | ${cell(f.message)} |`);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

function changeHead(c: DiffChange): string {
  const kw = c.kind === 'weakened' || c.kind === 'strengthened' || c.kind === 'inverted' ? `  ${c.old?.keyword || '(no keyword)'} -> ${c.new?.keyword || '(no keyword)'}` : '';
  const lines = [c.old?.line, c.new?.line].map((l) => (l === undefined ? '–' : String(l)));
  const where = c.old && c.new ? `line ${lines[0]} -> ${lines[1]}` : `line ${c.old ? lines[0] : lines[1]}`;
  const clause = c.kind === 'moved' ? `${c.old?.clause} -> ${c.new?.clause}` : (c.new ?? c.old)?.clause ?? '';
  const ids = c.ids.length ? `  [${compressIds(c.ids)}]` : '  [no requirement]';
  const sim = c.similarity !== undefined && c.kind !== 'removed' && c.kind !== 'added' ? `  similarity ${conf(c.similarity)}` : '';
  return `${c.kind.toUpperCase()}${kw}  ${where}  ${visible(clause)}${ids}${sim}`;
}

export function diffText(d: CrDiff): string {
  const out: string[] = [];
  out.push(`CR diff: OLD ${visible(d.old.file)} (${d.old.source}, ${plural(d.old.statements, 'statement')})`);
  out.push(`         NEW ${visible(d.new.file)} (${d.new.source}, ${plural(d.new.statements, 'statement')})`);
  const counts = Object.entries(d.summary)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  out.push(`${plural(d.changes.length, 'change')}${counts.length ? ` (${counts.join(', ')})` : ''}, ${d.unchanged} unchanged`);
  if (d.notCompared) out.push(`${plural(d.notCompared, 'catalogue entry', 'catalogue entries')} outside the CR's clauses (or candidates) not compared`);
  for (const c of d.changes) {
    out.push('');
    out.push(changeHead(c));
    if (c.old) out.push(wrap(c.old.text, '      ', '    - '));
    if (c.new) out.push(wrap(c.new.text, '      ', '    + '));
    out.push(c.scenarios.length ? `    ${plural(c.scenarios.length, 'scenario')} to re-run` : '    no scenario covers it');
  }
  out.push('');
  if (d.rerun.tags) {
    out.push(`Re-run: ${plural(d.rerun.scenarios.length, 'scenario')} of ${compressIds(d.rerun.ids.filter((id) => d.rerun.tags.includes(`@${id}`)))}`);
    for (const sc of d.rerun.scenarios.slice(0, 12)) out.push(`  ${polaritySign(sc)} ${sc.uri}:${sc.line}  ${visible(sc.name)}${examples(sc)}`);
    if (d.rerun.scenarios.length > 12) out.push(`  … and ${d.rerun.scenarios.length - 12} more`);
    out.push(`  evvm-conformance run --tags "${d.rerun.tags}"${d.run ? '' : '   (or: cr diff … --run)'}`);
  } else {
    out.push(
      d.rerun.ids.length
        ? `Re-run: nothing; no scenario covers ${compressIds(d.rerun.ids)}`
        : d.changes.length
          ? 'Re-run: nothing; the changes match no catalogue requirement'
          : 'Re-run: nothing changed',
    );
  }
  if (d.run) {
    out.push('');
    out.push(`Run (${d.run.tags}): ${d.run.verdict}`);
    for (const r of d.run.requirements) out.push(`  ${r.verdict.toUpperCase().padEnd(14)} ${r.id.padEnd(15)} ${plural(r.scenarios, 'scenario')}${r.verdict === 'pass' ? '' : `  ${visible(r.reason)}`}`);
    for (const p of d.run.problems) out.push(`  problem: ${visible(p)}`);
  }
  out.push('');
  out.push(exitText(d.exit));
  return out.join('\n') + '\n';
}

export function diffMarkdown(d: CrDiff): string {
  const out: string[] = [];
  out.push(`# CR diff: \`${d.old.file}\` → \`${d.new.file}\``, '');
  out.push(`- OLD: ${d.old.source}, ${plural(d.old.statements, 'statement')}; NEW: ${d.new.source}, ${plural(d.new.statements, 'statement')}`);
  const counts = Object.entries(d.summary)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  out.push(`- ${plural(d.changes.length, 'change')}${counts.length ? ` (${counts.join(', ')})` : ''}, ${d.unchanged} unchanged`);
  if (d.notCompared) out.push(`- ${plural(d.notCompared, 'catalogue entry', 'catalogue entries')} outside the CR's clauses (or candidates) not compared`);
  out.push(`- **Exit ${d.exit.status}** (fail-on: ${d.exit.failOn.join(', ') || 'none'})${d.exit.reasons.length ? ': ' + md(d.exit.reasons.join('; ')) : ''}`);
  if (d.changes.length) {
    out.push('', '## Changes', '');
    out.push('| Change | Requirement | Old | New | Scenarios |');
    out.push('|---|---|---|---|---:|');
    for (const c of d.changes) {
      const side = (x: DiffChange['old']): string => (x ? cell(`${x.line !== undefined ? `(line ${x.line}) ` : ''}${x.text}`) : '');
      const kind = c.kind === 'weakened' || c.kind === 'strengthened' || c.kind === 'inverted' ? `**${c.kind}** ${c.old?.keyword || '—'} → ${c.new?.keyword || '—'}` : `**${c.kind}**`;
      out.push(`| ${cell(kind)} | ${c.ids.join(', ') || 'new'} | ${side(c.old)} | ${side(c.new)} | ${c.scenarios.length} |`);
    }
  }
  out.push('', '## Re-run', '');
  if (d.rerun.tags) {
    out.push(`\`evvm-conformance run --tags "${d.rerun.tags}"\``, '');
    for (const sc of d.rerun.scenarios) out.push(mdScenario(sc));
  } else
    out.push(
      d.rerun.ids.length
        ? `Nothing to re-run: no scenario covers ${compressIds(d.rerun.ids)}.`
        : d.changes.length
          ? 'Nothing to re-run: the changes match no catalogue requirement.'
          : 'Nothing changed.',
    );
  if (d.run) {
    out.push('', `## Run: ${d.run.verdict}`, '', '| Requirement | Verdict | Scenarios | Reason |', '|---|---|---:|---|');
    for (const r of d.run.requirements) out.push(`| ${r.id} | ${r.verdict} | ${r.scenarios} | ${cell(r.verdict === 'pass' ? '' : r.reason)} |`);
  }
  return out.join('\n') + '\n';
}

export function renderAnalysis(a: CrAnalysis, format: OutputFormat): string {
  return format === 'json' ? JSON.stringify(a, null, 2) + '\n' : format === 'markdown' ? analysisMarkdown(a) : analysisText(a);
}

export function renderDiff(d: CrDiff, format: OutputFormat): string {
  return format === 'json' ? JSON.stringify(d, null, 2) + '\n' : format === 'markdown' ? diffMarkdown(d) : diffText(d);
}
