import type { TestPki } from '../../simulators/crypto/pki/types';
import type { Profile } from '../profile/profile';
import type { TestAccount } from '../topology/accounts';
import type { Handler } from '../control/control-server';

/** What `simulate ROLE` hands a role: the process's PKI (also written to pkiDir), profile, demo accounts. */
export interface SimulateContext {
  pki: TestPki;
  /** where the PKI was written, keys included (standalone use) */
  pkiDir: string;
  profile: Profile;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  /** where to listen: 127.0.0.1, or 0.0.0.0 inside a container */
  host: string;
}

/** A role serving on its own: its endpoints, its control routes, and what its ready line tells users. */
export interface SimulatedRole {
  /** protocol endpoints, e.g. { imaps: '127.0.0.1:993' } (the control endpoint is added by simulate) */
  endpoints: Record<string, string>;
  /** control API routes, e.g. 'POST /faults' */
  routes: Record<string, Handler>;
  /** files a peer needs to talk to it; defaults to the CA and the EVVM Client's certificate and key */
  trust?: Record<string, string>;
  /** demo accounts for standalone use (SMPP and SMTP roles name system_id/user the same way); `simulate` prints their secrets by variable name only */
  accounts?: unknown[];
  /**
   * The profile that names this simulator as the implementation under test (`simulate ROLE --profile-out
   * FILE`), given its control API (a client under test is triggered through it).
   */
  iutProfile?(control: string): IutProfile;
  stop(): Promise<void>;
}

/** A ready-to-run profile for a simulator standing in for a vendor's implementation: its secrets go by environment variable. */
export interface IutProfile {
  /** the profile's policy section, as far as the role needs it */
  policy?: Record<string, unknown>;
  /** the profile's capabilities section: what the simulator declares, as a vendor would */
  capabilities?: Record<string, unknown>;
  /** the iut: section; secrets are named by environment variable (…Env) */
  iut: Record<string, unknown>;
  /** those variables' values */
  env: Record<string, string>;
}

export type RoleStarter = (ctx: SimulateContext) => Promise<SimulatedRole>;

const roles = new Map<string, RoleStarter>();

export function registerSimulatedRole(name: string, start: RoleStarter): void {
  if (roles.has(name)) throw new Error(`simulated role "${name}" registered twice`);
  roles.set(name, start);
}

export function simulatedRole(name: string): RoleStarter | undefined {
  return roles.get(name);
}

export function simulatedRoleNames(): string[] {
  return [...roles.keys()];
}
