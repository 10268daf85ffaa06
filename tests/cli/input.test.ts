/**
 * Files a person names (a profile, a config, a baseline, what a profile names) and YAML texts: a device,
 * a FIFO or a hostile document gets one line, at once, never a hang, an abort or a constructed object.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProfile, parseProfile, ProfileError } from '../../harness/profile/profile';
import { INPUT_LIMITS, parseYaml, readInputFile, YamlError } from '../../harness/input';
import { readJsonReport } from '../../harness/report';
import { cli } from './cli';

let dir: string;
let fifo: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'input-'));
  fifo = path.join(dir, 'profile.yaml');
  execFileSync('mkfifo', [fifo]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (pattern: RegExp) => (e: Error) => e instanceof ProfileError && pattern.test(e.message) && !e.message.includes('\n');

describe('files the CLI or a profile names', () => {
  for (const [what, file, pattern] of [
    ['/dev/zero', () => '/dev/zero', /cannot read \/dev\/zero \(a character device, not a regular file\)/],
    ['/dev/urandom', () => '/dev/urandom', /cannot read \/dev\/urandom \(a character device, not a regular file\)/],
    ['a FIFO', () => fifo, /\(a FIFO, not a regular file\)/],
    ['a directory', () => dir, /\(a directory, not a regular file\)/],
  ] as const) {
    it(`a profile that is ${what} is refused at once`, () => assert.throws(() => loadProfile(file()), oneLine(pattern)));
  }

  it('a file over the limit is refused without reading it', () => {
    const big = path.join(dir, 'big.pem');
    writeFileSync(big, 'x'.repeat(1001));
    assert.throws(() => readInputFile(big, 1000), /cannot read .*big\.pem \(1001 bytes, the limit is 1000\)/);
    assert.equal(readInputFile(big, 1001).length, 1001);
  });

  it('a baseline that is a FIFO is refused, not waited on', async () => {
    await assert.rejects(readJsonReport(fifo), /\(a FIFO, not a regular file\)/);
  });

  it('run --profile /dev/zero is a usage error (exit 2, one line), not an abort', async () => {
    const r = await cli(['run', '--profile', '/dev/zero', '--out', path.join(dir, 'out')], 20_000);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /a character device, not a regular file/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('run --profile naming a FIFO is a usage error, not a hang', async () => {
    const r = await cli(['run', '--profile', fifo, '--out', path.join(dir, 'out')], 20_000);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /a FIFO, not a regular file/);
  });
});

describe('profiles with many keys', () => {
  const keys = (n: number): string => 'name: x\n' + Array.from({ length: n }, (_, i) => `k${i}: ${i}\n`).join('');

  it('a 100,000-key profile file is refused by its size, before any parsing, with one line', () => {
    const file = path.join(dir, 'keys.yaml');
    writeFileSync(file, keys(100_000));
    assert.throws(() => loadProfile(file), oneLine(new RegExp(`the limit is ${INPUT_LIMITS.profile}`)));
  });

  it('the worst profile under the limit (all unknown keys) still answers quickly', () => {
    const text = keys(5000);
    assert.ok(Buffer.byteLength(text) < INPUT_LIMITS.profile);
    const start = performance.now();
    assert.throws(() => parseProfile(text), ProfileError);
    const ms = performance.now() - start;
    // a hang guard, not a benchmark (about 0.1 s idle; the quadratic parse took minutes)
    assert.ok(ms < 20_000, `took ${ms.toFixed(0)} ms`);
  });

  it('unknown keys are named up to a few, then counted', () => {
    assert.throws(() => parseProfile(keys(5000), 'p.yaml'), oneLine(/^p\.yaml: \(top level\): Unrecognized keys: "k0", "k1", "k2", "k3", "k4" … and 4,995 more unknown keys$/));
  });

  it('a duplicate key is one line with its position', () => {
    assert.throws(() => parseProfile('name: a\nname: b\n', 'p.yaml'), oneLine(/^p\.yaml: not valid YAML \(Map keys must be unique: name at line 2, column 1\)$/));
  });

  it('a collection as a map key is one line, not a warning on stderr (fuzz seed 129948521)', () => {
    for (const text of ['name: a\n? { transports: [implicit-tls, starttls] }\n: x\n', 'name: a\n[a, b]: 1\n']) {
      assert.throws(() => parseProfile(text, 'p.yaml'), oneLine(/^p\.yaml: not valid YAML \(a map key must be a plain value, not a collection or an alias/));
    }
  });
});

describe('YAML tags', () => {
  for (const text of ['name: !!js/function "x"\n', 'name: !!js/regexp /x/\n', 'name: !!binary aGVsbG8=\n', 'name: !custom x\n', 'name: !!set { a }\n']) {
    it(`refuses ${JSON.stringify(text.trim())}`, () => {
      assert.throws(() => parseProfile(text, 'p.yaml'), oneLine(/^p\.yaml: not valid YAML \(Unresolved tag: .* at line 1, column 7\)$/));
    });
  }

  it('plain data, aliases and !!str still read', () => {
    assert.deepEqual(parseYaml('a: &x [1, 2]\nb: *x\nc: !!str 5\n'), { a: [1, 2], b: [1, 2], c: '5' });
  });

  it('an alias bomb is refused', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n' + Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]\n`).join('');
    assert.throws(() => parseYaml(bomb), (e: Error) => e instanceof YamlError && /Excessive alias count/.test(e.message) && !e.message.includes('\n'));
  });
});
