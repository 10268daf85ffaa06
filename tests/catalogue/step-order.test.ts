/**
 * Gherkin step order: in every scenario (its background included) the Givens come first, then the
 * Whens, then the Thens; a When after a Then hides a second scenario in the first. Checked on the
 * pickles cucumber runs, so an And takes the kind of the step it continues. Every clause's folder.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { findProjectRoot } from '../../harness/catalogue/index';

/** "file:line scenario" for each pickle with a When (Action) after a Then (Outcome). */
function whenAfterThen(file: string): string[] {
  const newId = IdGenerator.incrementing();
  const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(file, 'utf8'));
  return compile(doc, file, newId).flatMap((pickle) => {
    const kinds = pickle.steps.map((s) => s.type);
    const firstThen = kinds.indexOf('Outcome' as (typeof kinds)[number]);
    const late = firstThen < 0 ? undefined : pickle.steps.slice(firstThen).find((s) => s.type === 'Action');
    return late ? [`${path.basename(file)}: "${pickle.name}": When ${late.text}`] : [];
  });
}

test('no When after a Then', () => {
  const root = findProjectRoot(__dirname);
  const folders = readdirSync(path.join(root, 'features')).map((d) => path.join('features', d));
  assert.ok(folders.length > 0, 'no clause folder under features/');
  for (const folder of folders) {
    const files = readdirSync(path.join(root, folder)).filter((f) => f.endsWith('.feature'));
    assert.ok(files.length > 0, `no feature in ${folder}`);
    const found = files.flatMap((f) => whenAfterThen(path.join(root, folder, f)));
    assert.deepEqual(found, [], `\n${found.join('\n')}\n`);
  }
});
