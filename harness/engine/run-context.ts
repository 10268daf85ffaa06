import { randomUUID } from 'node:crypto';
import { sharedTestPki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { demoAccounts, type TestAccount } from '../topology/accounts';
import { loadProfile, type Profile } from '../profile/profile';
import { registerSecret } from '../../evidence/secrets';
import { handedOverAccounts, handedOverPki } from './handover';

/**
 * What every scenario of a run shares and is costly or pointless to make per scenario: the test PKI,
 * the demo accounts (random passwords, registered as secrets) and parsed profiles. It lives as long as
 * the process, so selftest's repeated runs reuse it. In a parallel worker the PKI and accounts are the
 * ones the coordinator made for the run (harness/engine/handover.ts).
 */
let accounts: TestAccount[] | undefined;
const profiles = new Map<string, Profile>();

export async function runPki(): Promise<TestPki> {
  const pki = await (handedOverPki() ?? sharedTestPki());
  for (const c of pki.leaves.values()) registerSecret(c.keyPem);
  return pki;
}

export function runAccounts(): TestAccount[] {
  if (!accounts) {
    accounts = handedOverAccounts() ?? demoAccounts(randomUUID().slice(0, 8));
    for (const a of accounts) for (const s of [a.password, a.tuiPin]) if (s !== undefined) registerSecret(s);
  }
  return accounts;
}

export function runProfile(file: string | undefined): Profile {
  const key = file ?? '';
  let p = profiles.get(key);
  if (!p) {
    p = loadProfile(file);
    profiles.set(key, p);
  }
  return p;
}
