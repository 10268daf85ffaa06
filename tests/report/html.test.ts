import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TRANSCRIPT_CAP, writeHtmlReport } from '../../harness/report';
import { buildReport, entry, tempDir } from './fixture';

/** What a browser's tokenizer sees: scripts, event-handler attributes, external references. */
const INSPECT = `
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.external, self.stack, self.in_script = [], [], [], [], False
        self.svg = 0
    def handle_starttag(self, tag, attrs):
        if tag == "script": self.in_script = True; self.scripts.append("")
        if tag == "svg": self.svg += 1
        for k, v in attrs:
            if k.startswith("on"): self.handlers.append(k)
            if k in ("src", "href") and v and ("//" in v or v.startswith("javascript")): self.external.append(v)
    def handle_endtag(self, tag):
        if tag == "script": self.in_script = False
    def handle_data(self, data):
        if self.in_script: self.scripts[-1] += data
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"scripts": p.scripts, "handlers": p.handlers, "external": p.external, "svg": p.svg}))
`;

describe('conformance.html', () => {
  const { dir, cleanup } = tempDir();
  let html: string;
  let inspected: { scripts: string[]; handlers: string[]; external: string[]; svg: number };
  before(async () => {
    const report = buildReport();
    // a very long transcript, to see the cap
    const long = report.requirements[0]!.scenarios[0]!;
    long.transcript = Array.from({ length: TRANSCRIPT_CAP + 50 }, (_, i) =>
      entry({ t: i, seq: i, actor: 'EVVM Client', peer: 'EVVM Server', dir: 'send', text: `a${i} NOOP` }),
    );
    const path = await writeHtmlReport(report, dir);
    html = readFileSync(path, 'utf8');
    inspected = JSON.parse(execFileSync('python3', ['-c', INSPECT, path], { encoding: 'utf8' })) as typeof inspected;
  });
  after(cleanup);

  it('runs only its own script, which its CSP allows by hash', () => {
    assert.equal(inspected.scripts.length, 1);
    const own = inspected.scripts[0]!;
    assert.ok(own.includes('openHash'));
    assert.ok(!own.includes('pwn'));
    const hash = createHash('sha256').update(own, 'utf8').digest('base64');
    assert.ok(html.includes(`script-src &#39;sha256-${hash}&#39;`), 'CSP names the script hash');
    assert.deepEqual(inspected.handlers, []);
    assert.deepEqual(inspected.external, []);
    assert.equal((html.match(/<script/gi) ?? []).length, 1);
    assert.doesNotThrow(() => new Function(own), 'the inline script parses');
  });

  it('shows the hostile transcript line escaped', () => {
    assert.ok(html.includes('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;') || html.includes('&lt;script&gt;alert("pwn")&lt;/script&gt;'));
    assert.doesNotMatch(html, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u202E]/);
    assert.ok(html.includes('\\x1b[31m'));
  });

  it('puts the matrix first, with every requirement and verdict', () => {
    const matrixAt = html.indexOf('<table class="matrix">');
    const detailsAt = html.indexOf('<details class="req"');
    assert.ok(matrixAt > 0 && matrixAt < detailsAt);
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

  it('draws sequence diagrams and caps long transcripts', () => {
    assert.equal(inspected.svg, 8, 'one diagram per distinct scenario');
    assert.ok(html.includes(`Showing the first ${TRANSCRIPT_CAP} of ${TRANSCRIPT_CAP + 50} transcript entries`));
    assert.ok(!html.includes('a420 NOOP'));
    assert.ok(html.includes('a399 NOOP'));
  });
});
