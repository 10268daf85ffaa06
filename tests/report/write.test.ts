import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { escapeAttr, escapeText } from '../../harness/report/escape';
import { writeReports } from '../../harness/report';
import { unpackDetails } from '../../harness/report/html';
import { buildReport, SECRET, SECRET_HEX, tempDir } from './fixture';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('writeReports', () => {
  const { dir, cleanup } = tempDir();
  let written: string[];
  before(async () => {
    written = await writeReports(buildReport(), dir, [SECRET, SECRET_HEX, '', 'ab']);
  });
  after(cleanup);

  it('writes all three reports and the evidence', () => {
    const rel = written.map((p) => relative(dir, p)).sort();
    assert.ok(rel.includes('conformance.json'));
    assert.ok(rel.includes('junit.xml'));
    assert.ok(rel.includes('conformance.html'));
    assert.equal(rel.filter((p) => p.startsWith('evidence/')).length, 8);
    assert.deepEqual(walk(dir).map((p) => relative(dir, p)).sort(), rel, 'no temporary files left');
  });

  it('leaves no secret in any form in any file', () => {
    const forms = [SECRET, SECRET_HEX, JSON.stringify(SECRET).slice(1, -1), escapeText(SECRET), escapeAttr(SECRET), 'Tr0ub4dor'];
    for (const file of walk(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const f of forms) assert.ok(!text.includes(f), `${relative(dir, file)} holds a form of a secret`);
    }
    // the HTML's packed (compressed) details, which a search of the file cannot see
    const packed = Object.values(unpackDetails(readFileSync(join(dir, 'conformance.html'), 'utf8'))).join('\n');
    assert.ok(packed.includes('a1 LOGIN "alice" "«redacted»"'), 'the packed details hold the transcript');
    for (const f of forms) assert.ok(!packed.includes(f), 'the packed details hold a form of a secret');
    assert.ok(readFileSync(join(dir, 'conformance.json'), 'utf8').includes('«redacted»') ||
      walk(dir).some((f) => readFileSync(f, 'utf8').includes('«redacted»')));
  });

  it('keeps the files valid after scrubbing', () => {
    JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8'));
    for (const f of walk(join(dir, 'evidence'))) JSON.parse(readFileSync(f, 'utf8'));
    execFileSync('python3', ['-c', 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])', join(dir, 'junit.xml')]);
    const evidence = walk(join(dir, 'evidence')).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.ok(evidence.includes('a1 LOGIN \\"alice\\" \\"«redacted»\\"'), 'the transcript line is kept, the password redacted');
  });

  it('throws rather than leave a secret it cannot scrub (one that names a report file)', async () => {
    const t = tempDir();
    try {
      await assert.rejects(writeReports(buildReport(), t.dir, ['conformance']), /secret survived scrubbing in conformance\.json/);
    } finally {
      t.cleanup();
    }
  });
});
