/**
 * Benchmark: protecting a 1 MB voicemail (sign, then encrypt) and checking it (decrypt, then verify:
 * digest, signature, chain, CRLs, key usage, identity, signed headers), in process with
 * simulators/crypto/cms and the EVVM Client's content module, side by side with the `openssl cms`
 * command line doing the same in the same run (two processes piped, start-up included).
 * Prints medians and 90th percentiles; timing never decides a test.
 *
 *   npm run bench:cms [-- --iterations 20 --size 1048576]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedTestPki, writePki } from '../simulators/crypto/pki';
import { smimePkiFor } from '../simulators/crypto/pki/smime';
import { buildVoicemail, certificatesFromPem, crlsFromPem, DEFAULT_CONTENT_POLICY, loadKey, protectVoicemail, splitMessage, type AlgorithmSuite } from '../simulators/crypto/cms';
import { openVoicemail } from '../simulators/evvm-client/content';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `first | second` as two openssl processes; resolves with the second's stdout. */
function pipeline(cwd: string, first: string[], second: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const a = spawn('openssl', first, { cwd });
    const b = spawn('openssl', second, { cwd });
    const out: Buffer[] = [];
    let err = '';
    a.stdout.pipe(b.stdin);
    b.stdout.on('data', (d: Buffer) => out.push(d));
    a.stderr.on('data', (d: Buffer) => (err += d.toString()));
    b.stderr.on('data', (d: Buffer) => (err += d.toString()));
    a.stdin.on('error', () => undefined);
    b.stdin.on('error', () => undefined);
    let codeA: number | null = null;
    a.on('close', (code) => (codeA = code));
    b.on('close', (code) => (code === 0 && codeA === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`openssl failed: ${err.trim().split('\n')[0]}`))));
    a.stdin.end(input);
  });
}

function stats(samples: number[]): { median: number; p90: number } {
  const s = [...samples].sort((x, y) => x - y);
  return { median: s[Math.floor(s.length / 2)]!, p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]! };
}

async function time<T>(n: number, f: () => Promise<T> | T): Promise<{ median: number; p90: number; last: T }> {
  let last = await f(); // warm-up, not counted
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = await f();
    samples.push(performance.now() - t);
  }
  return { ...stats(samples), last };
}

async function main(): Promise<void> {
  const iterations = arg('iterations', 20);
  const size = arg('size', 1024 * 1024);
  const pki = await sharedTestPki();
  const smime = await smimePkiFor(pki);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-bench-cms-'));
  try {
    await writePki(pki, dir, { includeKeys: true });
    await writeFile(path.join(dir, 'trust.pem'), smime.trustAnchorPem + smime.crlPem);
    const server = loadKey(smime.leaf('smime-evvm-server'));
    const alice = loadKey(smime.leaf('smime-alice'));
    const trust = { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) };
    const vm = buildVoicemail({ from: 'tel:+15557777', to: 'tel:+15550001', messageId: '<bench@evvm>', duration: 60, audio: randomBytes(Math.floor((size * 3) / 4)), transcription: 'benchmark' });
    const entity = splitMessage(vm).entity;
    process.stdout.write(`voicemail: ${(vm.length / 1048576).toFixed(2)} MB (audio ${(size * 3) / 4 / 1048576} MB raw, base64 in MIME), ${iterations} iterations after one warm-up\n\n`);
    process.stdout.write(`${'operation'.padEnd(40)} ${'evvm-conformance'.padStart(20)} ${'openssl cms CLI'.padStart(20)}\n`);
    for (const suite of ['modern', 'classic'] as AlgorithmSuite[]) {
      const cipher = suite === 'modern' ? ['-aes-256-gcm'] : ['-aes256'];
      const keyopt = suite === 'modern' ? ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'] : [];
      const signopt = suite === 'modern' ? ['-keyopt', 'rsa_padding_mode:pss'] : [];
      const sign = ['cms', '-sign', '-binary', '-signer', 'smime/smime-evvm-server.crt', '-inkey', 'smime/smime-evvm-server.key', '-certfile', 'smime/smime-ca.pem', ...signopt];
      const encrypt = ['cms', '-encrypt', '-binary', ...cipher, '-recip', 'smime/smime-alice.crt', ...keyopt];
      const decrypt = ['cms', '-decrypt', '-binary', '-recip', 'smime/smime-alice.crt', '-inkey', 'smime/smime-alice.key'];
      const verify = ['cms', '-verify', '-CAfile', 'trust.pem', '-crl_check_all', '-purpose', 'smimesign'];

      const ours = await time(iterations, () => protectVoicemail(vm, { suite, encryption: 'whole', recipients: [alice.certificate], signer: server }).raw);
      const theirs = await time(iterations, () => pipeline(dir, sign, encrypt, entity));
      const policy = { ...DEFAULT_CONTENT_POLICY, encryption: 'whole' as const };
      const oursCheck = await time(iterations, () => openVoicemail(ours.last, { deviceKeys: [alice], trust, policy, evvmServerIdentity: 'evvm-server.op.example' }));
      if (oursCheck.last.verdict !== 'play') throw new Error(`bench: our own voicemail did not verify: ${JSON.stringify(oursCheck.last.problems)}`);
      const theirsCheck = await time(iterations, () => pipeline(dir, decrypt, verify, ours.last.subarray(ours.last.indexOf('MIME-Version'))));
      const row = (name: string, a: { median: number; p90: number }, b: { median: number; p90: number }): void => {
        const f = (x: { median: number; p90: number }) => `${x.median.toFixed(1)} ms (p90 ${x.p90.toFixed(1)})`;
        process.stdout.write(`${name.padEnd(40)} ${f(a).padStart(20)} ${f(b).padStart(20)}   ${a.median <= b.median ? 'not slower' : `${(a.median / b.median).toFixed(2)}x slower`}\n`);
      };
      row(`${suite}: protect (sign, then encrypt)`, ours, theirs);
      row(`${suite}: check (decrypt, then verify)`, oursCheck, theirsCheck);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cms: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
