/**
 * conformance.html: one self-contained page (inline CSS and JS, no external resources, works offline),
 * small enough to mail. Failures first: what was tested, then what failed (each failing requirement with
 * its full reason, its text and the line of evidence that decided each of its scenarios), then the
 * requirement matrix, then every requirement with its scenarios.
 *
 * A scenario that did not pass is drawn in the page (steps, checks, TLS handshakes, sequence diagram).
 * The others' details are embedded too, gzip-compressed in one block, and drawn when the reader opens
 * the scenario (the page's script and the browser's DecompressionStream): the full suite is ~13,000
 * transcript entries, which drawn in full made a 9 MB page. The evidence files beside the page are named,
 * never linked, so the page alone loses nothing when mailed.
 *
 * Every string from the report is escaped (escape.ts); a Content-Security-Policy that only allows this
 * page's own script and style (by hash) is a second fence, should an escaping bug ever slip through.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CheckRecord, RequirementResult, RequirementVerdict, RunReport, ScenarioResult } from './model';
import { escapeAttr, escapeText } from './escape';
import { EvidencePlan, countPolarity, formatDuration, formatSource, notApplicableRun, plainCopy } from './format';
import { tlsHandshakes, type CertificateShown } from './handshakes';
import { writeOutputFiles } from './output';
import { partyNamer, renderSequence, sequenceCss } from './sequence';

export const CONFORMANCE_HTML = 'conformance.html';

/** Transcript entries shown per scenario; the evidence file always has all of them. */
export const TRANSCRIPT_CAP = 400;

/**
 * Characters of scenario details drawn in the page rather than packed: the scenarios that did not pass
 * come first, so a run where everything fails still opens quickly and stays mailable.
 */
export const DRAWN_BUDGET = 400_000;

const PACKED_ID = 'packed-evidence';

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

/** The verdicts the summary at the top lists, worst first. */
const PROBLEMS: readonly RequirementVerdict[] = ['fail', 'error', 'inconclusive', 'warning'];

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warning:#9a6700;--inconclusive:#8250df;--na:#6e7781;--waived:#0969da;--error:#bc4c00;--untested:#8c959f}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:10px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{margin:0 6px 4px 0;font-size:19px;display:inline-block}
main{padding:4px 24px 40px}
h2{font-size:17px;margin:18px 0 8px}
h3{font-size:15px;margin:4px 0}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:0 12px;margin:4px 0}
dl.run dt{color:#57606a}dl.run dd{margin:0;overflow-wrap:anywhere}
.meta-run{color:#57606a;font-size:12px}
.overall{display:inline-block;font-size:15px;font-weight:600;padding:2px 10px;border-radius:6px;color:#fff;vertical-align:3px}
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
section.problems>h2{color:var(--fail)}
article.prob{border:1px solid #d0d7de;border-left:5px solid var(--fail);border-radius:6px;padding:6px 12px;margin:8px 0;background:#fff}
article.prob[data-verdict=error]{border-left-color:var(--error)}article.prob[data-verdict=inconclusive]{border-left-color:var(--inconclusive)}
article.prob[data-verdict=warning]{border-left-color:var(--warning)}
p.why{margin:4px 0;font-weight:600;white-space:pre-wrap;overflow-wrap:anywhere}
article.prob blockquote{margin:4px 0}
ul.decided{margin:4px 0;padding-left:18px}
ul.decided li{margin:3px 0}
.decider{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff5f5;border-left:3px solid var(--fail);padding:2px 6px;margin:2px 0}
section.clear{border:1px solid #d0d7de;border-left:5px solid var(--pass);border-radius:6px;padding:6px 12px;margin:10px 0}
section.clear h2{margin:0;color:var(--pass)}
details{margin:4px 0}
details.req{border:1px solid #d0d7de;border-radius:6px;padding:4px 10px}
details.req[open]{background:#fcfcfd}
details.scn,.scn-ref{border-left:3px solid #d0d7de;padding-left:10px;margin:6px 0}
summary{cursor:pointer}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #8c959f;white-space:pre-wrap;background:#f6f8fa}
.note-cand{color:#7d4e00;font-size:12px}
pre,.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:4px 0}
code{overflow-wrap:anywhere}
.ok{color:var(--pass)}.bad{color:var(--fail)}
.cap{color:#9a6700;font-style:italic}
table.matrix td.mono,table.tls th{white-space:nowrap}
table.tls td{font-size:12px;overflow-wrap:anywhere}table.tls td:nth-child(2){width:22%}table.tls td:nth-child(3){width:18%}
table.tls td.txt{color:#57606a;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
table.tls .none{color:#9a6700}
.toolbar{margin:8px 0}
.toolbar button,.toolbar select,button.wrap{font:inherit;margin-right:6px}
button.wrap{font-size:12px}
.sq{--g:44px;position:relative;overflow:auto;max-height:75vh;border:1px solid #d8dee4;margin:6px 0;font:11px/16px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
background-image:repeating-linear-gradient(90deg,transparent 0 calc(var(--W) - 1px),#c3ccd6 calc(var(--W) - 1px) var(--W));
background-size:calc(var(--N) * var(--W)) 100%;background-repeat:no-repeat;background-position:calc(var(--g) - var(--W) / 2 + 1px) 0;background-attachment:local}
.sq .hd{position:sticky;top:0;z-index:3;height:46px;background:#f6f8fa;border-bottom:1px solid #d0d7de;min-width:calc(var(--g) + var(--N) * var(--W) + 40px)}
.sq .hd span{position:absolute;top:3px;left:calc(var(--g) + var(--o) * var(--W) + 3px);width:calc(var(--W) - 6px);height:39px;overflow:hidden;display:flex;align-items:center;justify-content:center;text-align:center;
line-height:12px;font-weight:600;background:#eef2f7;border:1px solid #6b7a90;border-radius:4px;overflow-wrap:anywhere}
.sq>p{position:relative;margin:0;min-width:calc(var(--g) + var(--N) * var(--W) + 40px);height:20px;white-space:nowrap;cursor:pointer}
.sq>p::before{content:attr(data-t);position:absolute;left:0;top:2px;width:calc(var(--g) - 6px);text-align:right;color:#8c959f}
.sq>p>span{display:inline-block;max-width:100%;overflow:hidden;text-overflow:ellipsis;vertical-align:top}
.sq .m>span{background:rgba(255,255,255,.75)}
.sq .m{padding:1px 4px 0 calc(var(--g) + (var(--o) + .5) * var(--W) + 6px)}
.sq .m::after{content:'';position:absolute;left:calc(var(--g) + (var(--o) + .5) * var(--W));width:calc(var(--w) * var(--W));bottom:2px;border-bottom:1px solid #57606a}
.sq .m.d::after{border-bottom-style:dashed}
.sq .m>span::after{content:'';position:absolute;bottom:-1px;left:calc(var(--g) + (var(--o) + var(--w) + .5) * var(--W) - 7px);border:4px solid transparent;border-right:0;border-left:7px solid #57606a}
.sq .m.l>span::after{left:calc(var(--g) + (var(--o) + .5) * var(--W));border-left:0;border-right:7px solid #57606a}
.sq .m>span::before{content:'';display:inline-block;width:7px;height:7px;border-radius:50%;margin-right:4px;background:var(--ch,#8c959f)}
.sq .n{padding:1px 4px 0 calc(var(--g) + var(--o) * var(--W) + 6px)}
.sq .n>span{background:#fff8c5;border:1px solid #d4a72c;border-radius:2px;padding:0 4px;line-height:15px}
.sq .n.c-tls>span{background:#ddf4ff;border-color:#54aeff}
.sq .n.c-check>span{background:#f6f8fa;border-color:#8c959f}
.sq .n.k-pass>span{background:#dafbe1;border-color:#4ac26b}
.sq .n.k-fail>span{background:#ffebe9;border-color:#cf222e;color:#82071e;font-weight:600}
.c-imap{--ch:#0969da}.c-smtp{--ch:#8250df}.c-smpp{--ch:#bc4c00}.c-sms{--ch:#9a6700}.c-tls{--ch:#1b7c83}.c-tcp{--ch:#6e7781}.c-cms{--ch:#bf3989}
.sq>p.x,.sq.x>p{height:auto;padding-bottom:8px}
.sq>p.x>span,.sq.x>p>span{white-space:pre-wrap;word-break:break-all;overflow:visible}
.sq small.meta{display:block;color:#57606a;white-space:normal}
.sq .n.x>span{display:inline}
[hidden]{display:none!important}
.draft{display:inline-block;font-weight:700;letter-spacing:.08em;color:#fff;background:var(--fail);padding:0 8px;border-radius:4px;margin-right:8px;font-size:.85em;vertical-align:1px}
.draft-mark{position:fixed;top:6px;right:10px;z-index:9;font-size:14px}
.banner{margin:6px 0;padding:6px 10px;border:1px solid var(--fail);border-left-width:5px;border-radius:6px;background:#fff5f5;font-weight:600}
.banner.interrupted{border-color:var(--inconclusive);background:#fbefff}
`;

const SCRIPT = `
(function(){
  var packed=null;
  function unpack(){
    if(packed)return packed;
    var t=document.getElementById('${PACKED_ID}');
    if(!t)packed=Promise.resolve({});
    else if(typeof DecompressionStream==='undefined')packed=Promise.reject(new Error('this browser has no DecompressionStream'));
    else{
      var s=atob(t.content.textContent.trim()),b=new Uint8Array(s.length);
      for(var i=0;i<s.length;i++)b[i]=s.charCodeAt(i);
      packed=new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(JSON.parse);
    }
    return packed;
  }
  function fill(d){
    var slot=d.querySelector(':scope>.packed');
    if(!slot)return;
    slot.className='';
    unpack().then(function(m){slot.innerHTML=m[d.id]||'';if(location.hash.slice(1)===d.id)d.scrollIntoView();},function(err){
      slot.textContent='The details could not be unpacked here ('+err.message+'): they are in '+slot.getAttribute('data-evidence')+', written beside this report.';
    });
  }
  document.addEventListener('toggle',function(ev){var d=ev.target;if(d.open&&d.classList.contains('scn'))fill(d);},true);
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
  function describe(p){
    var names=[].map.call(p.parentNode.querySelectorAll('.hd>span'),function(s){return s.title;});
    var c=p.className,o=+(/\\bo(\\d+)/.exec(c)||[0,0])[1],w=/\\bw(\\d+)/.exec(c),ch=(/\\bc-([a-z]+)/.exec(c)||[0,''])[1];
    var who=names[o];
    if(w){var to=names[o+(+w[1])];who=p.classList.contains('l')?to+' \\u2192 '+who:who+' \\u2192 '+to;if(p.classList.contains('d'))who+=' (as the receiver recorded it)';}
    else if(p.getAttribute('data-p'))who+=', peer '+p.getAttribute('data-p');
    var parts=['t='+p.getAttribute('data-t')+' ms',who,ch];
    if(p.getAttribute('data-c'))parts.push('connection '+p.getAttribute('data-c'));
    if(p.getAttribute('data-k'))parts.push('recorded in the '+p.getAttribute('data-k')+' container');
    var m=document.createElement('small');m.className='meta';m.textContent=parts.join(' \\u00b7 ');p.appendChild(m);
  }
  document.addEventListener('click',function(ev){
    var b=ev.target.closest&&ev.target.closest('button.wrap');
    if(b){var sq=b.nextElementSibling;sq.classList.toggle('x');b.textContent=sq.classList.contains('x')?'cut labels to one line':'show every label in full';return;}
    var p=ev.target.closest&&ev.target.closest('.sq>p');
    if(!p||(window.getSelection&&String(window.getSelection())))return;
    if(!p.querySelector('small.meta'))describe(p);
    p.classList.toggle('x');
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

function candidateBadge(r: RequirementResult): string {
  return r.candidate ? '<span class="badge cand" title="inferred where the spec text is missing; not spec text">candidate</span> ' : '';
}

/** The scenario's anchor, from its evidence number: one per distinct scenario in the page. */
function scenarioAnchor(evidence: string): string {
  return `scn-${anchor(evidence.replace(/^evidence\//, '').replace(/\.json$/, ''))}`;
}

/** A section header, marked DRAFT on a draft (certify --draft): no part of the page reads as a certification. */
function h2(report: RunReport, text: string): string {
  return `<h2>${report.run.draft ? '<span class="draft">DRAFT</span>' : ''}${e(text)}</h2>`;
}

/** What the page is not: a draft's mark (fixed, so it is on every screen and every printed page) and an interrupted run's banner. */
function banners(report: RunReport): string {
  const { run } = report;
  let out = '';
  if (run.draft) {
    out +=
      '<span class="draft draft-mark">DRAFT</span>' +
      '<p class="banner">DRAFT: written by certify --draft although a mandatory requirement failed or was not decided; not a certification.</p>';
  }
  if (run.interrupted) {
    const ran = run.scenarios ? `${run.scenarios.ran} of ${run.scenarios.planned} scenarios ran` : 'not every selected scenario ran';
    out +=
      `<p class="banner interrupted">Interrupted: the run was stopped before it finished; ${e(ran)}. ` +
      'A requirement whose scenarios did not all run is inconclusive here, unless one that ran failed it.</p>';
  }
  return out;
}

/** What was tested, first: the profile's name and description, and the implementation under test. */
function tested(report: RunReport): string {
  const { run } = report;
  const t = run.tested;
  const rows: [string, string][] = [];
  rows.push(['profile', t ? `${t.profileName}${t.description ? `: ${t.description}` : ''} (${run.profile})` : run.profile]);
  if (t?.iut) {
    const ports = Object.entries(t.iut.ports).map(([k, v]) => `${k} ${v}`).join(', ');
    rows.push([
      'implementation under test',
      `${t.iut.role} at ${t.iut.host}${t.iut.servername && t.iut.servername !== t.iut.host ? ` (certificate name ${t.iut.servername})` : ''}` +
        (ports ? `, ports ${ports}` : ''),
    ]);
  } else {
    rows.push(['implementation under test', `none: every role is one of the harness's simulators (topology ${run.topology})`]);
  }
  rows.push(['faults switched on', run.faults.length > 0 ? run.faults.join(', ') : 'none']);
  if (run.tags !== undefined) rows.push(['scenarios', `selected by --tags ${run.tags}`]);
  if (run.containers) {
    rows.push(['containers', `${Object.keys(run.containers.roles).length} on ${run.containers.network}, image ${run.containers.image}; logs in evidence/containers/ beside this report`]);
  }
  return `<dl class="run">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
}

function header(report: RunReport): string {
  const { run, summary, harness } = report;
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
  const took = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return (
    `<header><h1>${run.draft ? '<span class="draft">DRAFT</span>' : ''}EVVM conformance report${run.interrupted ? ' (interrupted)' : ''}</h1> <span class="overall ${a(summary.verdict)}">${e(summary.verdict)}</span>` +
    banners(report) +
    tested(report) +
    `<div class="counts">${counts
      .map(([k, n, v]) => `<span>${v ? badge(v) : e(k)} <b>${e(String(n))}</b></span>`)
      .join('')}</div>` +
    `<div class="meta-run">run ${e(run.id)} · started ${e(run.startedAt)} · ${e(formatDuration(took))} · ` +
    `${e(`${harness.name} ${harness.version}`)}</div></header>`
  );
}

/**
 * The implementation under test's declaration checked against what it advertised (harness/declaration): the
 * findings first, then what was seen, each capability compared, and the certificates of its handshakes.
 */
function declaration(report: RunReport): string {
  const d = report.run.declaration;
  if (!d) return '';
  const yes = (b: boolean | undefined): string => (b === undefined ? 'not seen' : b ? 'yes' : 'no');
  const findings =
    d.findings.length === 0
      ? `<p class="ok">What the ${e(d.role)} advertised matches its declaration (${d.capabilities.filter((c) => c.offered !== undefined).length} capabilities compared).</p>`
      : `<ul class="decided">${d.findings
          .map((f) => `<li>${badge(f.kind === 'declared-not-offered' ? 'fail' : 'warning')} <b>${e(f.kind === 'declared-not-offered' ? 'declared, not offered' : 'offered, not declared')}</b> <span class="mono">${e(f.requirements.join(' '))}</span><div class="decider">${e(f.message)}</div></li>`)
          .join('')}</ul>`;
  const observed = `<dl class="run">${d.observed.map((o) => `<dt>${e(o.what)}</dt><dd class="mono">${e(o.value)}</dd>`).join('')}</dl>`;
  const rows = d.capabilities.map(
    (c) =>
      `<tr><td>${e(c.capability)}</td><td class="mono">${e(c.field)}</td><td>${e(yes(c.declared))}</td>` +
      `<td class="${c.offered === undefined || c.offered === c.declared ? '' : 'bad'}">${e(yes(c.offered))}</td><td>${e(c.seen)}</td></tr>`,
  );
  return (
    `<section class="declaration" data-findings="${d.findings.length}">${h2(report, `Declaration checked against the wire (${d.findings.length} finding${d.findings.length === 1 ? '' : 's'})`)}` +
    findings +
    (d.note !== undefined ? `<p class="cap">${e(d.note)}</p>` : '') +
    `<details><summary>what the ${e(d.role)} advertised, once before the first scenario</summary>${observed}` +
    `<table><thead><tr><th>capability</th><th>declared by</th><th>declared</th><th>offered</th><th>seen</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    handshakes(d.transcript) +
    `</details></section>`
  );
}

/** The failing check that decided a scenario, for this requirement first. */
function failingCheck(s: ScenarioResult, requirement: string): CheckRecord | undefined {
  const failed = s.checks.filter((c) => c.result === 'failure');
  return failed.find((c) => c.requirement === requirement) ?? failed[0];
}

/** The one line of evidence that decided a scenario: its failing check's record, else its error, else its reason. */
function decidingLine(s: ScenarioResult, requirement: string): string {
  const check = failingCheck(s, requirement);
  if (check) {
    const evidence = check.evidence !== undefined ? ` ${JSON.stringify(plainCopy(check.evidence))}` : '';
    return `check ${check.condition} (${check.requirement}) failed: ${check.message}${evidence}`;
  }
  const step = s.steps.find((st) => st.error !== undefined);
  if (step) return `${step.keyword.trim()} ${step.text}: ${step.error ?? ''}`;
  return s.reason ?? `${s.outcome} (cucumber status ${s.status})`;
}

/** What failed, worst first, each with its full reason, its text and what decided each scenario. */
function problems(report: RunReport, plan: EvidencePlan): string {
  const failing = PROBLEMS.flatMap((v) => report.requirements.filter((r) => r.verdict === v));
  if (failing.length === 0) {
    const s = report.summary;
    const applicable = s.requirements - s.notApplicable - s.waived - s.untested;
    return (
      `<section class="clear">${h2(report, 'Nothing failed')}<p>${applicable === 1 ? 'The one applicable requirement' : `All ${applicable} applicable requirements`} passed` +
      ` (${s.notApplicable} not applicable, ${s.waived} waived, ${s.untested} untested).</p></section>`
    );
  }
  const articles = failing.map((r) => {
    const decided = r.scenarios
      .filter((s) => s.outcome === 'fail' || s.outcome === 'error' || s.outcome === 'inconclusive')
      .map(
        (s) =>
          `<li>${badge(s.outcome)} <a href="#${a(scenarioAnchor(plan.pathFor(s)))}">${e(s.name)}</a> ` +
          `<span class="pol mono">${e(`${s.uri}:${s.line}`)}</span><div class="decider">${e(decidingLine(s, r.id))}</div></li>`,
      );
    return (
      `<article class="prob" data-verdict="${a(r.verdict)}">` +
      `<h3><a class="mono" href="#req-${a(anchor(r.id))}">${e(r.id)}</a> ${badge(r.verdict)} ${e(r.keyword)} ${candidateBadge(r)}${e(r.title)}</h3>` +
      `<p class="why">${e(r.reason)}</p>` +
      `<blockquote>${e(r.text)}</blockquote>` +
      (decided.length > 0 ? `<ul class="decided">${decided.join('')}</ul>` : '') +
      `</article>`
    );
  });
  return `<section class="problems">${h2(report, `What failed (${failing.length})`)}${articles.join('')}</section>`;
}

function matrix(report: RunReport): string {
  const rows = report.requirements.map((r) => {
    const { positive, negative } = countPolarity(r);
    return (
      `<tr data-verdict="${a(r.verdict)}">` +
      `<td class="mono"><a href="#req-${a(anchor(r.id))}">${e(r.id)}</a></td>` +
      `<td>${e(r.keyword)}</td>` +
      `<td>${candidateBadge(r)}</td>` +
      `<td>${e(r.title)}</td>` +
      `<td>${badge(r.verdict)}</td>` +
      `<td class="num">${positive}</td><td class="num">${negative}</td></tr>`
    );
  });
  return (
    h2(report, 'Requirements') +
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
      `<td class="${c.result === 'success' ? 'ok' : 'bad'}">${e(c.result)}</td><td>${e(c.message)}` +
      (c.evidence !== undefined ? `<br><code>${e(JSON.stringify(plainCopy(c.evidence)))}</code>` : '') +
      `</td></tr>`,
  );
  return (
    `<table><thead><tr><th>condition</th><th>requirement</th><th>result</th><th>message and evidence</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** One certificate's fields; what a line of text did not name is said to be missing. */
function certificateCell(c: CertificateShown): string {
  const fields: [string, string | undefined][] = [
    ['subject', c.subject],
    ['SAN', c.san],
    ['issuer', c.issuer],
    ['validity', c.validity],
    ['SHA-256', c.sha256],
  ];
  const present = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const missing = fields.filter((f) => f[1] === undefined).map((f) => f[0]);
  return present.map(([k, v]) => `<b>${e(k)}</b> ${e(v)}`).join('<br>') + (missing.length > 0 ? `<br><span class="none">not recorded: ${e(missing.join(', '))}</span>` : '');
}

/** Every TLS handshake and decision in the transcript, with the certificates each end presented. */
function handshakes(entries: ScenarioResult['transcript']): string {
  const found = tlsHandshakes(entries);
  if (found.length === 0) return '';
  const { name } = partyNamer(entries);
  const rows = found.map((h) => {
    const { actor, peer } = h.entry;
    const named = peer === undefined ? undefined : name(peer, actor);
    const who = `${actor}${peer === undefined ? '' : ` → ${named}${named !== peer ? ` (${peer})` : ''}`}`;
    const certs: string[] = [];
    if (h.peer) certs.push(`<i>presented by ${e(named ?? 'the peer')}</i><br>${certificateCell(h.peer)}`);
    if (h.own) certs.push(`<i>presented by ${e(actor)}</i><br>${certificateCell(h.own)}`);
    const cert = certs.length === 0 ? '<span class="none">no certificate named</span>' : certs.join('<br>');
    const tls = `${h.protocol ?? ''}${h.error !== undefined ? `${h.protocol ? '; ' : ''}failed: ${h.error}` : ''}`;
    return (
      `<tr><td class="num">${e(String(h.entry.t))}</td><td>${e(who)}</td><td>${e(tls)}</td><td>${cert}</td></tr>` +
      `<tr><td></td><td colspan="3" class="txt">${e(h.entry.text)}</td></tr>`
    );
  });
  return (
    `<h4>TLS handshakes (${found.length})</h4><table class="tls"><thead><tr><th>t ms</th><th>recorded by → peer</th><th>TLS</th>` +
    `<th>certificates</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** A scenario's details: steps, checks, TLS handshakes and its sequence diagram; `lanes` learns the widest diagram. */
function scenarioDetails(s: ScenarioResult, evidence: string, lanes: { max: number }): string {
  const all = s.transcript;
  const shown = all.slice(0, TRANSCRIPT_CAP);
  const cap =
    all.length > shown.length
      ? `<p class="cap">The first ${shown.length} of ${all.length} transcript entries are shown; all of them are in ${e(evidence)}, written beside this report.</p>`
      : '';
  const seq = renderSequence(shown);
  lanes.max = Math.max(lanes.max, seq.lanes);
  return (
    (s.reason !== undefined ? `<p><b>reason:</b> ${e(s.reason)}</p>` : '') +
    `<p class="pol">evidence file ${e(evidence)}` +
    (s.requirementIds.length > 1 ? ` · requirements: <span class="mono">${e(s.requirementIds.join(' '))}</span>` : '') +
    (s.tags.length > 0 ? ` · tags: <span class="mono">${e(s.tags.join(' '))}</span>` : '') +
    `</p>` +
    `<h4>steps</h4>${steps(s)}<h4>checks</h4>${checks(s)}${handshakes(shown)}` +
    `<h4>sequence diagram (${shown.length} entries; click a row for all of it)</h4>` +
    cap +
    (seq.html === '' ? '<p>No transcript recorded.</p>' : `<button type="button" class="wrap">show every label in full</button>${seq.html}`)
  );
}

function scenarioSummary(s: ScenarioResult): string {
  return (
    `${badge(s.outcome)} <span class="pol">${e(s.polarity)}</span> ${e(s.name)} ` +
    `<span class="pol mono">${e(`${s.uri}:${s.line}`)} · ${e(notApplicableRun(s) ?? s.status)} · ${e(formatDuration(s.durationMs))}</span>`
  );
}

/**
 * Where each distinct scenario's details go: drawn in the page when it did not pass (while the budget
 * lasts), else packed, to be drawn when opened.
 */
class Placement {
  /** evidence path -> the requirement it is drawn under */
  readonly drawnUnder = new Map<string, string>();
  /** anchor -> details html, for the packed block */
  readonly packed: Record<string, string> = {};
  readonly lanes = { max: 0 };
  private budget = DRAWN_BUDGET;

  scenario(s: ScenarioResult, evidence: string): string {
    const id = scenarioAnchor(evidence);
    const details = scenarioDetails(s, evidence, this.lanes);
    let body: string;
    if (s.outcome !== 'pass' && s.outcome !== 'not-applicable' && details.length <= this.budget) {
      this.budget -= details.length;
      body = details;
    } else {
      this.packed[id] = details;
      body = `<div class="packed" data-evidence="${a(evidence)}"></div>`;
    }
    return `<details class="scn" id="${a(id)}"><summary>${scenarioSummary(s)}</summary>${body}</details>`;
  }
}

/**
 * A scenario tagged with several requirements is drawn in full once, under the first of them; the
 * others link to it (a transcript drawn twice doubles the page for nothing).
 */
function requirement(r: RequirementResult, plan: EvidencePlan, place: Placement): string {
  const scenarios =
    r.scenarios.length === 0
      ? '<p>No scenario covers this requirement yet (untested).</p>'
      : r.scenarios
          .map((s) => {
            const evidence = plan.pathFor(s);
            const first = place.drawnUnder.get(evidence);
            if (first === undefined) {
              place.drawnUnder.set(evidence, r.id);
              return place.scenario(s, evidence);
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
    `${candidateBadge(r)}${e(r.title)}</summary>` +
    (r.candidate
      ? `<p class="note-cand">Candidate requirement: inferred where the spec text is missing; not spec text.</p>`
      : '') +
    `<blockquote>${e(r.text)}</blockquote>` +
    `<p><b>source:</b> ${e(formatSource(r.source))} · <b>strength:</b> ${e(r.strength)}</p>` +
    `<p><b>verdict:</b> ${badge(r.verdict)} ${e(r.reason)}</p>` +
    `<h3>scenarios</h3>${scenarios}</details>`
  );
}

/** The packed details as the page embeds them: JSON, gzip, base64 (inert text in a <template>). */
function packedBlock(packed: Record<string, string>, scrub: (s: string) => string): string {
  if (Object.keys(packed).length === 0) return '';
  // scrubbed before packing (compressed, a secret would slip past the scrub of the written page), and
  // before JSON escapes its quotes (the scrub knows a secret's HTML-escaped form, not that form's JSON)
  const json = JSON.stringify(Object.fromEntries(Object.entries(packed).map(([id, html]) => [id, scrub(html)])));
  return `<template id="${PACKED_ID}">${gzipSync(json, { level: 9 }).toString('base64')}</template>`;
}

/** The packed details of a written page, unpacked: anchor -> html (the writer's last check for secrets looks in them too). */
export function unpackDetails(html: string): Record<string, string> {
  const m = new RegExp(`<template id="${PACKED_ID}">([A-Za-z0-9+/=]*)</template>`).exec(html);
  return m ? (JSON.parse(gunzipSync(Buffer.from(m[1]!, 'base64')).toString('utf8')) as Record<string, string>) : {};
}

/** The whole page. `scrub` is applied to the packed details before they are compressed. */
export function renderHtml(report: RunReport, plan = new EvidencePlan(report), scrub: (s: string) => string = (s) => s): string {
  const place = new Placement();
  const details = report.requirements.map((r) => requirement(r, plan, place)).join('\n');
  const css = CSS + sequenceCss(place.lanes.max);
  const csp =
    `default-src 'none'; style-src 'sha256-${sha256(css)}'; script-src 'sha256-${sha256(SCRIPT)}'; ` +
    `img-src data:; base-uri 'none'; form-action 'none'`;
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${a(csp)}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(`${report.run.draft ? 'DRAFT ' : ''}EVVM conformance: ${report.summary.verdict}${report.run.interrupted ? ', interrupted' : ''} (${report.run.id})`)}</title>` +
    `<style>${css}</style></head>\n<body>` +
    header(report) +
    `<main>${declaration(report)}${problems(report, plan)}${matrix(report)}${h2(report, 'Details')}\n` +
    details +
    `</main>${packedBlock(place.packed, scrub)}<script>${SCRIPT}</script></body></html>\n`
  );
}

/** Writes DIR/conformance.html; returns its absolute path. */
export async function writeHtmlReport(report: RunReport, dir: string): Promise<string> {
  const [path] = await writeOutputFiles(dir, [{ path: CONFORMANCE_HTML, content: renderHtml(report) }]);
  return path as string;
}
