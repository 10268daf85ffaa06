import type { TranscriptSink } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { accountNamed, type TestAccount } from './accounts';
import path from 'node:path';
import { embeddedRoles, loadFolder, type RoleMap, type RoleName } from './registry';
import type { EvvmClientRole, EvvmServerRole } from '../roles/authentication';
import type { Topology } from './roles';
import { simulatorOf } from './embedded/authentication';

// every clause's embedded roles (harness/topology/embedded/<clause>.ts), checked against the contracts now
loadFolder(path.join(__dirname, 'embedded'));
embeddedRoles.assertComplete();

// where the clauses have always found it
export { EVVM_SERVER_NAME } from '../roles/authentication';

/** Every role in this process on 127.0.0.1, port 0: the default, fast topology. */
export class EmbeddedTopology implements Topology {
  private readonly stoppers: Array<() => Promise<void>> = [];
  private readonly roles = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pki: TestPki,
    private readonly profile: Profile,
    readonly accounts: readonly TestAccount[],
    private readonly faults: readonly string[],
    private readonly transcript: TranscriptSink,
  ) {}

  account(name: string): TestAccount {
    return accountNamed(this.accounts, name);
  }

  role<K extends RoleName>(name: K): Promise<RoleMap[K]> {
    return embeddedRoles.instance(name, this.roles, {
      pki: this.pki,
      profile: this.profile,
      accounts: this.accounts,
      faults: this.faults,
      transcript: this.transcript,
      topology: this,
      evvmServer: async () => simulatorOf(await this.role('evvm-server')),
      onStop: (stop) => this.stoppers.push(stop),
    });
  }

  evvmServer(): Promise<EvvmServerRole> {
    return this.role('evvm-server');
  }

  evvmClient(): Promise<EvvmClientRole> {
    return this.role('evvm-client');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
  }
}
