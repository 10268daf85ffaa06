import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DRAWN_BUDGET, TRANSCRIPT_CAP, renderHtml, unpackDetails, writeHtmlReport } from '../../harness/report/html';
import type { RunReport } from '../../harness/report/model';
import { SECRET_HEX, buildReport, entry, scenario, tempDir } from './fixture';

/** What a browser's tokenizer sees: scripts, event-handler attributes, external references. */
const INSPECT = `
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.external, self.links, self.in_script = [], [], [], [], False
    def handle_starttag(self, tag, attrs):
        if tag == "script": self.in_script = True; self.scripts.append("")
        for k, v in attrs:
            if k.startswith("on"): self.handlers.append(k)
            if k in ("src", "href") and v and ("//" in v or v.startswith("javascript")): self.external.append(v)
            if k in ("src", "href") and v and not v.startswith("#"): self.links.append(v)
    def handle_endtag(self, tag):
        if tag == "script": self.in_script = False
    def handle_data(self, data):
        if self.in_script: self.scripts[-1] += data
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"scripts": p.scripts, "handlers": p.handlers, "external": p.external, "links": p.links}))
`;

const LONG_REASON = `the server answered OK to a LOGIN before STARTTLS; ${'it said so at length, '.repeat(12)}and that is the end`;

/** The fixture, plus what the top of the page is about: a long reason, a profile naming an IUT. */
function report(): RunReport {
  const r = buildReport();
  r.run.tested = {
    profileName: 'acme-mss',
    description: 'ACME Message Storage 4.2 on the lab network',
    iut: { role: 'message-storage', host: 'mss.lab.example.net', servername: 'mss.example.net', ports: { imaps: 993, imap: 143 } },
  };
  r.requirements.find((q) => q.id === 'EVVM-AUTH-02')!.reason = LONG_REASON;
  // a very long transcript, to see the cap
  r.requirements[0]!.scenarios[0]!.transcript = Array.from({ length: TRANSCRIPT_CAP + 50 }, (_, i) =>
    entry({ t: i, seq: i, actor: 'EVVM Client', peer: 'EVVM Server', dir: 'send', text: `a${i} NOOP` }),
  );
  return r;
}

describe('conformance.html', () => {
  const { dir, cleanup } = tempDir();
  let html: string;
  let packed: Record<string, string>;
  let inspected: { scripts: string[]; handlers: string[]; external: string[]; links: string[] };
  before(async () => {
    const path = await writeHtmlReport(report(), dir);
    html = readFileSync(path, 'utf8');
    packed = unpackDetails(html);
    inspected = JSON.parse(execFileSync('python3', ['-c', INSPECT, path], { encoding: 'utf8' })) as typeof inspected;
  });
  after(cleanup);

  it('runs only its own script and style, which its CSP allows by hash', () => {
    assert.equal(inspected.scripts.length, 1);
    const own = inspected.scripts[0]!;
    assert.ok(own.includes('openHash') && own.includes('DecompressionStream'));
    assert.ok(!own.includes('pwn'));
    const hash = createHash('sha256').update(own, 'utf8').digest('base64');
    assert.ok(html.includes(`script-src &#39;sha256-${hash}&#39;`), 'CSP names the script hash');
    const style = /<style>([^]*?)<\/style>/.exec(html)![1]!;
    assert.ok(html.includes(`style-src &#39;sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}&#39;`), 'CSP names the style hash');
    assert.doesNotMatch(html, / style="/, 'no style attribute (the CSP would block it)');
    assert.deepEqual(inspected.handlers, []);
    assert.deepEqual(inspected.external, []);
    assert.equal((html.match(/<script/gi) ?? []).length, 1);
    assert.doesNotThrow(() => new Function(own), 'the inline script parses');
  });

  it('links to nothing outside the page, so the file alone loses nothing when mailed', () => {
    assert.deepEqual(inspected.links, []);
    for (const body of Object.values(packed)) assert.doesNotMatch(body, /href="(?!#)/);
    assert.match(html, /evidence file evidence\/\d{3}-/, 'the evidence file is named');
  });

  it('shows the hostile transcript line escaped, in the page and in the packed details', () => {
    const drawn = html + Object.values(packed).join('');
    assert.ok(drawn.includes('&lt;script&gt;alert("pwn")&lt;/script&gt;'));
    assert.doesNotMatch(drawn, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u202E]/);
    assert.ok(drawn.includes('\\x1b[31m'));
  });

  it('opens on what was tested: the profile and the implementation under test', () => {
    const top = html.slice(0, html.indexOf('</header>'));
    assert.match(top, /acme-mss: ACME Message Storage 4\.2 on the lab network \(profiles\/default\.yaml\)/);
    assert.match(top, /message-storage at mss\.lab\.example\.net \(certificate name mss\.example\.net\), ports imaps 993, imap 143/);
    const bare = renderHtml(buildReport());
    assert.match(bare.slice(0, bare.indexOf('</header>')), /none: every role is one of the harness&#39;s simulators|none: every role is one of the harness's simulators/);
  });

  it('puts what failed first, worst first, each with its full reason, its text and what decided it', () => {
    const at = html.indexOf('<section class="problems">');
    const matrixAt = html.indexOf('<table class="matrix">');
    assert.ok(at > 0 && at < matrixAt, 'the failures come before the matrix');
    const section = html.slice(at, html.indexOf('</section>', at));
    const order = [...section.matchAll(/<article class="prob" data-verdict="([a-z-]+)"><h3><a class="mono" href="#req-([A-Z0-9-]+)"/g)].map((m) => `${m[2]} ${m[1]}`);
    assert.deepEqual(order, ['EVVM-AUTH-02 fail', 'EVVM-SMS-C01 error', 'EVVM-CONT-01 inconclusive', 'EVVM-AUTH-05 warning']);
    assert.ok(section.includes(`<p class="why">${LONG_REASON}</p>`), 'the reason in full');
    assert.ok(section.includes('<blockquote>The EVVM Server SHALL do what EVVM-AUTH-02 says.</blockquote>'));
    // the failing check's record, with its evidence
    assert.match(section, /<div class="decider">check login-refused-without-tls \(EVVM-AUTH-02\) failed: got OK &lt;script&gt;[^<]*\{"password":/);
    // no failing check: the scenario's reason
    assert.match(section, /<div class="decider">IUT storage cannot be observed<\/div>/);
    assert.match(section, /<div class="decider">SMSC simulator crashed: /);
    assert.doesNotMatch(html + Object.values(packed).join(''), /…/, 'nothing is cut anywhere');
  });

  it('says so when nothing failed', () => {
    const r = buildReport();
    r.requirements = r.requirements.filter((q) => q.verdict === 'pass' || q.verdict === 'untested');
    Object.assign(r.summary, { requirements: r.requirements.length, fail: 0, warning: 0, inconclusive: 0, notApplicable: 0, error: 0, verdict: 'conformant' });
    const page = renderHtml(r);
    assert.ok(!page.includes('<section class="problems">'));
    assert.match(page, /<h2>Nothing failed<\/h2><p>All 2 applicable requirements passed \(0 not applicable, 0 waived, 1 untested\)/);
  });

  it('marks a draft (certify --draft) in its title, its header and every section header, and nowhere else', () => {
    const r = buildReport();
    r.run.draft = true;
    const page = renderHtml(r);
    assert.match(page, /<title>DRAFT EVVM conformance: /);
    assert.match(page, /<h1><span class="draft">DRAFT<\/span>EVVM conformance report<\/h1>/);
    assert.match(page, /<span class="draft draft-mark">DRAFT<\/span><p class="banner">DRAFT: [^<]*not a certification\.<\/p>/);
    const headers = [...page.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]!);
    assert.deepEqual(headers.map((h) => h.replace(/^<span class="draft">DRAFT<\/span>/, '')), ['What failed (4)', 'Requirements', 'Details']);
    assert.ok(headers.every((h) => h.startsWith('<span class="draft">DRAFT</span>')), headers.join(' | '));
    assert.ok(/\.draft-mark\{position:fixed/.test(page), 'the mark stays on screen and on every printed page');
    assert.doesNotMatch(html, /DRAFT/, 'a run that is not a draft says nothing of one');
  });

  it('says an interrupted run was interrupted, and how many of its scenarios ran', () => {
    const r = buildReport();
    Object.assign(r.run, { interrupted: true, scenarios: { planned: 85, ran: 21 } });
    const page = renderHtml(r);
    const top = page.slice(0, page.indexOf('</header>'));
    assert.match(page, /<title>EVVM conformance: not-conformant, interrupted \(/);
    assert.match(top, /<h1>EVVM conformance report \(interrupted\)<\/h1>/);
    assert.match(top, /<p class="banner interrupted">Interrupted: the run was stopped before it finished; 21 of 85 scenarios ran\. /);
    assert.doesNotMatch(html, /<p class="banner interrupted">|\(interrupted\)|, interrupted/, 'a run that finished says nothing of an interruption');
  });

  it('keeps the matrix, with every requirement and verdict', () => {
    const matrixAt = html.indexOf('<table class="matrix">');
    const matrix = html.slice(matrixAt, html.indexOf('</table>', matrixAt));
    for (const id of ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-05', 'EVVM-CONT-01', 'CPM-MS-AUTH-03', 'EVVM-SMS-C01', 'EVVM-IW-C01']) {
      assert.ok(matrix.includes(`href="#req-${id}"`), id);
    }
    assert.match(matrix, /<tr data-verdict="untested"><td class="mono"><a href="#req-EVVM-IW-C01">/);
    assert.match(matrix, /badge cand/);
    assert.match(html, /class="overall not-conformant"/);
  });

  it('draws a scenario shared by two requirements once and links to it from the other', () => {
    const ref = html.match(/<p class="scn-ref">[^]*?details under <a href="#(scn-[^"]+)">EVVM-AUTH-01<\/a><\/p>/);
    assert.ok(ref, 'EVVM-IW-C02 links to the scenario drawn under EVVM-AUTH-01');
    assert.ok(html.includes(`<details class="scn" id="${ref[1]}">`));
  });

  it('draws the scenarios that did not pass in the page and packs the others, one diagram each', () => {
    const inPage = (html.match(/<div class="sq /g) ?? []).length;
    const inPack = Object.values(packed).filter((b) => b.includes('<div class="sq ')).length;
    assert.equal(inPage, 4, 'fail, warning, inconclusive and error scenarios are drawn');
    assert.equal(inPack, 4, 'the passing and not-applicable ones are packed');
    for (const id of Object.keys(packed)) assert.ok(html.includes(`<details class="scn" id="${id}"><summary>`), id);
    const failed = html.slice(html.indexOf('<details class="req" id="req-EVVM-AUTH-02"'));
    assert.match(failed.slice(0, failed.indexOf('</details>')), /<div class="sq L\d+">/);
  });

  it('caps long transcripts and names the evidence file that has them all', () => {
    const first = Object.values(packed).find((b) => b.includes('a0 NOOP'))!;
    assert.ok(first.includes(`The first ${TRANSCRIPT_CAP} of ${TRANSCRIPT_CAP + 50} transcript entries are shown; all of them are in evidence/001-`));
    assert.ok(!first.includes('a400 NOOP'));
    assert.ok(first.includes('a399 NOOP'));
  });

  it('draws failing scenarios in the page only while its budget lasts', () => {
    const r = buildReport();
    const big = Array.from({ length: TRANSCRIPT_CAP }, (_, i) => entry({ t: i, seq: i, actor: 'EVVM Client', peer: 'EVVM Server', dir: 'send', text: `x${i} ${'y'.repeat(400)}` }));
    const per = 400 * TRANSCRIPT_CAP;
    const many = Math.ceil(DRAWN_BUDGET / per) + 3;
    r.requirements[1]!.scenarios = Array.from({ length: many }, (_, i) => scenario(`failing ${i}`, 'fail', { line: 100 + i, transcript: big }));
    const page = renderHtml(r);
    const packedFailing = Object.keys(unpackDetails(page)).filter((id) => /-failing-/.test(id)).length;
    const drawn = many - packedFailing;
    assert.ok(drawn >= 1 && packedFailing >= 1, `${drawn} of ${many} drawn in the page`);
    assert.ok(page.length < DRAWN_BUDGET + 200_000, `${page.length} characters`);
  });

  it('scrubs the packed details before it compresses them (a scrub of the written page cannot see into them)', () => {
    const packedText = (page: string): string => Object.values(unpackDetails(page)).join('');
    assert.ok(packedText(renderHtml(buildReport())).includes(SECRET_HEX));
    const scrubbed = packedText(renderHtml(buildReport(), undefined, (t) => t.split(SECRET_HEX).join('«redacted»')));
    assert.ok(!scrubbed.includes(SECRET_HEX) && scrubbed.includes('AUTHENTICATE PLAIN «redacted»'));
  });

  it('shows the certificate of each TLS handshake the transcript names', () => {
    const r = buildReport();
    r.requirements[1]!.scenarios[0]!.transcript = [
      entry({
        actor: 'EVVM Server',
        peer: 'EVVM Client',
        channel: 'tls',
        dir: 'event',
        text: 'TLS implicit established: TLSv1.3 TLS_AES_256_GCM_SHA384; client certificate "CN=evvm-client, O=EVVM Test PKI" issued by "CN=Rogue Root CA, O=Rogue PKI" (SHA-256 51:11:55:7F:3A:02:54:17:E6:B9:05:36:90:B8:5E:C7:B1:20:13:05:1A:47:E2:A5:E5:6F:AC:AA:DB:4D:67:A2) SAN email:alice@op.example; not authorized: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      }),
      entry({ actor: 'EVVM Client', peer: '127.0.0.1:40123', channel: 'imap', dir: 'event', text: 'TLS TLSv1.3 TLS_AES_256_GCM_SHA384' }),
    ];
    const page = renderHtml(r);
    const tls = page.slice(page.indexOf('<h4>TLS handshakes (2)</h4>'));
    assert.match(tls, /<b>subject<\/b> CN=evvm-client, O=EVVM Test PKI<br><b>SAN<\/b> email:alice@op\.example<br><b>issuer<\/b> CN=Rogue Root CA, O=Rogue PKI<br><b>SHA-256<\/b> 51:11:55/);
    assert.match(tls, /not recorded: validity/);
    assert.match(tls, /EVVM Client → EVVM Server \(127\.0\.0\.1:40123\)<\/td><td>TLSv1\.3 TLS_AES_256_GCM_SHA384<\/td><td><span class="none">no certificate named<\/span>/);
  });
});
