import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { registerCrCommands } from '../../harness/cli/commands/cr';
import { UsageError } from '../../harness/cli/usage';
import { analyzeCommand, diffCommand } from '../../harness/cr/command';
import { CrInputError, parseFailOn, ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON } from '../../harness/cr/failon';
import type { CrAnalysis, CrDiff } from '../../harness/cr/model';
import { catalogue, fixture, root, SCENARIOS, SEED_CPM, SEED_SEC } from './helpers';

function capture(): { out: string[]; stdout: (s: string) => void } {
  const out: string[] = [];
  return { out, stdout: (s: string) => void out.push(s) };
}

const env = (stdout: (s: string) => void) => ({ catalogue, scenarios: SCENARIOS, stdout });

test('analyze: text, markdown and json outputs; the exit status is returned', () => {
  const c = capture();
  const text = analyzeCommand(fixture(SEED_SEC), {}, env(c.stdout));
  assert.equal(text.status, 1);
  const out = c.out.join('');
  assert.match(out, /^CR analysis: .*000_f109c382ee08737c\.txt \(text\)$/m);
  assert.match(out, /^S7 {3}SHALL {2}line 48 {2}§6\.4 Security Considerations, Authentication$/m);
  assert.match(out, /-> EVVM-AUTH-03, EVVM-AUTH-04 exact 1\.00/);
  assert.match(out, /^ {2}ERROR {4}conditional-shall {2}line 48 {2}S7$/m);
  assert.match(out, /^exit 1 \(fail-on: uncovered, weakened, inverted, dropped\)$/m);

  const m = capture();
  analyzeCommand(fixture(SEED_CPM), { format: 'markdown' }, env(m.stdout));
  const md = m.out.join('');
  assert.match(md, /^# CR analysis: `.*001_28b6a536679c30ff\.txt`$/m);
  assert.match(md, /^\| S5 \| 59 \| is optional \| §5\.1\.2 Authentication \| TLS\/PSK-TLS .* \| CPM-MS-AUTH-05, CPM-MS-AUTH-06 \| exact 1\.00 \| \*\*uncovered\*\* \|$/m);
  assert.match(md, /^\| warning \| obsolete-reference \| 55 \| S1 \| RFC 2222 \(SASL\) is obsoleted by RFC 4422: cite RFC 4422 \|$/m);

  const j = capture();
  const r = analyzeCommand(fixture(SEED_SEC), { format: 'json', failOn: 'none' }, env(j.stdout));
  assert.equal(r.status, 0);
  const parsed = JSON.parse(j.out.join('')) as CrAnalysis;
  assert.deepEqual([parsed.schemaVersion, parsed.kind, parsed.statements.length, parsed.exit.status], [1, 'cr-analysis', 11, 0]);
});

test('analyze --out writes the file and prints a one-line summary', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cr-out-'));
  try {
    const c = capture();
    const file = path.join(dir, 'sub', 'analysis.md');
    analyzeCommand(fixture(SEED_SEC), { format: 'markdown', out: file }, env(c.stdout));
    assert.match(readFileSync(file, 'utf8'), /^# CR analysis/);
    assert.deepEqual(c.out, [`cr analyze ${fixture(SEED_SEC)}: 11 statements, 7 uncovered, 3 lint errors; exit 1; written to ${file}\n`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diff: text and json outputs with the exit status', async () => {
  const c = capture();
  const r = await diffCommand(fixture(SEED_SEC), fixture('000_auth-08-shall-to-should.txt'), {}, env(c.stdout));
  assert.equal(r.status, 1);
  const out = c.out.join('');
  assert.match(out, /^WEAKENED {2}SHALL -> SHOULD {2}line 48 -> 48 {2}§6\.4 Security Considerations, Authentication {2}\[EVVM-AUTH-08\] {2}similarity 1\.00$/m);
  assert.match(out, /^Re-run: nothing; no scenario covers EVVM-AUTH-08$/m);
  assert.match(out, /^ {2}weakened: EVVM-AUTH-08 \(SHALL -> SHOULD\)$/m);

  const j = capture();
  await diffCommand(fixture(SEED_SEC), fixture('000_drop-auth-02.txt'), { format: 'json' }, env(j.stdout));
  const d = JSON.parse(j.out.join('')) as CrDiff;
  assert.deepEqual([d.kind, d.summary.removed, d.rerun.tags, d.exit.status], ['cr-diff', 1, '@EVVM-AUTH-02', 1]);

  const m = capture();
  await diffCommand(fixture(SEED_SEC), fixture('000_drop-auth-02.txt'), { format: 'markdown', failOn: 'none' }, env(m.stdout));
  assert.match(m.out.join(''), /^\| \*\*removed\*\* \| EVVM-AUTH-02 \| \(line 34\) Once one of/m);
  assert.match(m.out.join(''), /^`evvm-conformance run --tags "@EVVM-AUTH-02"`$/m);
});

test('bad input is one line: missing file, unknown format, unknown --fail-on, a catalogue given to analyze', async () => {
  const c = capture();
  assert.throws(() => analyzeCommand('/nonexistent/cr.txt', {}, env(c.stdout)), new CrInputError('/nonexistent/cr.txt: no such file'));
  assert.throws(() => analyzeCommand(root, {}, env(c.stdout)), new CrInputError(`${root}: not a file`));
  assert.throws(() => analyzeCommand(fixture(SEED_SEC), { format: 'html' }, env(c.stdout)), /--format: unknown format "html" \(known: text, markdown, json\)/);
  assert.throws(() => analyzeCommand(fixture(SEED_SEC), { failOn: 'uncovered,flaky' }, env(c.stdout)), /--fail-on: unknown value "flaky" \(known: none, uncovered/);
  assert.throws(() => analyzeCommand(fixture(SEED_SEC), { threshold: '2' }, env(c.stdout)), /--threshold: expected a number in \(0, 1\]/);
  const yaml = path.join(root, 'harness', 'catalogue', 'requirements.yaml');
  assert.throws(() => analyzeCommand(yaml, {}, env(c.stdout)), /this is a requirement catalogue, not CR text/);
  await assert.rejects(diffCommand(fixture(SEED_SEC), '/nonexistent/new.txt', {}, env(c.stdout)), new CrInputError('/nonexistent/new.txt: no such file'));
  await assert.rejects(diffCommand(fixture(SEED_SEC), fixture(SEED_SEC), { run: true }, env(c.stdout)), /--run: no suite runner/);
  assert.deepEqual(c.out, [], 'nothing is printed on bad input');

  const dir = mkdtempSync(path.join(tmpdir(), 'cr-bad-'));
  try {
    const bin = path.join(dir, 'x.txt');
    writeFileSync(bin, Buffer.from([0x43, 0x00, 0x52]));
    assert.throws(() => analyzeCommand(bin, {}, env(c.stdout)), /not a text file/);
    const badCat = path.join(dir, 'cat.yaml');
    writeFileSync(badCat, '- id: EVVM-AUTH-01\n  text: x\n');
    await assert.rejects(diffCommand(fixture(SEED_SEC), fixture(SEED_SEC), { catalogue: badCat }, env(c.stdout)), /cat\.yaml:1: entry 1 \(EVVM-AUTH-01\) field "keyword": missing/);
    await assert.rejects(diffCommand(badCat, fixture(SEED_SEC), {}, env(c.stdout)), (e: Error) => e instanceof CrInputError && !e.message.includes('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--fail-on parsing', () => {
  assert.deepEqual(parseFailOn(undefined, ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON), ['uncovered', 'weakened', 'inverted', 'dropped']);
  assert.deepEqual(parseFailOn('none', ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON), []);
  assert.deepEqual(parseFailOn(' Uncovered , lint-error,uncovered', ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON), ['uncovered', 'lint-error']);
  assert.throws(() => parseFailOn('none,uncovered', ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON), /cannot be combined/);
  assert.throws(() => parseFailOn(' , ', ANALYZE_FAIL_ON, DEFAULT_ANALYZE_FAIL_ON), /needs a value/);
});

/** A program like main.ts builds it, with cr registered. */
function program(): Command {
  const p = new Command('evvm-conformance').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerCrCommands(p);
  return p;
}

test('CLI: usage errors become UsageError (exit 2 in main.ts); results set process.exitCode', async () => {
  const saved = process.exitCode;
  const write = process.stdout.write.bind(process.stdout);
  try {
    await assert.rejects(program().parseAsync(['node', 'x', 'cr', 'analyze', '/nonexistent/cr.txt']), new UsageError('/nonexistent/cr.txt: no such file'));
    await assert.rejects(program().parseAsync(['node', 'x', 'cr', 'diff', fixture(SEED_SEC), '/nonexistent/b.txt']), new UsageError('/nonexistent/b.txt: no such file'));
    await assert.rejects(program().parseAsync(['node', 'x', 'cr', 'analyze', fixture(SEED_SEC), '--fail-on', 'bogus']), UsageError);
    let printed = '';
    process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
    process.exitCode = undefined;
    await program().parseAsync(['node', 'x', 'cr', 'diff', fixture(SEED_SEC), fixture('000_drop-auth-02.txt'), '--format', 'json']);
    process.stdout.write = write;
    assert.equal(process.exitCode, 1);
    assert.equal((JSON.parse(printed) as CrDiff).changes[0]?.kind, 'removed');
    process.exitCode = undefined;
    printed = '';
    process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
    await program().parseAsync(['node', 'x', 'cr', 'analyze', fixture(SEED_CPM), '--fail-on', 'none']);
    process.stdout.write = write;
    assert.equal(process.exitCode, 0);
    assert.match(printed, /CPM-MS-AUTH-05, CPM-MS-AUTH-06/);
  } finally {
    process.stdout.write = write;
    process.exitCode = saved;
  }
});
