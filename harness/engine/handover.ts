/**
 * The per-run material that parallel workers share. Cucumber's parallel workers (and selftest's fault
 * workers) run the support code in child processes, yet a run has one test PKI and one set of demo
 * accounts: the coordinator makes them once and hands them over in a private directory (0700, its files
 * 0600, removed when the run ends), named by an environment variable. The PKI is written when its keys
 * are made, while the workers load, and a worker's first scenario waits for it (its S/MIME part, made
 * after, only a scenario that needs it). Each worker hands back, in the same directory, the secrets it
 * registered, so the coordinator's report writer scrubs them too.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { exportPki, importPki, type PkiTransfer } from '../../simulators/crypto/pki/transfer';
import { smimePkiFor } from '../../simulators/crypto/pki/smime';
import type { TestAccount } from '../topology/accounts';
import { registerSecret, runSecrets } from '../../evidence/secrets';
import { HarnessError } from './outcomes';
import { onInterrupt } from '../interrupt';

export const HANDOVER_ENV = 'EVVM_RUN_HANDOVER';
const ACCOUNTS_FILE = 'accounts.json';
const PKI_FILE = 'pki.json';
const SMIME_FILE = 'smime.json';
/** written instead of the PKI when making it failed: the workers' scenarios end in error, not in a wait */
const FAILED_FILE = 'pki-failed';
const SECRETS_PREFIX = 'secrets-';
/** how long a worker waits for the PKI (key generation on a loaded machine takes seconds) */
const PKI_WAIT_MS = 120_000;

type AccountTransfer = Omit<TestAccount, 'voicemail'> & { voicemail: { messageId: string; raw: string } };

/** The coordinator's side: the directory workers read from and hand secrets back to. */
export class Handover {
  /** Ctrl-C or a kill ends the run too: the test keys go with it */
  private readonly withdraw = onInterrupt(() => rmSync(this.dir, { recursive: true, force: true }));

  private constructor(
    readonly dir: string,
    /** settles when the PKI is written (or its failure is) */
    readonly ready: Promise<void>,
  ) {}

  /** Hands over the accounts now and the PKI (its S/MIME part included, which workers cannot issue without CA keys) once made. */
  static async open(pki: Promise<TestPki>, accounts: readonly TestAccount[]): Promise<Handover> {
    pki.catch(() => undefined); // it may fail while the directory is made; writePki reports it
    const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-handover-')); // mkdtemp makes it 0700
    for (const a of accounts) for (const s of [a.password, a.tuiPin]) if (s !== undefined) registerSecret(s);
    const transfer: AccountTransfer[] = accounts.map((a) => ({ ...a, voicemail: { messageId: a.voicemail.messageId, raw: a.voicemail.raw.toString('base64') } }));
    await writeFile(path.join(dir, ACCOUNTS_FILE), JSON.stringify(transfer), { mode: 0o600 });
    const ready = writePki(dir, pki).catch(async (err: Error) => {
      await writeFile(path.join(dir, FAILED_FILE), err.message, { mode: 0o600 });
      throw err;
    });
    ready.catch(() => undefined); // awaited by whoever runs the suite; not an unhandled rejection meanwhile
    return new Handover(dir, ready);
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
    this.withdraw();
    await this.ready.catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function writePki(dir: string, made: Promise<TestPki>): Promise<void> {
  const pki = await made;
  // the TLS part first: every scenario needs it; the S/MIME part follows while the first scenarios run
  await handOver(dir, PKI_FILE, exportPki(pki));
  await handOver(dir, SMIME_FILE, exportPki(pki, await smimePkiFor(pki)).smime);
}

async function handOver(dir: string, file: string, part: PkiTransfer | PkiTransfer['smime']): Promise<void> {
  // every key handed over is a secret here too, whether or not a worker ends up using it
  const credentials = part && 'tls' in part ? part.tls.credentials : (part?.credentials ?? []);
  for (const c of credentials) registerSecret(c.keyPem);
  // written whole, then renamed: a worker never reads half a file
  const partial = path.join(dir, `${file}.partial`);
  await writeFile(partial, JSON.stringify(part), { mode: 0o600 });
  await rename(partial, path.join(dir, file));
}

function handoverDir(): string | undefined {
  return process.env[HANDOVER_ENV];
}

let accounts: TestAccount[] | undefined;
let pki: Promise<TestPki> | undefined;

/** The worker's side: the run's accounts as the coordinator made them, or undefined outside a parallel run. */
export function handedOverAccounts(): TestAccount[] | undefined {
  const dir = handoverDir();
  if (!dir) return undefined;
  accounts ??= (JSON.parse(readFileSync(path.join(dir, ACCOUNTS_FILE), 'utf8')) as AccountTransfer[]).map((a) => ({
    ...a,
    voicemail: { messageId: a.voicemail.messageId, raw: Buffer.from(a.voicemail.raw, 'base64') },
  }));
  return accounts;
}

/** The worker's side: the run's PKI once the coordinator has written it, or undefined outside a parallel run. */
export function handedOverPki(): Promise<TestPki> | undefined {
  const dir = handoverDir();
  if (!dir) return undefined;
  pki ??= awaitPki(dir);
  return pki;
}

async function awaitPki(dir: string): Promise<TestPki> {
  const tls = JSON.parse(await handedOverFile(dir, PKI_FILE)) as PkiTransfer;
  return importPki(tls, handedOverFile(dir, SMIME_FILE).then((text) => JSON.parse(text) as NonNullable<PkiTransfer['smime']>));
}

/** A file the coordinator writes once its keys are made, waited for. */
async function handedOverFile(dir: string, file: string): Promise<string> {
  const deadline = Date.now() + PKI_WAIT_MS;
  while (!existsSync(path.join(dir, file))) {
    if (existsSync(path.join(dir, FAILED_FILE))) throw new HarnessError(`the run's test PKI could not be made: ${readFileSync(path.join(dir, FAILED_FILE), 'utf8')}`);
    if (Date.now() > deadline) throw new HarnessError(`the run's test PKI was not handed over within ${PKI_WAIT_MS / 1000} s`);
    await sleep(20);
  }
  return readFile(path.join(dir, file), 'utf8');
}

/** Hands the secrets this worker registered back to the coordinator (the whole set, replacing the last). */
export function handBackSecrets(): void {
  const dir = handoverDir();
  if (dir) writeFileSync(path.join(dir, `${SECRETS_PREFIX}${process.pid}.json`), JSON.stringify(runSecrets()), { mode: 0o600 });
}
