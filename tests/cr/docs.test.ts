/**
 * docs/spec-authors.md shows `cr analyze` on seed 000: everything but the scenario lists (which grow with
 * the suite) must be what the tool prints, so the example cannot drift from the tool again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../cli/cli';
import { fixture, root, SEED_SEC } from './helpers';

const COMMAND = '$ npx evvm-conformance cr analyze ../shared/seeds/000_f109c382ee08737c.txt';

/** The lines that do not depend on the feature files: no "covered by" line and none of its scenario lines. */
function stable(lines: readonly string[]): string[] {
  return lines.filter((l) => !/^\s+(covered by \d+ scenarios|[+-] features\/|… and \d+ more)/.test(l));
}

test("the seed-000 example in docs/spec-authors.md is what cr analyze prints", async () => {
  const doc = readFileSync(path.join(root, 'docs', 'spec-authors.md'), 'utf8').split('\n');
  const start = doc.indexOf(`    ${COMMAND}`);
  assert.ok(start >= 0, 'the example is in the doc');
  const end = doc.findIndex((l, i) => i > start && /^    exit \d/.test(l));
  const shown = doc.slice(start + 1, end + 1).map((l) => l.replace(/^ {4}/, ''));
  const r = await cli(['cr', 'analyze', fixture(SEED_SEC)]);
  assert.equal(r.code, 0, r.stderr);
  const printed = r.stdout.replaceAll(fixture(SEED_SEC), '../shared/seeds/000_f109c382ee08737c.txt').trimEnd().split('\n');
  assert.deepEqual(stable(shown), stable(printed));
});
