/**
 * Conditions carry their requirement (issue 13): every named condition under harness/conditions declares
 * catalogue requirement IDs, its name is unique, and every requirement the suite covers has at least one
 * condition, so grepping an ID finds its conditions beside its catalogue entry, scenarios and fault sites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadCatalogue } from '../../harness/catalogue';
import { scanFeatures } from '../../harness/catalogue/features';
import type { Condition } from '../../harness/conditions/condition';

const CONDITIONS = path.join(__dirname, '..', '..', 'harness', 'conditions');

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? modules(full) : f.endsWith('.js') ? [full] : [];
  });
}

const isCondition = (v: unknown): v is Condition<unknown[]> =>
  typeof v === 'object' && v !== null && typeof (v as Condition<unknown[]>).name === 'string' && Array.isArray((v as Condition<unknown[]>).requirements) && typeof (v as Condition<unknown[]>).judge === 'function';

// each condition once, with the first file that exports it (an index may re-export a folder's conditions)
const found = new Map<Condition<unknown[]>, string>();
for (const file of modules(CONDITIONS)) {
  for (const c of Object.values(require(file) as Record<string, unknown>).filter(isCondition)) if (!found.has(c)) found.set(c, path.relative(CONDITIONS, file));
}
const conditions = [...found].map(([c, file]) => ({ ...c, file }));

test('every condition names catalogue requirements, and only those', () => {
  const ids = new Set(loadCatalogue().map((r) => r.id));
  assert.ok(conditions.length > 0, 'no condition found');
  for (const c of conditions) {
    assert.ok(c.requirements.length > 0, `${c.name} (${c.file}) declares no requirement`);
    for (const id of c.requirements) assert.ok(ids.has(id), `${c.name} (${c.file}) names ${id}, which is not in the catalogue`);
  }
});

test('condition names are unique', () => {
  const seen = new Map<string, string>();
  for (const c of conditions) {
    const other = seen.get(c.name);
    assert.ok(!other || other === c.file, `${c.name} is defined in ${other} and ${c.file}`);
    seen.set(c.name, c.file);
  }
});

test('every requirement with scenarios has a condition that evidences it', () => {
  const covered = new Set(conditions.flatMap((c) => c.requirements));
  const tested = new Set(scanFeatures().flatMap((s) => s.requirementIds));
  const missing = [...tested].filter((id) => !covered.has(id));
  assert.deepEqual(missing, [], `requirements with scenarios but no condition: ${missing.join(', ')}`);
});
