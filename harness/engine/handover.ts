/**
 * The per-run material that parallel workers share. Cucumber's parallel workers (and selftest's fault
 * workers) run the support code in child processes, yet a run has one test PKI and one set of demo
 * accounts: the coordinator makes them once and hands them over in a private directory (0700, its file
 * 0600, removed when the run ends), named by an environment variable. Each worker hands back, in the same
 * directory, the secrets it registered, so the coordinator's report writer scrubs them as well.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { exportPki, importPki, type PkiTransfer } from '../../simulators/crypto/pki/transfer';
import { smimePkiFor } from '../../simulators/crypto/pki/smime';
import type { TestAccount } from '../topology/accounts';
import { registerSecret, runSecrets } from '../evidence/secrets';

export const HANDOVER_ENV = 'EVVM_RUN_HANDOVER';
const RUN_FILE = 'run.json';
const SECRETS_PREFIX = 'secrets-';

type AccountTransfer = Omit<TestAccount, 'voicemail'> & { voicemail: { messageId: string; raw: string } };

interface RunTransfer {
  pki: PkiTransfer;
  accounts: AccountTransfer[];
}

/** The coordinator's side: the directory workers read from and hand secrets back to. */
export class Handover {
  private constructor(readonly dir: string) {}

  /** Hands over the run's PKI (its S/MIME part included, which workers cannot issue without CA keys) and accounts. */
  static async open(pki: TestPki, accounts: readonly TestAccount[]): Promise<Handover> {
    const smime = await smimePkiFor(pki);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-handover-')); // mkdtemp makes it 0700
    const run: RunTransfer = {
      pki: exportPki(pki, smime),
      accounts: accounts.map((a) => ({ ...a, voicemail: { messageId: a.voicemail.messageId, raw: a.voicemail.raw.toString('base64') } })),
    };
    await writeFile(path.join(dir, RUN_FILE), JSON.stringify(run), { mode: 0o600 });
    // every key handed over is a secret here too, whether or not a worker ends up using it
    for (const c of [...run.pki.tls.credentials, ...(run.pki.smime?.credentials ?? [])]) registerSecret(c.keyPem);
    for (const a of accounts) registerSecret(a.password);
    return new Handover(dir);
  }

  /** The environment a worker needs to find the handover. */
  env(): Record<string, string> {
    return { [HANDOVER_ENV]: this.dir };
  }

  /** Registers, in this process, every secret the workers handed back. */
  async adoptWorkerSecrets(): Promise<void> {
    for (const f of await readdir(this.dir)) {
      if (!f.startsWith(SECRETS_PREFIX)) continue;
      for (const s of JSON.parse(await readFile(path.join(this.dir, f), 'utf8')) as string[]) registerSecret(s);
    }
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

let received: { pki: TestPki; accounts: TestAccount[] } | undefined;

/** The worker's side: the run's PKI and accounts as the coordinator made them, or undefined outside a parallel run. */
export function handedOver(): { pki: TestPki; accounts: TestAccount[] } | undefined {
  const dir = process.env[HANDOVER_ENV];
  if (!dir) return undefined;
  if (!received) {
    const run = JSON.parse(readFileSync(path.join(dir, RUN_FILE), 'utf8')) as RunTransfer;
    received = {
      pki: importPki(run.pki),
      accounts: run.accounts.map((a) => ({ ...a, voicemail: { messageId: a.voicemail.messageId, raw: Buffer.from(a.voicemail.raw, 'base64') } })),
    };
  }
  return received;
}

/** Hands the secrets this worker registered back to the coordinator (the whole set, replacing the last). */
export function handBackSecrets(): void {
  const dir = process.env[HANDOVER_ENV];
  if (dir) writeFileSync(path.join(dir, `${SECRETS_PREFIX}${process.pid}.json`), JSON.stringify(runSecrets()), { mode: 0o600 });
}
