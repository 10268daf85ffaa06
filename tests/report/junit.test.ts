import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeJunitReport } from '../../harness/report';
import { buildReport, tempDir } from './fixture';
import type { ScenarioResult } from '../../harness/report/model';

/**
 * Parses junit.xml with Python's minidom (an independent XML 1.0 parser) and returns a summary of it,
 * so the test checks what a CI tool would read, not what our writer meant to write.
 */
const PARSE = `
import json, sys, xml.dom.minidom as m
d = m.parse(sys.argv[1])
root = d.documentElement
out = {"root": root.tagName, "attrs": dict(root.attributes.items()), "suites": []}
for s in root.getElementsByTagName("testsuite"):
    props = {p.getAttribute("name"): p.getAttribute("value") for p in s.getElementsByTagName("property")}
    cases = []
    for c in s.getElementsByTagName("testcase"):
        kids = [k for k in c.childNodes if k.nodeType == k.ELEMENT_NODE and k.tagName != "system-out"]
        cases.append({"classname": c.getAttribute("classname"), "name": c.getAttribute("name"),
                      "result": [{"tag": k.tagName, "type": k.getAttribute("type"), "message": k.getAttribute("message"),
                                  "text": "".join(t.data for t in k.childNodes if t.nodeType == t.TEXT_NODE)} for k in kids]})
    out["suites"].append({"name": s.getAttribute("name"), "attrs": dict(s.attributes.items()), "props": props, "cases": cases})
print(json.dumps(out))
`;

interface Parsed {
  root: string;
  attrs: Record<string, string>;
  suites: {
    name: string;
    attrs: Record<string, string>;
    props: Record<string, string>;
    cases: { classname: string; name: string; result: { tag: string; type: string; message: string; text: string }[] }[];
  }[];
}

describe('junit.xml', () => {
  const { dir, cleanup } = tempDir();
  let xml: string;
  let parsed: Parsed;
  before(async () => {
    const path = await writeJunitReport(buildReport(), dir);
    xml = readFileSync(path, 'utf8');
    parsed = JSON.parse(execFileSync('python3', ['-c', PARSE, path], { encoding: 'utf8' })) as Parsed;
  });
  after(cleanup);

  it('is well-formed XML 1.0 with a testsuites root and totals', () => {
    assert.equal(parsed.root, 'testsuites');
    assert.deepEqual(
      { tests: parsed.attrs.tests, failures: parsed.attrs.failures, errors: parsed.attrs.errors, skipped: parsed.attrs.skipped },
      { tests: '9', failures: '2', errors: '2', skipped: '1' },
    );
    assert.match(parsed.attrs.time ?? '', /^\d+\.\d{3}$/);
    // no raw control characters survive (they are invalid in XML 1.0 even as references)
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('has one suite per requirement with scenarios, with keyword, strength and verdict', () => {
    assert.equal(parsed.suites.length, 7, 'the untested requirement has no suite');
    const auth01 = parsed.suites[0]!;
    assert.equal(auth01.name, 'EVVM-AUTH-01 title of EVVM-AUTH-01');
    assert.equal(auth01.props.keyword, 'SHALL');
    assert.equal(auth01.props.strength, 'mandatory');
    assert.equal(auth01.props.verdict, 'pass');
    assert.equal(auth01.cases[1]!.classname, 'EVVM-AUTH-01');
    assert.equal(auth01.cases[1]!.name, 'Rogue server certificate is refused (negative)');
    assert.deepEqual(auth01.cases[0]!.result, []);
  });

  it('maps each outcome to the right element', () => {
    const result = (id: string) => parsed.suites.find((s) => s.name.startsWith(`${id} `))!.cases[0]!.result[0]!;
    const fail = result('EVVM-AUTH-02');
    assert.equal(fail.tag, 'failure');
    assert.equal(fail.type, 'fail');
    assert.match(fail.message, /^AssertionError: server answered "a1 OK"/);
    assert.match(fail.text, /login-refused-without-tls/);
    const warning = result('EVVM-AUTH-05');
    assert.deepEqual([warning.tag, warning.type], ['failure', 'warning']);
    const inconclusive = result('EVVM-CONT-01');
    assert.deepEqual([inconclusive.tag, inconclusive.type, inconclusive.message], ['error', 'inconclusive', 'IUT storage cannot be observed']);
    const skipped = result('CPM-MS-AUTH-03');
    assert.deepEqual([skipped.tag, skipped.message], ['skipped', 'IUT does not declare psk-tls']);
    assert.equal(result('EVVM-SMS-C01').tag, 'error');
  });

  it('keeps hostile names intact but escaped', () => {
    const name = parsed.suites.find((s) => s.name.startsWith('EVVM-AUTH-02 '))!.cases[0]!.name;
    assert.ok(name.includes('<script>alert("pwn")</script> \'quoted\' "double" & ]]>'), name);
    assert.ok(name.includes('\\x00\\x07\\x1b[31m\\x08'), 'control characters shown as escapes');
    assert.ok(name.includes('\\u{202e}'), 'bidi override made visible');
  });
});

describe('junit.xml test cases', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('names every example row of an outline apart, points at its line, and keeps the whole reason', async () => {
    const report = buildReport();
    const auth02 = report.requirements.find((r) => r.id === 'EVVM-AUTH-02')!;
    const reason = `EVVM-AUTH-02 LoginRefused: ${'the server answered OK to a LOGIN before TLS; '.repeat(20)}end of the reason`;
    const row = (line: number, example: string[], name = 'A client whose certificate is flawed gets no session'): ScenarioResult => ({ ...auth02.scenarios[0]!, name, line, example, outcome: 'fail', reason });
    auth02.scenarios = [row(33, ['missing']), row(34, ['expired']), row(35, ['expired'], 'A client whose certificate is flawed gets no session')];
    const file = await writeJunitReport(report, dir);
    const parsed = JSON.parse(execFileSync('python3', ['-c', PARSE, file], { encoding: 'utf8' })) as Parsed;
    const cases = parsed.suites.flatMap((s) => s.cases);
    const ids = cases.map((c) => `${c.classname}\u0000${c.name}`);
    assert.equal(new Set(ids).size, ids.length, `classname and name unique: ${ids.join('\n')}`);
    const rows = parsed.suites.find((s) => s.name.startsWith('EVVM-AUTH-02 '))!.cases;
    assert.deepEqual(rows.map((c) => c.name), [
      'A client whose certificate is flawed gets no session (negative) [example: missing]',
      'A client whose certificate is flawed gets no session (negative) [example: expired]',
      'A client whose certificate is flawed gets no session (negative) [example: expired] [features/authentication/imap-login.feature:35]',
    ]);
    assert.equal(rows[0]!.result[0]!.message, reason, 'the message attribute is the whole reason, not cut');
    assert.ok(rows[0]!.result[0]!.text.includes(reason));
    assert.doesNotMatch(readFileSync(file, 'utf8'), /…/, 'nothing cut with an ellipsis');
    const files = execFileSync('python3', ['-c', 'import sys, xml.dom.minidom as m\nfor c in m.parse(sys.argv[1]).getElementsByTagName("testcase"): print(c.getAttribute("file"))', file], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(files.every((f) => /^features\/.+\.feature:\d+$/.test(f)), files.join('\n'));
    assert.ok(files.includes('features/authentication/imap-login.feature:34'));
  });
});
