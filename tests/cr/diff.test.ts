import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { diffCr, type DiffInput, type SuiteRunner, withRun } from '../../harness/cr/diff';
import type { CrDiff } from '../../harness/cr/model';
import type { RequirementResult, RunReport } from '../../harness/report/model';
import { catalogue, ctx, read, root, SEED_CPM, SEED_SEC, SEED_SEC_MD } from './helpers';

const input = (name: string): DiffInput => ({ file: name, text: read(name) });
const diff = (oldName: string, newName: string, failOn?: Parameters<typeof diffCr>[3]): CrDiff =>
  diffCr(input(oldName), input(newName), ctx, failOn ?? {});

/** [kind, ids, old keyword, new keyword] per change. */
const changes = (d: CrDiff): Array<[string, string[], string | undefined, string | undefined]> =>
  d.changes.map((c) => [c.kind, c.ids, c.old?.keyword, c.new?.keyword]);

test('variant with one statement dropped: exactly one removed statement (EVVM-AUTH-02), exit 1', () => {
  const d = diff(SEED_SEC, '000_drop-auth-02.txt');
  assert.deepEqual(changes(d), [['removed', ['EVVM-AUTH-02'], 'SHALL', undefined]]);
  assert.equal(d.changes[0]?.old?.text, 'Once one of his/her identifiers is authenticated, all the other associated identifiers SHALL be considered as authenticated.');
  assert.equal(d.changes[0]?.old?.line, 34);
  assert.equal(d.unchanged, 10);
  assert.deepEqual(d.exit, { status: 1, failOn: ['removed', 'weakened', 'inverted', 'uncovered', 'run-failed'], reasons: ['removed: EVVM-AUTH-02'] });
  // The scenarios to re-run: those of EVVM-AUTH-02 in the (fixed) feature index.
  assert.deepEqual(d.rerun, {
    ids: ['EVVM-AUTH-02'],
    tags: '@EVVM-AUTH-02',
    scenarios: ctx.index.forIds(['EVVM-AUTH-02']),
  });
  assert.equal(d.rerun.scenarios.length, 2);
});

test('variant with a SHALL weakened to SHOULD: exactly one weakened statement (EVVM-AUTH-08), exit 1', () => {
  const d = diff(SEED_SEC, '000_auth-08-shall-to-should.txt');
  assert.deepEqual(changes(d), [['weakened', ['EVVM-AUTH-08'], 'SHALL', 'SHOULD']]);
  assert.deepEqual([d.changes[0]?.old?.line, d.changes[0]?.new?.line, d.changes[0]?.similarity], [48, 48, 1]);
  assert.deepEqual(d.exit.reasons, ['weakened: EVVM-AUTH-08 (SHALL -> SHOULD)', 'uncovered: EVVM-AUTH-08 (SHALL -> SHOULD) has no scenario']);
  assert.equal(d.exit.status, 1);
  assert.deepEqual(d.rerun, { ids: ['EVVM-AUTH-08'], tags: '', scenarios: [] }, 'EVVM-AUTH-08 has no scenario yet');
});

test('variant with a SHOULD turned into SHALL: one strengthened statement (EVVM-AUTH-07); not a failure unless asked', () => {
  const d = diff(SEED_SEC, '000_auth-07-should-to-shall.txt');
  assert.deepEqual(changes(d), [['strengthened', ['EVVM-AUTH-07'], 'SHOULD', 'SHALL']]);
  // the fixed feature index has no EVVM-AUTH-07 scenario: only that fails the default
  assert.deepEqual(d.exit.reasons, ['uncovered: EVVM-AUTH-07 (SHOULD -> SHALL) has no scenario']);
  const strict = diff(SEED_SEC, '000_auth-07-should-to-shall.txt', { failOn: ['strengthened'] });
  assert.deepEqual(strict.exit, { status: 1, failOn: ['strengthened'], reasons: ['strengthened: EVVM-AUTH-07 (SHOULD -> SHALL)'] });
  // Back again is a weakening.
  assert.deepEqual(changes(diff('000_auth-07-should-to-shall.txt', SEED_SEC)), [['weakened', ['EVVM-AUTH-07'], 'SHALL', 'SHOULD']]);
});

test('variant with a new uncovered SHALL: one added statement matching no requirement, exit 1 by default as in analyze', () => {
  const d = diff(SEED_SEC, '000_new-uncovered-shall.txt');
  assert.deepEqual(changes(d), [['added', [], undefined, 'SHALL']]);
  assert.equal(d.changes[0]?.new?.text, 'The EVVM Server SHALL lock the voicemail box after five consecutive failed login attempts.');
  assert.deepEqual(d.changes[0]?.scenarios, []);
  assert.deepEqual([d.exit.status, d.exit.reasons], [1, ['uncovered: new text (line 38) has no scenario']], 'a SHALL nothing tests fails the default');
  assert.deepEqual(diff(SEED_SEC, '000_new-uncovered-shall.txt', { failOn: ['removed', 'weakened', 'inverted'] }).exit.status, 0, 'an addition as such is not a failure');
  assert.deepEqual(diff(SEED_SEC, '000_new-uncovered-shall.txt', { failOn: ['added'] }).exit.reasons, ['added: new text (line 38)']);
});

test('a statement of fact made MAY ("ensures" -> "MAY ensure") is weakened, exit 1; made SHALL it is strengthened', () => {
  const seed = read(SEED_SEC);
  const fact = 'The EVVM Enabler ensures the security of EVVM voicemail contents';
  assert.ok(seed.includes(fact));
  const may = diffCr(input(SEED_SEC), { file: 'may.txt', text: seed.replace(fact, 'The EVVM Enabler MAY ensure the security of EVVM voicemail contents') }, ctx);
  assert.deepEqual(changes(may), [['weakened', ['EVVM-CONT-00'], '', 'MAY']]);
  assert.equal(may.exit.status, 1);
  assert.equal(may.exit.reasons[0], 'weakened: EVVM-CONT-00 (no keyword -> MAY)');
  const should = diffCr(input(SEED_SEC), { file: 'should.txt', text: seed.replace(fact, 'The EVVM Enabler SHOULD ensure the security of EVVM voicemail contents') }, ctx);
  assert.deepEqual(changes(should), [['weakened', ['EVVM-CONT-00'], '', 'SHOULD']]);
  const shall = diffCr(input(SEED_SEC), { file: 'shall.txt', text: seed.replace(fact, 'The EVVM Enabler SHALL ensure the security of EVVM voicemail contents') }, ctx);
  assert.deepEqual(changes(shall), [['strengthened', ['EVVM-CONT-00'], '', 'SHALL']]);
  // the catalogue's own "informative" entry is a statement of fact too
  const yaml = readFileSync(path.join(root, 'harness', 'catalogue', 'requirements.yaml'), 'utf8');
  const entry = /- id: EVVM-CONT-00\n  keyword: informative\n  strength: informative/;
  assert.match(yaml, entry);
  const cat = diffCr({ file: 'old.yaml', text: yaml }, { file: 'new.yaml', text: yaml.replace(entry, '- id: EVVM-CONT-00\n  keyword: may\n  strength: optional') }, ctx);
  assert.deepEqual(changes(cat), [['weakened', ['EVVM-CONT-00'], 'informative', 'may']]);
});

test('plain text vs its Markdown rendering: no change at all', () => {
  const d = diff(SEED_SEC, SEED_SEC_MD);
  assert.deepEqual(d.changes, []);
  assert.equal(d.unchanged, 11);
  assert.equal(d.exit.status, 0);
});

test('two unrelated CRs: everything removed and added', () => {
  const d = diff(SEED_SEC, SEED_CPM);
  assert.deepEqual(d.summary, { added: 5, removed: 11, strengthened: 0, weakened: 0, inverted: 0, reworded: 0, moved: 0 });
});

test('a statement moved to another subsection is "moved"; a SHALL turned into SHALL NOT is "inverted"', () => {
  const seed = read(SEED_SEC);
  const sentence = 'The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF].\n';
  const moved = seed.replace(sentence, '') + '\n' + sentence;
  const d = diffCr(input(SEED_SEC), { file: 'moved.txt', text: moved }, ctx);
  assert.deepEqual(
    d.changes.map((c) => [c.kind, c.ids, c.old?.clause, c.new?.clause]),
    [['moved', ['EVVM-AUTH-03', 'EVVM-AUTH-04'], '§6.4 Security Considerations, Authentication', '§6.4 Security Considerations, Security of Voice Mail Contents']],
  );
  assert.equal(d.exit.status, 0);

  const inverted = seed.replace('The EVVM Client SHALL authenticate', 'The EVVM Client SHALL NOT authenticate');
  const i = diffCr(input(SEED_SEC), { file: 'inverted.txt', text: inverted }, ctx);
  assert.deepEqual(changes(i), [['inverted', ['EVVM-AUTH-03', 'EVVM-AUTH-04'], 'SHALL', 'SHALL NOT']]);
  assert.deepEqual(i.exit.reasons, ['inverted: EVVM-AUTH-03, EVVM-AUTH-04 (SHALL -> SHALL NOT)']);
});

test('catalogue vs catalogue: paired by ID; a keyword weakened and an entry removed', () => {
  const yaml = readFileSync(path.join(root, 'harness', 'catalogue', 'requirements.yaml'), 'utf8');
  const block = (text: string, id: string, next: string): [number, number] => [text.indexOf(`- id: ${id}\n`), text.indexOf(`- id: ${next}\n`)];
  const [a, b] = block(yaml, 'EVVM-AUTH-02', 'EVVM-AUTH-03');
  const weakened = yaml.slice(a, b).replace('keyword: SHALL\n  strength: mandatory', 'keyword: SHOULD\n  strength: recommended');
  let edited = yaml.slice(0, a) + weakened + yaml.slice(b);
  const [c, e] = block(edited, 'EVVM-AUTH-07', 'EVVM-AUTH-08');
  edited = edited.slice(0, c) + edited.slice(e);
  assert.ok(c > 0 && edited.length < yaml.length);

  const d = diffCr({ file: 'old.yaml', text: yaml }, { file: 'new.yaml', text: edited }, ctx);
  assert.deepEqual(d.old.source, 'catalogue');
  assert.deepEqual(changes(d), [
    ['weakened', ['EVVM-AUTH-02'], 'SHALL', 'SHOULD'],
    ['removed', ['EVVM-AUTH-07'], 'SHOULD', undefined],
  ]);
  assert.equal(d.unchanged, catalogue.length - 2);
  assert.deepEqual(d.rerun.ids, ['EVVM-AUTH-02', 'EVVM-AUTH-07']);
  assert.equal(d.rerun.tags, '@EVVM-AUTH-02', 'only covered requirements are re-run');
  assert.deepEqual(d.exit.reasons, ['removed: EVVM-AUTH-07', 'weakened: EVVM-AUTH-02 (SHALL -> SHOULD)']);
});

test('catalogue vs CR: only the clauses the CR rewrites are compared; the seeds match the catalogue', () => {
  const yaml = { file: 'requirements.yaml', text: readFileSync(path.join(root, 'harness', 'catalogue', 'requirements.yaml'), 'utf8') };
  const sec = diffCr(yaml, input(SEED_SEC), ctx);
  assert.deepEqual(sec.changes, []);
  assert.equal(sec.old.statements, 13, 'EVVM-AUTH-01..08 and EVVM-CONT-00..04');
  assert.equal(sec.notCompared, catalogue.length - 13);
  const cpm = diffCr(input(SEED_CPM), yaml, ctx);
  assert.deepEqual([cpm.changes, cpm.new.statements], [[], 6]);
  const weak = diffCr(yaml, input('000_auth-08-shall-to-should.txt'), ctx);
  assert.deepEqual(changes(weak), [['weakened', ['EVVM-AUTH-08'], 'SHALL', 'SHOULD']]);
});

function result(id: string, verdict: RequirementResult['verdict']): RequirementResult {
  const req = catalogue.find((r) => r.id === id);
  assert.ok(req);
  return { id, keyword: req.keyword, strength: req.strength, title: req.title, text: req.text, source: req.source, candidate: req.candidate, verdict, reason: `${verdict} for the test`, scenarios: [] };
}

function stubRunner(verdicts: Record<string, RequirementResult['verdict']>, calls: unknown[]): SuiteRunner {
  return async (options) => {
    calls.push(options);
    const report: RunReport = {
      schemaVersion: 1,
      harness: { name: 'evvm-conformance', version: 'test' },
      run: { id: 'r', startedAt: '', finishedAt: '', topology: 'embedded', profile: 'p', faults: [], tags: options.tags },
      summary: { requirements: 2, pass: 0, fail: 0, warning: 0, inconclusive: 0, notApplicable: 0, waived: 0, error: 0, untested: 0, verdict: 'conformant' },
      requirements: [...Object.entries(verdicts).map(([id, v]) => result(id, v)), result('STD-02', 'pass')],
    };
    return { report, problems: [] };
  };
}

test('--run: the affected requirements are run by tag, and a failing one fails the diff', async () => {
  const calls: unknown[] = [];
  const base = diff(SEED_SEC, '000_drop-auth-02.txt', { failOn: ['run-failed'] });
  assert.equal(base.exit.status, 0);
  const passed = await withRun(base, stubRunner({ 'EVVM-AUTH-02': 'pass' }, calls), ['run-failed']);
  assert.deepEqual(calls, [{ tags: '@EVVM-AUTH-02', faults: [], topology: 'embedded', progress: false }]);
  assert.deepEqual(passed.run, {
    tags: '@EVVM-AUTH-02',
    verdict: 'conformant',
    requirements: [{ id: 'EVVM-AUTH-02', verdict: 'pass', scenarios: 0, reason: 'pass for the test' }],
    problems: [],
  });
  assert.equal(passed.exit.status, 0);
  const failed = await withRun(base, stubRunner({ 'EVVM-AUTH-02': 'fail' }, calls), ['run-failed']);
  assert.deepEqual(failed.exit.reasons, ['run-failed: EVVM-AUTH-02 fail']);
  // Nothing covered, nothing run.
  const none = diff(SEED_SEC, '000_auth-08-shall-to-should.txt');
  assert.equal(await withRun(none, stubRunner({}, calls), ['run-failed']), none);
  assert.equal(calls.length, 2);
});

test('the SHALL NOT half of a SHALL + SHALL NOT sentence weakened to MAY NOT is seen (the sentence is two statements)', () => {
  const seed = read(SEED_SEC);
  const anchor = 'The EVVM Client SHALL authenticate the EVVM Server and vice versa according to [OMA SEC CF].';
  const both = (no: string): string => seed.replace(anchor, `${anchor} The EVVM Server SHALL accept a client certificate issued by the operator CA and ${no} accept a client certificate from any other CA.`);
  const d = diffCr({ file: 'old.txt', text: both('SHALL NOT') }, { file: 'new.txt', text: both('MAY NOT') }, ctx);
  assert.deepEqual(
    d.changes.map((c) => [c.kind, c.old?.keyword, c.new?.keyword, c.new?.text]),
    [['weakened', 'SHALL NOT', 'MAY NOT', 'The EVVM Server MAY NOT accept a client certificate from any other CA.']],
  );
  assert.equal(d.exit.status, 1);
  assert.equal(d.unchanged, 12);
});
