/**
 * The parsed catalogue and features kept on disk (harness/catalogue/derived.ts): read back while
 * nothing they come from changed, derived again when anything did, never kept when deriving failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { derived } from '../../harness/catalogue/derived';

test('a derivation runs once per set of inputs and code, again when either changes, and a failure is not kept', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-derived-'));
  const kind = `test-${process.pid}`;
  try {
    const code = path.join(dir, 'code.js');
    await writeFile(code, 'one');
    let runs = 0;
    const derive = (text: string) => () => {
      runs++;
      return { parsed: text.toUpperCase() };
    };
    assert.deepEqual(derived(kind, [code], ['a'], derive('a')), { parsed: 'A' });
    assert.deepEqual(derived(kind, [code], ['a'], derive('a')), { parsed: 'A' });
    assert.equal(runs, 1, 'the second call read what the first derived');
    assert.deepEqual(derived(kind, [code], ['b'], derive('b')), { parsed: 'B' });
    assert.equal(runs, 2, 'a changed input is derived again');
    await writeFile(code, 'two');
    derived(kind, [code], ['b'], derive('b'));
    assert.equal(runs, 3, 'changed code derives again');
    const broken = (): never => {
      runs++;
      throw new Error('line 3: not a requirement');
    };
    assert.throws(() => derived(kind, [code], ['c'], broken), /line 3/);
    assert.throws(() => derived(kind, [code], ['c'], broken), /line 3/);
    assert.equal(runs, 5, 'a failure is reported every time');
  } finally {
    await rm(dir, { recursive: true, force: true });
    const cache = path.resolve(__dirname, '../../.cache'); // dist/.cache, where derived.ts keeps its files
    for (const f of await readdir(cache)) if (f.startsWith(`${kind}-`)) await rm(path.join(cache, f), { force: true });
  }
});
