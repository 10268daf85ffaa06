/**
 * The message storage features read as Given, When, Then: no action after an outcome in any scenario (an
 * outcome judged before a later action belongs to a scenario of its own, or after that action).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { findProjectRoot } from '../../harness/catalogue/index';

const root = findProjectRoot(__dirname);
const FEATURES = [
  ...readdirSync(path.join(root, 'features', 'message-storage')).map((f) => path.join('features', 'message-storage', f)),
  path.join('features', 'authentication', 'evvm-auth-05-message-storage.feature'),
];

test('no When after a Then in the message storage scenarios', () => {
  const found: string[] = [];
  for (const file of FEATURES) {
    const doc = new Parser(new AstBuilder(IdGenerator.uuid()), new GherkinClassicTokenMatcher()).parse(readFileSync(path.join(root, file), 'utf8'));
    for (const child of doc.feature?.children ?? []) {
      if (!child.scenario) continue;
      let outcome = false;
      for (const step of child.scenario.steps) {
        if (step.keywordType === 'Outcome') outcome = true;
        if (step.keywordType === 'Action' && outcome) found.push(`${file}:${step.location.line} ${step.keyword.trim()} ${step.text}`);
      }
    }
  }
  assert.deepEqual(found, []);
});
