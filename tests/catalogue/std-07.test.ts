import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../cli/cli';

// STD-07's faults are marked at their sites like every other fault: tests/catalogue/fault-sites.test.ts.

test('the RFC 2246 reference of CPM-MS-AUTH-05 and -06 is flagged, not obeyed, in the requirements output', async () => {
  const r = await cli(['requirements', '--json']);
  const rows = (JSON.parse(r.stdout) as { requirements: Array<{ id: string; flagged?: string }> }).requirements;
  for (const id of ['CPM-MS-AUTH-05', 'CPM-MS-AUTH-06']) assert.match(rows.find((q) => q.id === id)?.flagged ?? '', /\[RFC2246\].*flagged, not obeyed.*STD-07/, id);
  const text = await cli(['requirements']);
  assert.match(text.stdout, /CPM-MS-AUTH-05[^\n]*\n\s+flagged: \[RFC2246\] \(TLS 1\.0\) is flagged, not obeyed/);
});
