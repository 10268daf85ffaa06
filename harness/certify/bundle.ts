/**
 * A certification bundle: one .tar.gz holding a run's reports and evidence, the profile without secrets,
 * certification.json (what was certified, by which suite and tools), and a manifest of every file's SHA-256
 * signed with Ed25519 (manifest.ts). `verifyBundle` checks one offline and names each file that was
 * altered, added or removed.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readArchive, writeArchive } from './archive';
import { keyFingerprint, MANIFEST, MANIFEST_DIGEST, parseManifest, sha256, SIGNATURE, signatureValid, signedManifest } from './manifest';
import type { CertificationStatement } from './statement';
import { BUNDLE } from './names';

export { BUNDLE, PUBLIC_KEY } from './names';
export const STATEMENT = 'certification.json';
export const PROFILE_COPY = 'profile.yaml';

/** The run's files that go into the bundle, as certify left them in its output folder. */
const REPORT_FILES = ['conformance.json', 'conformance.html', 'junit.xml', 'messages.ndjson'];
const EVIDENCE = 'evidence';

async function evidenceFiles(out: string): Promise<string[]> {
  const names = (await readdir(path.join(out, EVIDENCE), { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  return names.map((d) => path.relative(out, path.join(d.parentPath, d.name)).split(path.sep).join('/')).sort();
}

/**
 * Writes OUT/certification.tar.gz from the reports in OUT, the statement and the profile copy, signed with
 * `key`. Returns the number of files in the bundle.
 */
export async function writeBundle(out: string, statement: CertificationStatement, profileCopy: string, key: KeyObject): Promise<number> {
  const files = new Map<string, Buffer>();
  files.set(STATEMENT, Buffer.from(`${JSON.stringify(statement, null, 2)}\n`));
  files.set(PROFILE_COPY, Buffer.from(profileCopy));
  for (const name of [...REPORT_FILES, ...(await evidenceFiles(out))]) files.set(name, await readFile(path.join(out, ...name.split('/'))));
  const digests = Object.fromEntries([...files].map(([name, content]) => [name, sha256(content)]));
  const { manifest, signature, digest } = signedManifest(digests, key);
  const entries = [...files].map(([name, content]) => ({ name, content }));
  entries.push({ name: MANIFEST, content: manifest }, { name: SIGNATURE, content: signature }, { name: MANIFEST_DIGEST, content: digest });
  await writeArchive(path.join(out, BUNDLE), entries, new Date(statement.run.finishedAt));
  return entries.length;
}

export interface Verification {
  intact: boolean;
  /** one line per thing found wrong: `altered: NAME`, `added: NAME`, `removed: NAME`, or about the signature */
  findings: string[];
  /** the key the signature was checked with */
  key?: { fingerprint: string; from: 'given' | 'bundle' };
  files: number;
  /** certification.json, when the bundle is intact */
  statement?: CertificationStatement;
}

/**
 * Checks a bundle offline: the signature of the manifest with `given` (or, without it, the key the manifest
 * names, which shows the files are as signed but not who signed them), then every file against the
 * manifest. An altered manifest or signature is named from manifest.sha256.
 */
export async function verifyBundle(bundle: string, given?: KeyObject): Promise<Verification> {
  const contents = await readArchive(bundle, new Set([MANIFEST, SIGNATURE, MANIFEST_DIGEST, STATEMENT]));
  const findings = contents.problems.map((p) => `not a bundle file: ${p}`);
  const manifestBytes = contents.kept.get(MANIFEST);
  const signature = contents.kept.get(SIGNATURE);
  const digestFile = contents.kept.get(MANIFEST_DIGEST)?.toString('utf8');
  const files = contents.digests.size;
  if (!manifestBytes) return { intact: false, findings: [...findings, `removed: ${MANIFEST} (without it nothing can be verified)`], files };
  if (!signature) return { intact: false, findings: [...findings, `removed: ${SIGNATURE} (without it nothing can be verified)`], files };
  const manifest = parseManifest(manifestBytes);
  const manifestAsWritten = digestFile !== undefined && digestFile.split(/\s/)[0] === sha256(manifestBytes);
  let key = given;
  if (!key && manifest) {
    try {
      key = createPublicKey(manifest.signature.publicKey);
    } catch {
      key = undefined;
    }
  }
  const used = key ? { fingerprint: keyFingerprint(key), from: given ? ('given' as const) : ('bundle' as const) } : undefined;
  if (!key || !signatureValid(manifestBytes, signature, key)) {
    // the manifest is not authentic: its list of digests cannot be used to judge the other files
    if (digestFile === undefined) findings.push(`the signature does not verify: ${MANIFEST} or ${SIGNATURE} altered (and ${MANIFEST_DIGEST}, which would tell which, removed)`);
    else if (!manifestAsWritten) findings.push(`altered: ${MANIFEST} (the signature does not verify)`);
    else if (given && manifest && manifest.signature.publicKeySha256 !== used!.fingerprint) findings.push(`signed by another key: the bundle names key ${manifest.signature.publicKeySha256}, --key is ${used!.fingerprint}`);
    else findings.push(`altered: ${SIGNATURE} (the signature does not verify)`);
    return { intact: false, findings, ...(used ? { key: used } : {}), files };
  }
  const signed = manifest!.files;
  if (digestFile === undefined) findings.push(`removed: ${MANIFEST_DIGEST}`);
  else if (!manifestAsWritten) findings.push(`altered: ${MANIFEST_DIGEST}`);
  for (const [name, digest] of Object.entries(signed)) {
    const actual = contents.digests.get(name);
    if (actual === undefined) findings.push(`removed: ${name}`);
    else if (actual !== digest) findings.push(`altered: ${name}`);
  }
  for (const name of contents.digests.keys()) {
    if (!(name in signed) && name !== MANIFEST && name !== SIGNATURE && name !== MANIFEST_DIGEST) findings.push(`added: ${name}`);
  }
  const statementBytes = contents.kept.get(STATEMENT);
  const statement = findings.length === 0 && statementBytes ? (JSON.parse(statementBytes.toString('utf8')) as CertificationStatement) : undefined;
  return { intact: findings.length === 0, findings, key: used!, files, ...(statement ? { statement } : {}) };
}
