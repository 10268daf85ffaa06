/**
 * certify and verify end to end, against a real implementation under test (the Message Storage Server
 * simulator started on its own, named by a profile as a vendor would): the bundle holds what a lab needs,
 * openssl verifies its signature, verify names any one-byte change, and a run whose mandatory requirements
 * could not be decided is refused unless --draft.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { cli } from '../cli/cli';
import { messageStorageIut, writeIutProfile } from '../external/helpers';
import { verifyBundle } from '../../harness/certify/bundle';
import { ArchiveError } from '../../harness/certify/archive';
import type { CertificationStatement } from '../../harness/certify/statement';

const ROOT = path.resolve(__dirname, '../../..');
const TAGS = '@CPM-MS-AUTH-02 or @CPM-MS-AUTH-05';

let dir: string;
let child: ChildProcess | undefined;
let profile: string;
let env: Record<string, string>;
/** every secret the profile holds, inline or in the environment */
let secrets: string[];
let certified: string;

const sh = (cmd: string, args: string[], cwd?: string): string => execFileSync(cmd, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under a folder, relative to it, with forward slashes. */
function filesIn(folder: string): string[] {
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; parentPath: string; name: string }>)
    .filter((d) => d.isFile())
    .map((d) => path.relative(folder, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

/** The bundle unpacked by the system's tar: an independent reader. */
async function unpack(bundle: string): Promise<string> {
  const to = await mkdtemp(path.join(dir, 'unpacked-'));
  sh('tar', ['-xzf', bundle, '-C', to]);
  return to;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-certify-'));
  const started = await messageStorageIut(dir, path.join(dir, 'acme.yaml'));
  child = started.child;
  const spec = started.spec;
  env = await writeIutProfile(spec);
  // alice's password inline, as a demo profile has it: the bundle's copy of the profile must not
  const doc = parse(await readFile(spec.file, 'utf8')) as { iut: { accounts: Array<Record<string, unknown>> } };
  const alice = doc.iut.accounts.find((a) => a.name === 'alice')!;
  delete alice.passwordEnv;
  alice.password = spec.accounts.find((a) => a.name === 'alice')!.password;
  await writeFile(spec.file, `# ACME Message Storage, certified in the lab\n${stringify(doc)}`);
  profile = spec.file;
  secrets = [...Object.values(env), alice.password as string];
  sh('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path.join(dir, 'lab.pem')]);
  sh('openssl', ['pkey', '-in', path.join(dir, 'lab.pem'), '-pubout', '-out', path.join(dir, 'lab.pub.pem')]);
});

after(async () => {
  child?.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('certify writes one signed bundle with the reports, evidence, the profile without secrets, the suite and tool versions and the IUT identity; openssl and verify accept it', async () => {
  certified = path.join(dir, 'certified');
  const r = await cli(['certify', '--profile', profile, '--out', certified, '--tags', TAGS], 180_000, env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const bundle = path.join(certified, 'certification.tar.gz');
  const pub = path.join(certified, 'certification.pub.pem');
  assert.match(r.stdout, /no --key: signed with a key made for this bundle and not kept; its public key is .*certification\.pub\.pem/);
  const files = await unpack(bundle);
  const names = filesIn(files);
  for (const f of ['conformance.json', 'conformance.html', 'junit.xml', 'messages.ndjson', 'profile.yaml', 'certification.json', 'manifest.json', 'manifest.sig', 'manifest.sha256']) assert.ok(names.includes(f), `${f} in ${names.join(', ')}`);
  assert.deepEqual(names.filter((n) => n.startsWith('evidence/')), filesIn(certified).filter((n) => n.startsWith('evidence/')), 'all the evidence');

  const statement = JSON.parse(await readFile(path.join(files, 'certification.json'), 'utf8')) as CertificationStatement;
  const features = filesIn(path.join(ROOT, 'features')).filter((f) => f.endsWith('.feature'));
  assert.deepEqual(Object.keys(statement.suite.features), features.map((f) => `features/${f}`));
  for (const [f, digest] of Object.entries(statement.suite.features)) assert.equal(digest, sha256(path.join(ROOT, f)), f);
  assert.deepEqual(statement.suite.catalogue, { 'harness/catalogue/requirements.yaml': sha256(path.join(ROOT, 'harness/catalogue/requirements.yaml')) });
  assert.equal(statement.tools.node, process.version);
  assert.match(statement.tools.harness, /^evvm-conformance \d+\.\d+\.\d+$/);
  assert.equal(statement.draft, false);
  assert.equal(statement.run.tags, TAGS);
  const { iut } = parse(readFileSync(profile, 'utf8')) as { iut: { ports: Record<string, number>; servername: string } };
  assert.deepEqual(statement.iut.declared, { role: 'message-storage', host: '127.0.0.1', servername: iut.servername, ports: iut.ports });
  assert.match(statement.iut.observed.greeting ?? '', /^\* OK\b/, JSON.stringify(statement.iut.observed));
  assert.ok((statement.iut.observed.certificates ?? []).some((c) => /^".+" issued by ".+", SHA-256 [0-9A-F:]{95}$/.test(c)), JSON.stringify(statement.iut.observed));
  // what it advertised, checked against its declaration once before the first scenario
  assert.deepEqual(statement.iut.observed.declaration?.findings, [], JSON.stringify(statement.iut.observed.declaration));
  assert.ok(statement.iut.observed.declaration?.observed.some((o) => o.what === 'CAPABILITY after STARTTLS'));

  const copy = await readFile(path.join(files, 'profile.yaml'), 'utf8');
  assert.match(copy, /^# ACME Message Storage, certified in the lab/, 'the profile as written, comments kept');
  assert.match(copy, /password: «redacted»/);
  assert.match(copy, /passwordEnv: IUT_BOB_PASSWORD/);
  for (const name of names) {
    const text = readFileSync(path.join(files, name)).toString('latin1');
    for (const secret of secrets) assert.ok(!text.includes(secret), `a profile secret is in ${name}`);
  }

  const verified = await cli(['verify', bundle, '--key', pub]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^verified: the signature is valid and every file is as signed$/m);
  assert.match(verified.stdout, /^certifies: message-storage at 127\.0\.0\.1, profile "iut-acme", verdict conformant/m);
  // openssl checks the detached signature of the manifest with the public key, on its own
  const ok = sh('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', path.join(files, 'manifest.json'), '-sigfile', path.join(files, 'manifest.sig')]);
  assert.match(ok, /Signature Verified Successfully/);
  assert.match(sh('sha256sum', ['-c', 'manifest.sha256'], files), /manifest\.json: OK/);
  const manifest = JSON.parse(await readFile(path.join(files, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
  assert.deepEqual(Object.keys(manifest.files).sort(), names.filter((n) => !n.startsWith('manifest.')).sort());
});

test('verify names the one file of the bundle that a one-byte change altered, and any file added or removed', async () => {
  const files = await unpack(path.join(certified, 'certification.tar.gz'));
  const key = createPublicKey(await readFile(path.join(certified, 'certification.pub.pem')));
  const names = filesIn(files);
  const repack = async (change: (tree: string) => Promise<void>): Promise<string> => {
    const tree = await mkdtemp(path.join(dir, 'tampered-'));
    await cp(files, tree, { recursive: true });
    await change(tree);
    const bundle = `${tree}.tar.gz`;
    sh('tar', ['-czf', bundle, '-C', tree, ...filesIn(tree)]);
    return bundle;
  };
  const expected = (name: string): string =>
    name === 'manifest.json' || name === 'manifest.sig' ? `altered: ${name} (the signature does not verify)` : `altered: ${name}`;
  for (const name of names) {
    const bundle = await repack(async (tree) => {
      const file = path.join(tree, name);
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      await writeFile(file, bytes);
    });
    const v = await verifyBundle(bundle, key);
    assert.deepEqual(v.findings, [expected(name)], name);
    assert.equal(v.intact, false);
  }
  const added = await verifyBundle(await repack((tree) => writeFile(path.join(tree, 'evidence', 'extra.json'), '{}\n')), key);
  assert.deepEqual(added.findings, ['added: evidence/extra.json']);
  const removed = await verifyBundle(await repack((tree) => rm(path.join(tree, 'junit.xml'))), key);
  assert.deepEqual(removed.findings, ['removed: junit.xml']);

  // through the CLI: exit 1 and the file named
  const evidence = names.find((n) => n.startsWith('evidence/'))!;
  const tampered = await repack(async (tree) => writeFile(path.join(tree, evidence), (await readFile(path.join(tree, evidence), 'utf8')).replace('"failed"', '"passed"').replace('"fail"', '"pass"') + ' '));
  const r = await cli(['verify', tampered, '--key', path.join(certified, 'certification.pub.pem')]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, new RegExp(`^altered: ${evidence.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.match(r.stdout, /^NOT VERIFIED: 1 finding\(s\)$/m);
  // a byte of the archive itself, wherever it is in the compressed data: the archive is named, nothing crashes
  const damaged = path.join(dir, 'damaged.tar.gz');
  const original = await readFile(path.join(certified, 'certification.tar.gz'));
  for (const at of [0.1, 0.3, 0.5, 0.7, 0.9, 0.99]) {
    const raw = Buffer.from(original);
    raw[Math.floor(raw.length * at)]! ^= 0x01;
    await writeFile(damaged, raw);
    await assert.rejects(verifyBundle(damaged, key), ArchiveError, `a byte at ${at}`);
  }
  const d = await cli(['verify', damaged]);
  assert.equal(d.code, 1, d.stdout + d.stderr);
  assert.match(d.stdout, /^damaged: .*damaged\.tar\.gz: not a readable \.tar\.gz/m);
});

test('with the implementation under test down, certify refuses (exit 1, no bundle); --draft writes one marked DRAFT, signed with the lab key', async () => {
  const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  child!.kill('SIGTERM');
  await exited;
  child = undefined;
  const refused = path.join(dir, 'refused');
  const r = await cli(['certify', '--profile', profile, '--out', refused, '--tags', TAGS, '--key', path.join(dir, 'lab.pem')], 180_000, env);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^certification refused: no bundle written \(--draft writes one marked DRAFT\)$/m);
  assert.match(r.stdout, /^ {2}CPM-MS-AUTH-02 inconclusive: .*unreachable \(ECONNREFUSED\)/m);
  assert.equal(existsSync(path.join(refused, 'certification.tar.gz')), false);
  assert.equal(existsSync(path.join(refused, 'certification.pub.pem')), false);
  assert.ok(existsSync(path.join(refused, 'conformance.json')), 'the report says why');

  const draft = path.join(dir, 'draft');
  const d = await cli(['certify', '--profile', profile, '--out', draft, '--tags', TAGS, '--key', path.join(dir, 'lab.pem'), '--draft'], 180_000, env);
  assert.equal(d.code, 2, `a draft of an inconclusive run exits as the run does\n${d.stdout}${d.stderr}`);
  assert.match(d.stdout, /^bundle: .*certification\.tar\.gz \(DRAFT\)/m);
  assert.equal(existsSync(path.join(draft, 'certification.pub.pem')), false, 'the lab has its own public key');
  const report = JSON.parse(await readFile(path.join(draft, 'conformance.json'), 'utf8')) as { run: { draft?: boolean } };
  assert.equal(report.run.draft, true);
  const page = await readFile(path.join(draft, 'conformance.html'), 'utf8');
  assert.match(page, /<title>DRAFT /);
  assert.ok([...page.matchAll(/<h2>(.*?)<\/h2>/g)].every((m) => m[1]!.startsWith('<span class="draft">DRAFT</span>')), 'DRAFT on every section header');
  const files = await unpack(path.join(draft, 'certification.tar.gz'));
  const statement = JSON.parse(await readFile(path.join(files, 'certification.json'), 'utf8')) as CertificationStatement;
  assert.equal(statement.draft, true);
  assert.ok(statement.refusal!.some((line) => line.startsWith('CPM-MS-AUTH-02 inconclusive: ')), statement.refusal!.join('\n'));
  assert.match(statement.iut.observed.reason ?? '', /no scenario of this run recorded what the Message Storage Server showed/);

  const lab = await cli(['verify', path.join(draft, 'certification.tar.gz'), '--key', path.join(dir, 'lab.pub.pem')]);
  assert.equal(lab.code, 0, lab.stdout);
  assert.match(lab.stdout, /verdict inconclusive.*, DRAFT$/m);
  assert.match(lab.stdout, /^verified: .* \(a DRAFT, not a certification\)$/m);
  const other = await cli(['verify', path.join(draft, 'certification.tar.gz'), '--key', path.join(certified, 'certification.pub.pem')]);
  assert.equal(other.code, 1, other.stdout);
  assert.match(other.stdout, /^signed by another key: the bundle names key [0-9a-f]{64}, --key is [0-9a-f]{64}$/m);
  const own = await cli(['verify', path.join(draft, 'certification.tar.gz')]);
  assert.equal(own.code, 0, own.stdout);
  assert.match(own.stdout, /\(the key the bundle names: this shows the files are as signed, not who signed them/);
});

test('certify and verify usage errors are one line, exit 2, before anything runs', async () => {
  const noProfile = await cli(['certify', '--out', path.join(dir, 'x')]);
  assert.equal(noProfile.code, 2);
  assert.match(noProfile.stderr, /required option '--profile <file>' not specified/);
  sh('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', path.join(dir, 'rsa.pem')]);
  const rsa = await cli(['certify', '--profile', 'profiles/default.yaml', '--out', path.join(dir, 'rsa'), '--key', path.join(dir, 'rsa.pem')]);
  assert.equal(rsa.code, 2, rsa.stdout + rsa.stderr);
  assert.match(rsa.stderr, /^evvm-conformance: --key .*rsa\.pem: an Ed25519 key is needed \(`openssl genpkey -algorithm ed25519`\), this is rsa\n$/);
  assert.equal(existsSync(path.join(dir, 'rsa')), false, 'nothing ran');
  const missing = await cli(['verify', path.join(dir, 'nothing.tar.gz')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nothing\.tar\.gz \(ENOENT\)/);
  const folder = await cli(['verify', dir]);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /cannot read .* \(not a regular file\)\n$/);
});
