import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { findProjectRoot, loadCatalogue } from '../../harness/catalogue/index';
import { coverage, parseFeature, scanFeatures } from '../../harness/catalogue/features';

const root = findProjectRoot(__dirname);
const fixture = (name: string): string => path.join(root, 'tests', 'catalogue', 'fixtures', name);

// THE coverage check: every requirement tag in features/ names a catalogue entry, every requirement
// tagged there has a @positive and a @negative scenario, and no tagged scenario lacks a polarity.
test('the real features/ folder is consistent with the catalogue (no coverage problems)', () => {
  const refs = scanFeatures(root);
  const { problems } = coverage(loadCatalogue(), refs);
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n`);
});

test('scan: outlines expand per Examples row; tags inherit from feature, rule and examples', () => {
  const refs = scanFeatures(fixture('clean'));
  assert.deepEqual(
    refs.map((r) => [r.uri, r.line, r.scenarioLine, r.name, r.polarity]),
    [
      ['features/sub/clean.feature', 9, 9, 'A plain positive scenario', 'positive'],
      ['features/sub/clean.feature', 19, 13, 'A negative outline for one', 'negative'],
      ['features/sub/clean.feature', 20, 13, 'A negative outline for two', 'negative'],
      ['features/sub/clean.feature', 25, 13, 'A negative outline for three', 'negative'],
      ['features/sub/clean.feature', 31, 31, 'Positive inside the rule', 'positive'],
      ['features/sub/clean.feature', 35, 35, 'Negative inside the rule', 'negative'],
    ],
  );
  assert.ok(refs.every((r) => r.feature === 'Clean fixture'));
  assert.deepEqual(refs[1]?.tags.slice().sort(), ['@EVVM-AUTH-01', '@feature-tag', '@negative', '@rows-a'].sort());
  assert.ok(refs[3]?.tags.includes('@rows-b'));
  assert.deepEqual(refs[5]?.requirementIds.slice().sort(), ['EVVM-AUTH-01', 'STD-02']);
  assert.ok(refs[5]?.tags.includes('@candidate'));

  const cov = coverage(loadCatalogue(), refs);
  assert.deepEqual(cov.problems, []);
  const auth01 = cov.requirements.find((c) => c.id === 'EVVM-AUTH-01');
  assert.equal(auth01?.positive.length, 2);
  assert.equal(auth01?.negative.length, 4);
  assert.ok(!cov.untested.includes('EVVM-AUTH-01'));
  assert.ok(!cov.untested.includes('STD-02'));
  assert.ok(cov.untested.includes('EVVM-AUTH-03'), 'no scenario at all: untested, not a problem');
  assert.equal(cov.requirements.length, loadCatalogue().length);
});

test('problem (a): requirement-looking tags that are not in the catalogue', () => {
  const { problems } = coverage(loadCatalogue(), scanFeatures(fixture('unknown-id')));
  assert.deepEqual(problems, [
    'features/unknown.feature:5: tag @EVVM-AUTH-99 names no requirement in the catalogue (1 scenario)',
    'features/unknown.feature:9: tag @evvm-auth-01 looks like a requirement ID but does not match the ID pattern (e.g. @EVVM-AUTH-01) (1 scenario)',
    'features/unknown.feature:13: tag @EVVM_AUTH_01 looks like a requirement ID but does not match the ID pattern (e.g. @EVVM-AUTH-01) (2 scenarios)',
  ]);
});

test('problem (b): requirement-tagged scenarios without exactly one polarity tag', () => {
  const { problems } = coverage(loadCatalogue(), scanFeatures(fixture('no-polarity')));
  assert.deepEqual(problems, [
    'features/no-polarity.feature:13: scenario "Neither polarity, 1" (@STD-03) has neither @positive nor @negative',
    'features/no-polarity.feature:22: scenario "Both polarities" (@STD-03) carries both @positive and @negative',
  ]);
});

test('problem (c): a covered requirement lacking a positive or a negative scenario', () => {
  const { problems } = coverage(loadCatalogue(), scanFeatures(fixture('missing-polarity')));
  assert.deepEqual(problems, [
    'EVVM-AUTH-03: covered (e.g. features/only-positive.feature:5) but no @negative scenario',
    'EVVM-AUTH-04: covered (e.g. features/only-positive.feature:9) but no @positive scenario',
  ]);
});

test('a Gherkin syntax error is one line naming the file and line', () => {
  assert.throws(
    () => scanFeatures(fixture('bad-syntax')),
    (e: Error) => /^features\/bad\.feature: Gherkin parse error: \(\d+:\d+\)/.test(e.message) && !e.message.includes('\n'),
  );
});

test('no features/ folder, or an empty file, gives no scenarios', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'evvm-features-'));
  try {
    assert.deepEqual(scanFeatures(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(parseFeature('', 'features/empty.feature'), []);
});
