import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CERTIFICATE_FLAWS, sharedTestPki, writePki, type PkiIndex, type TestPki } from '../../simulators/crypto/pki';

let pki: TestPki;
let dir: string;

before(async () => {
  pki = await sharedTestPki();
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-pki-write-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

test('with keys: every file is in index.json, keys are 0600 and match the credentials', async () => {
  const index = await writePki(pki, dir, { includeKeys: true });
  const onDisk = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as PkiIndex;
  assert.deepEqual(onDisk, index);
  assert.equal(index.keysIncluded, true);
  assert.deepEqual(await filesUnder(dir), [...index.files.map((f) => f.file), 'index.json'].sort());

  const read = (file: string): Promise<string> => readFile(path.join(dir, file), 'utf8');
  assert.equal(await read('ca.pem'), pki.trustAnchorPem);
  assert.equal(await read('intermediate.pem'), pki.intermediatePem);
  assert.equal(await read('chain.pem'), pki.intermediatePem + pki.rootPem);
  assert.equal(await read('crl.pem'), pki.crlPem);
  assert.equal(await read('untrusted-ca.pem'), pki.untrustedRootPem);

  const leaves = [...pki.leaves.keys()];
  assert.equal(index.files.filter((f) => f.kind === 'leaf-chain').length, leaves.length);
  assert.equal(index.files.filter((f) => f.kind === 'bad-leaf-key').length, leaves.length * CERTIFICATE_FLAWS.length);
  for (const name of leaves) {
    const credential = pki.leaf(name);
    assert.equal(await read(`${name}.crt`), credential.chainPem);
    assert.equal(await read(`${name}.key`), credential.keyPem);
    assert.equal((await stat(path.join(dir, `${name}.key`))).mode & 0o777, 0o600);
    const entry = index.files.find((f) => f.file === `${name}.crt`);
    assert.equal(entry?.fingerprint256, credential.fingerprint256);
  }
  const revoked = index.files.find((f) => f.file === 'bad/evvm-server.revoked.crt');
  assert.equal(revoked?.kind, 'bad-leaf-chain');
  assert.equal(revoked?.flaw, 'revoked');
  assert.equal(await read('bad/evvm-server.revoked.crt'), pki.bad('evvm-server', 'revoked').chainPem);
  assert.equal((await stat(path.join(dir, 'bad/evvm-server.revoked.key'))).mode & 0o777, 0o600);
});

test('without keys: no key file, not even one left from an earlier write', async () => {
  const index = await writePki(pki, dir, { includeKeys: false });
  assert.equal(index.keysIncluded, false);
  const files = await filesUnder(dir);
  assert.deepEqual(files.filter((f) => f.endsWith('.key')), []);
  assert.deepEqual(files, [...index.files.map((f) => f.file), 'index.json'].sort());
  assert.ok(index.files.every((f) => !f.kind.endsWith('key')));
  const all = (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('');
  assert.doesNotMatch(all, /PRIVATE KEY/);
});
