/**
 * `certify --profile FILE --out DIR [--key PRIVATE.pem] [--draft] [--tags EXPR]`: runs the suite as `run`
 * does and writes DIR/certification.tar.gz, a signed bundle (harness/certify/bundle.ts), unless a mandatory
 * requirement failed or could not be decided: then it refuses (exit 1, no bundle), or with --draft writes
 * one marked DRAFT. `verify BUNDLE [--key PUB.pem]` checks a bundle offline and names what was altered.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { RunReport } from '../../report/model';
import { registerSecret, runSecrets } from '../../../evidence/secrets';
import { EXIT, UsageError } from '../usage';
import { executeRun, runStatus } from './run';

interface CertifyOptions {
  profile: string;
  out: string;
  key?: string;
  draft?: boolean;
  tags?: string;
}

/** The input reader (and the yaml package it loads), when a command of this file runs, not when the CLI starts. */
function input(): typeof import('../../input') {
  return require('../../input') as typeof import('../../input');
}

/** A key file read for --key: one line naming the file when it is not a usable Ed25519 key. */
function readKey(file: string, kind: 'private' | 'public'): KeyObject {
  const { INPUT_LIMITS, InputFileError, readInputFile } = input();
  let pem: string;
  try {
    pem = readInputFile(file, INPUT_LIMITS.pem);
  } catch (err) {
    if (err instanceof InputFileError) throw new UsageError(`--key: ${err.message}`);
    throw err;
  }
  if (kind === 'private') registerSecret(pem); // never in any report, whatever happens
  let key: KeyObject;
  try {
    // a public key, a certificate or a private key all give the public key to verify with
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (err) {
    throw new UsageError(`--key ${file}: not a usable ${kind} key in PEM (${(err as Error).message.split('\n')[0]})${kind === 'private' ? '; an unencrypted PKCS#8 key, e.g. from `openssl genpkey -algorithm ed25519`' : ''}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`--key ${file}: an Ed25519 key is needed (\`openssl genpkey -algorithm ed25519\`), this is ${key.asymmetricKeyType ?? 'not an asymmetric key'}`);
  return key;
}

/**
 * Why the run cannot be certified: each mandatory requirement (or optional one the profile declares) that
 * failed, was inconclusive or met an error (none of which the harness can stand behind), and each problem
 * of the suite itself.
 */
export function refusals(report: RunReport, problems: readonly string[]): string[] {
  const undecided = new Set(['fail', 'inconclusive', 'error']);
  // an optional requirement counts once it applies: the profile declares the capability
  const binding = new Set(['mandatory', 'optional']);
  return [
    ...report.requirements.filter((r) => binding.has(r.strength) && undecided.has(r.verdict)).map((r) => `${r.id} ${r.verdict}: ${r.reason}`),
    ...problems.map((p) => `suite problem: ${p}`),
  ];
}

async function certify(opts: CertifyOptions): Promise<number> {
  const signingKey = opts.key ? readKey(opts.key, 'private') : undefined;
  const outcome = await executeRun({ topology: 'embedded', profile: opts.profile, fault: [], out: opts.out, ...(opts.tags ? { tags: opts.tags } : {}) }, (report) => {
    if (opts.draft) report.run.draft = true;
  });
  const refused = refusals(outcome.report, outcome.problems);
  if (refused.length > 0 && !opts.draft) {
    process.stdout.write(`certification refused: no bundle written (--draft writes one marked DRAFT)\n${refused.map((r) => `  ${r}\n`).join('')}`);
    return EXIT.fail;
  }
  // loaded now: a refused run never needed them
  const { certificationStatement } = require('../../certify/statement') as typeof import('../../certify/statement');
  const { profileWithoutSecrets } = require('../../certify/profile-copy') as typeof import('../../certify/profile-copy');
  const { writeBundle, BUNDLE, PUBLIC_KEY } = require('../../certify/bundle') as typeof import('../../certify/bundle');
  const { keyFingerprint } = require('../../certify/manifest') as typeof import('../../certify/manifest');
  const { loadProfile } = require('../../profile/profile') as typeof import('../../profile/profile');
  const statement = certificationStatement(outcome.report, loadProfile(opts.profile), { draft: opts.draft === true, refusal: refused });
  const profileCopy = profileWithoutSecrets(input().readInputFile(opts.profile, input().INPUT_LIMITS.profile), runSecrets());
  const key = signingKey ?? generateKeyPairSync('ed25519').privateKey;
  const files = await writeBundle(outcome.out, statement, profileCopy, key);
  const shown = path.relative(process.cwd(), outcome.out) || '.';
  const fingerprint = keyFingerprint(createPublicKey(key));
  process.stdout.write(`bundle: ${shown}/${BUNDLE}${opts.draft ? ' (DRAFT)' : ''}: ${files} files, the manifest signed with Ed25519 key ${fingerprint}\n`);
  if (!signingKey) {
    await writeFile(path.join(outcome.out, PUBLIC_KEY), createPublicKey(key).export({ type: 'spki', format: 'pem' }));
    process.stdout.write(`no --key: signed with a key made for this bundle and not kept; its public key is ${shown}/${PUBLIC_KEY} (verify with --key ${shown}/${PUBLIC_KEY})\n`);
  }
  if (opts.draft) for (const r of refused) process.stdout.write(`draft: ${r}\n`);
  return opts.draft ? runStatus(outcome) : EXIT.ok;
}

async function verify(bundle: string, opts: { key?: string }): Promise<number> {
  // a regular file: reading a FIFO or a device would wait for ever
  let isFile: boolean;
  try {
    isFile = statSync(bundle).isFile();
  } catch (err) {
    throw new UsageError(`cannot read ${bundle} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!isFile) throw new UsageError(`cannot read ${bundle} (not a regular file)`);
  const key = opts.key ? readKey(opts.key, 'public') : undefined;
  const { verifyBundle } = require('../../certify/bundle') as typeof import('../../certify/bundle');
  const { ArchiveError } = require('../../certify/archive') as typeof import('../../certify/archive');
  let v: Awaited<ReturnType<typeof verifyBundle>>;
  try {
    v = await verifyBundle(bundle, key);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    process.stdout.write(`damaged: ${bundle}: ${err.message}\nNOT VERIFIED\n`);
    return EXIT.fail;
  }
  process.stdout.write(`bundle: ${bundle} (${v.files} files)\n`);
  if (v.key) process.stdout.write(`key: ${v.key.fingerprint} ${v.key.from === 'given' ? `(--key ${opts.key})` : '(the key the bundle names: this shows the files are as signed, not who signed them; give --key with the signer\'s public key)'}\n`);
  for (const f of v.findings) process.stdout.write(`${f}\n`);
  if (!v.intact) {
    process.stdout.write(`NOT VERIFIED: ${v.findings.length} finding(s)\n`);
    return EXIT.fail;
  }
  const s = v.statement;
  if (s) {
    const iut = 'role' in s.iut.declared ? `${s.iut.declared.role} at ${s.iut.declared.host}` : 'the suite\'s own simulators';
    process.stdout.write(`certifies: ${iut}, profile "${s.profile.name}", verdict ${s.run.verdict}, run ${s.run.id} of ${s.run.startedAt}${s.run.tags ? `, selection --tags '${s.run.tags}'` : ''}${s.draft ? ', DRAFT' : ''}\n`);
  }
  process.stdout.write(`verified: the signature is valid and every file is as signed${s?.draft ? ' (a DRAFT, not a certification)' : ''}\n`);
  return EXIT.ok;
}

export function registerCertifyCommands(program: Command, setStatus: (s: number) => void): void {
  program
    .command('certify')
    .description('run the suite against the profile and write a signed bundle (DIR/certification.tar.gz) of the results and evidence')
    .requiredOption('--profile <file>', 'the profile: policy, declared capabilities, the implementation under test (YAML)')
    .requiredOption('--out <dir>', 'output folder: the reports, the bundle, and its public key when no --key is given')
    .option('--key <private.pem>', 'the Ed25519 private key (PEM) the lab signs with; without it a key is made for this bundle and only its public key kept')
    .option('--draft', 'write the bundle even when a mandatory requirement failed or is inconclusive, marked DRAFT')
    .option('--tags <expr>', 'certify only the scenarios this cucumber tag expression selects (recorded in the bundle)')
    .action(async (opts: CertifyOptions) => {
      setStatus(await certify(opts));
    });
  program
    .command('verify')
    .description('check a certification bundle offline: its signature, and every file against the signed manifest')
    .argument('<bundle>', 'the certification.tar.gz')
    .option('--key <public.pem>', "the signer's Ed25519 public key (PEM); without it, the key the bundle names")
    .action(async (bundle: string, opts: { key?: string }) => {
      setStatus(await verify(bundle, opts));
    });
}
