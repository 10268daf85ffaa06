import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot, loadCatalogue } from '../../harness/catalogue/index';
import { cli } from '../cli/cli';

const root = findProjectRoot(__dirname);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

// STD-07 (RFC 8996): every fault that violates it is marked where it acts, so a reader gets from the ID to the code by grep.
test('every STD-07 fault is marked at its site in the simulators', () => {
  const std07 = loadCatalogue().find((r) => r.id === 'STD-07');
  assert.ok(std07, 'STD-07 is in the catalogue');
  assert.ok(std07.faults.length >= 11, `${std07.faults.length} faults`);
  const code = sources(path.join(root, 'simulators')).map((f) => readFileSync(f, 'utf8')).join('\n');
  for (const f of std07.faults) assert.ok(code.includes(`// FAULT ${f} (STD-07)`), `no "// FAULT ${f} (STD-07)" in simulators/`);
});

test('the RFC 2246 reference of CPM-MS-AUTH-05 and -06 is flagged, not obeyed, in the requirements output', async () => {
  const r = await cli(['requirements', '--json']);
  const rows = (JSON.parse(r.stdout) as { requirements: Array<{ id: string; flagged?: string }> }).requirements;
  for (const id of ['CPM-MS-AUTH-05', 'CPM-MS-AUTH-06']) assert.match(rows.find((q) => q.id === id)?.flagged ?? '', /\[RFC2246\].*flagged, not obeyed.*STD-07/, id);
  const text = await cli(['requirements']);
  assert.match(text.stdout, /CPM-MS-AUTH-05[^\n]*\n\s+flagged: \[RFC2246\] \(TLS 1\.0\) is flagged, not obeyed/);
});
