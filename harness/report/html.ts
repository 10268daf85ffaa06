/**
 * conformance.html: one self-contained page (inline CSS and JS, no external resources, works offline).
 * The requirement matrix comes first; each requirement opens onto its text, source, reason and
 * scenarios; each scenario onto its steps, checks, transcript table and sequence diagram.
 *
 * Every string from the report is escaped (escape.ts); a Content-Security-Policy that only allows this
 * page's own script and style (by hash) is a second fence, should an escaping bug ever slip through.
 */
import { createHash } from 'node:crypto';
import type { TranscriptEntry } from '../../evidence/transcript';
import type { RequirementResult, RequirementVerdict, RunReport, ScenarioResult } from './model';
import { escapeAttr, escapeText } from './escape';
import { EvidencePlan, countPolarity, formatDuration, formatSource, notApplicableRun } from './format';
import { writeOutputFiles } from './output';
import { renderSequenceSvg } from './sequence-svg';

export const CONFORMANCE_HTML = 'conformance.html';

/** Transcript entries shown per scenario; the evidence file always has all of them. */
export const TRANSCRIPT_CAP = 400;

const VERDICTS: readonly RequirementVerdict[] = [
  'pass',
  'fail',
  'warning',
  'inconclusive',
  'not-applicable',
  'waived',
  'error',
  'untested',
];

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warning:#9a6700;--inconclusive:#8250df;--na:#6e7781;--waived:#0969da;--error:#bc4c00;--untested:#8c959f}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{margin:0 0 6px;font-size:20px}
main{padding:12px 24px 40px}
h2{font-size:17px;margin:22px 0 8px}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.run dt{color:#57606a}dl.run dd{margin:0;word-break:break-all}
.overall{display:inline-block;font-size:16px;font-weight:600;padding:4px 12px;border-radius:6px;color:#fff}
.overall.conformant{background:var(--pass)}.overall.not-conformant{background:var(--fail)}.overall.inconclusive{background:var(--inconclusive)}
.counts span{margin-right:12px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d8dee4;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.v-pass{background:var(--pass)}.v-fail{background:var(--fail)}.v-warning{background:var(--warning)}
.v-inconclusive{background:var(--inconclusive)}.v-not-applicable{background:var(--na)}.v-waived{background:var(--waived)}.v-error{background:var(--error)}
.v-untested{background:var(--untested)}
.cand{background:#fff8c5;color:#7d4e00;border:1px solid #d4a72c}
.pol{font-size:12px;color:#57606a}
details{margin:4px 0}
details.req{border:1px solid #d0d7de;border-radius:6px;padding:4px 10px}
details.req[open]{background:#fcfcfd}
details.scn,.scn-ref{border-left:3px solid #d0d7de;padding-left:10px;margin:6px 0}
summary{cursor:pointer}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #8c959f;white-space:pre-wrap;background:#f6f8fa}
.note-cand{color:#7d4e00;font-size:12px}
pre,.mono,td.txt{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:4px 0}
td.txt{white-space:pre-wrap;word-break:break-all}
.ok{color:var(--pass)}.bad{color:var(--fail)}
.cap{color:#9a6700;font-style:italic}
.seqwrap{overflow:auto;max-height:70vh;border:1px solid #d8dee4;margin:6px 0}
svg.seq text{font:11px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:#1f2328}
svg.seq text.lane{font-weight:600}
svg.seq text.t{fill:#8c959f}
svg.seq text.lbl{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg.seq g.note rect{fill:#fff8c5;stroke:#d4a72c}
svg.seq g.note.ch-check rect{fill:#dafbe1;stroke:#4ac26b}
svg.seq g.note.ch-tls rect{fill:#ddf4ff;stroke:#54aeff}
.toolbar{margin:8px 0}
.toolbar button,.toolbar select{font:inherit;margin-right:6px}
[hidden]{display:none!important}
`;

const SCRIPT = `
(function(){
  function openHash(){
    var id=decodeURIComponent(location.hash.slice(1));
    var el=id&&document.getElementById(id);
    for(var d=el;d;d=d.parentElement){if(d.tagName==='DETAILS')d.open=true;}
    if(el)el.scrollIntoView();
  }
  window.addEventListener('hashchange',openHash);openHash();
  document.querySelectorAll('button[data-open]').forEach(function(b){
    b.addEventListener('click',function(){
      var open=b.getAttribute('data-open')==='1';
      document.querySelectorAll('details.req').forEach(function(d){d.open=open;});
    });
  });
  var f=document.getElementById('filter');
  f.addEventListener('change',function(){
    var v=f.value;
    document.querySelectorAll('[data-verdict]').forEach(function(el){
      var k=el.getAttribute('data-verdict');
      el.hidden=!(v==='all'||k===v||(v==='problems'&&k!=='pass'&&k!=='not-applicable'));
    });
  });
})();
`;

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

const e = escapeText;
const a = escapeAttr;

/** Element ids: requirement IDs are already [A-Z0-9-], but the report is not trusted to say so. */
function anchor(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

function badge(verdict: string): string {
  return `<span class="badge v-${a(verdict)}">${e(verdict)}</span>`;
}

function arrow(dir: TranscriptEntry['dir']): string {
  return dir === 'send' ? '→' : dir === 'recv' ? '←' : '•';
}

function header(report: RunReport): string {
  const { run, summary, harness } = report;
  const rows: [string, string][] = [
    ['run', run.id],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['topology', run.topology],
    ['profile', run.profile],
    ['faults', run.faults.length > 0 ? run.faults.join(', ') : 'none'],
    ...(run.tags !== undefined ? ([['tags', run.tags]] as [string, string][]) : []),
    ...(run.containers ? ([['containers', `${Object.keys(run.containers.roles).length} on ${run.containers.network}, image ${run.containers.image}; logs in evidence/containers/`]] as [string, string][]) : []),
    ['harness', `${harness.name} ${harness.version}`],
  ];
  const counts: [string, number, string][] = [
    ['requirements', summary.requirements, ''],
    ['pass', summary.pass, 'pass'],
    ['fail', summary.fail, 'fail'],
    ['warning', summary.warning, 'warning'],
    ['inconclusive', summary.inconclusive, 'inconclusive'],
    ['not applicable', summary.notApplicable, 'not-applicable'],
    ['waived', summary.waived, 'waived'],
    ['error', summary.error, 'error'],
    ['untested', summary.untested, 'untested'],
  ];
  return (
    `<header><h1>EVVM conformance report</h1>` +
    `<div><span class="overall ${a(summary.verdict)}">${e(summary.verdict)}</span></div>` +
    `<dl class="run">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>` +
    `<div class="counts">${counts
      .map(([k, n, v]) => `<span>${v ? badge(v) : e(k)} <b>${e(String(n))}</b></span>`)
      .join('')}</div></header>`
  );
}

function matrix(report: RunReport): string {
  const rows = report.requirements.map((r) => {
    const { positive, negative } = countPolarity(r);
    return (
      `<tr data-verdict="${a(r.verdict)}">` +
      `<td class="mono"><a href="#req-${a(anchor(r.id))}">${e(r.id)}</a></td>` +
      `<td>${e(r.keyword)}</td>` +
      `<td>${r.candidate ? '<span class="badge cand" title="inferred where the spec text is missing; not spec text">candidate</span>' : ''}</td>` +
      `<td>${e(r.title)}</td>` +
      `<td>${badge(r.verdict)}</td>` +
      `<td class="num">${positive}</td><td class="num">${negative}</td></tr>`
    );
  });
  return (
    `<h2>Requirements</h2>` +
    `<div class="toolbar"><button type="button" data-open="1">expand all</button>` +
    `<button type="button" data-open="0">collapse all</button>` +
    `<label>show <select id="filter"><option value="all">all</option>` +
    `<option value="problems">not passed</option>` +
    VERDICTS.map((v) => `<option value="${a(v)}">${e(v)}</option>`).join('') +
    `</select></label></div>` +
    `<table class="matrix"><thead><tr><th>ID</th><th>keyword</th><th></th><th>title</th><th>verdict</th>` +
    `<th title="positive scenarios">+</th><th title="negative scenarios">−</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function steps(s: ScenarioResult): string {
  if (s.steps.length === 0) return '<p>No steps recorded.</p>';
  const rows = s.steps.map((st) => {
    const cls = st.status.toLowerCase() === 'passed' ? 'ok' : st.status.toLowerCase() === 'failed' ? 'bad' : '';
    return (
      `<tr><td class="${cls}">${e(st.status)}</td><td>${e(`${st.keyword.trim()} ${st.text}`)}</td>` +
      `<td class="num">${e(formatDuration(st.durationMs))}</td></tr>` +
      (st.error ? `<tr><td></td><td colspan="2"><pre>${e(st.error)}</pre></td></tr>` : '')
    );
  });
  return `<table><thead><tr><th>status</th><th>step</th><th>time</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checks(s: ScenarioResult): string {
  if (s.checks.length === 0) return '<p>No checks recorded.</p>';
  const rows = s.checks.map(
    (c) =>
      `<tr><td>${e(c.condition)}</td><td class="mono">${e(c.requirement)}</td>` +
      `<td class="${c.result === 'success' ? 'ok' : 'bad'}">${e(c.result)}</td><td>${e(c.message)}</td></tr>`,
  );
  return (
    `<table><thead><tr><th>condition</th><th>requirement</th><th>result</th><th>message</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function transcript(s: ScenarioResult, evidence: string, uid: string): string {
  const all = s.transcript;
  if (all.length === 0) return '<p>No transcript recorded.</p>';
  const shown = all.slice(0, TRANSCRIPT_CAP);
  const cap =
    all.length > shown.length
      ? `<p class="cap">Showing the first ${shown.length} of ${all.length} transcript entries; ` +
        `the full transcript is in <a href="${a(evidence)}">${e(evidence)}</a>.</p>`
      : '';
  const rows = shown.map(
    (t) =>
      `<tr${t.conn !== undefined ? ` title="${a(`connection ${t.conn}`)}"` : ''}><td class="num">${e(String(t.t))}</td>` +
      `<td${t.container !== undefined ? ` title="${a(`recorded in the ${t.container} container`)}"` : ''}>${e(t.actor)}</td><td>${arrow(t.dir)}</td><td>${e(t.peer ?? '')}</td><td>${e(t.channel)}</td>` +
      `<td class="txt">${e(t.text)}</td></tr>`,
  );
  return (
    cap +
    `<details open><summary>sequence diagram</summary><div class="seqwrap">${renderSequenceSvg(shown, uid)}</div></details>` +
    `<details><summary>transcript table (${shown.length} entries)</summary>` +
    `<table><thead><tr><th>t ms</th><th>actor</th><th></th><th>peer</th><th>channel</th><th>text</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></details>`
  );
}

/** The scenario's anchor, from its evidence number: one per distinct scenario in the page. */
function scenarioAnchor(evidence: string): string {
  return `scn-${anchor(evidence.replace(/^evidence\//, '').replace(/\.json$/, ''))}`;
}

function scenarioSummary(s: ScenarioResult): string {
  return (
    `${badge(s.outcome)} <span class="pol">${e(s.polarity)}</span> ${e(s.name)} ` +
    `<span class="pol mono">${e(`${s.uri}:${s.line}`)} · ${e(notApplicableRun(s) ?? s.status)} · ${e(formatDuration(s.durationMs))}</span>`
  );
}

function scenario(s: ScenarioResult, evidence: string): string {
  const id = scenarioAnchor(evidence);
  return (
    `<details class="scn" id="${a(id)}"><summary>${scenarioSummary(s)}</summary>` +
    (s.reason !== undefined ? `<p><b>reason:</b> ${e(s.reason)}</p>` : '') +
    `<p>evidence: <a href="${a(evidence)}">${e(evidence)}</a>` +
    (s.requirementIds.length > 1 ? ` · requirements: <span class="mono">${e(s.requirementIds.join(' '))}</span>` : '') +
    (s.tags.length > 0 ? ` · tags: <span class="mono">${e(s.tags.join(' '))}</span>` : '') +
    `</p>` +
    `<h4>steps</h4>${steps(s)}<h4>checks</h4>${checks(s)}<h4>transcript</h4>${transcript(s, evidence, id)}` +
    `</details>`
  );
}

/**
 * A scenario tagged with several requirements is drawn in full once, under the first of them; the
 * others link to it (a transcript drawn twice doubles the page for nothing).
 */
function requirement(r: RequirementResult, plan: EvidencePlan, drawnUnder: Map<string, string>): string {
  const scenarios =
    r.scenarios.length === 0
      ? '<p>No scenario covers this requirement yet (untested).</p>'
      : r.scenarios
          .map((s) => {
            const evidence = plan.pathFor(s);
            const first = drawnUnder.get(evidence);
            if (first === undefined) {
              drawnUnder.set(evidence, r.id);
              return scenario(s, evidence);
            }
            return (
              `<p class="scn-ref">${scenarioSummary(s)} · details under ` +
              `<a href="#${a(scenarioAnchor(evidence))}">${e(first)}</a></p>`
            );
          })
          .join('');
  return (
    `<details class="req" id="req-${a(anchor(r.id))}" data-verdict="${a(r.verdict)}">` +
    `<summary><span class="mono">${e(r.id)}</span> ${badge(r.verdict)} ${e(r.keyword)} ` +
    `${r.candidate ? '<span class="badge cand">candidate</span> ' : ''}${e(r.title)}</summary>` +
    (r.candidate
      ? `<p class="note-cand">Candidate requirement: inferred where the spec text is missing; not spec text.</p>`
      : '') +
    `<blockquote>${e(r.text)}</blockquote>` +
    `<p><b>source:</b> ${e(formatSource(r.source))} · <b>strength:</b> ${e(r.strength)}</p>` +
    `<p><b>verdict:</b> ${badge(r.verdict)} ${e(r.reason)}</p>` +
    `<h3>scenarios</h3>${scenarios}</details>`
  );
}

/** The whole page. */
export function renderHtml(report: RunReport, plan = new EvidencePlan(report)): string {
  const drawnUnder = new Map<string, string>();
  const csp =
    `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(SCRIPT)}'; ` +
    `img-src data:; base-uri 'none'; form-action 'none'`;
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${a(csp)}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(`EVVM conformance: ${report.summary.verdict} (${report.run.id})`)}</title>` +
    `<style>${CSS}</style></head>\n<body>` +
    header(report) +
    `<main>${matrix(report)}<h2>Details</h2>\n` +
    report.requirements.map((r) => requirement(r, plan, drawnUnder)).join('\n') +
    `</main><script>${SCRIPT}</script></body></html>\n`
  );
}

/** Writes DIR/conformance.html; returns its absolute path. */
export async function writeHtmlReport(report: RunReport, dir: string): Promise<string> {
  const [path] = await writeOutputFiles(dir, [{ path: CONFORMANCE_HTML, content: renderHtml(report) }]);
  return path as string;
}
