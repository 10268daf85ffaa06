/**
 * Driven hosts in this process, on loopback, reached by the harness exactly as containers are: through the
 * real ContainersTopology (control API, tunnels, endpoint translation, transcript merge). What the container
 * topology does, minus Docker: the tests of each clause's container roles run on it, in npm test.
 */
import { randomUUID } from 'node:crypto';
import { sharedTestPki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { DrivenHost, POOL_PORTS } from '../../harness/simulate/driven';
import { Transcript } from '../../evidence/transcript';
import { loadProfile, type Profile } from '../../harness/profile/profile';
import { demoAccounts, type TestAccount } from '../../harness/topology/accounts';
import type { ContainerRole, FleetInfo } from '../../harness/topology/containers/names';
import { ContainersTopology, closeFleetLink, fleetLink } from '../../harness/topology/containers/topology';
import { freePorts } from './free-ports';

export class InProcessFleet {
  private constructor(
    readonly info: FleetInfo,
    private readonly hosts: DrivenHost[],
    readonly pki: TestPki,
    readonly accounts: TestAccount[],
    readonly profile: Profile,
  ) {}

  /** One driven host per role, each with its own pool of free ports; every role's name is 127.0.0.1. */
  static async start(roles: readonly ContainerRole[], options: { accounts?: TestAccount[]; profile?: Profile } = {}): Promise<InProcessFleet> {
    const info: FleetInfo = { runId: randomUUID().slice(0, 8), host: '127.0.0.1', roles: {} };
    const hosts: DrivenHost[] = [];
    for (const role of roles) {
      const pool = await freePorts(POOL_PORTS.length); // as many as a container has
      const host = new DrivenHost(role, { poolPorts: pool, host: '127.0.0.1' });
      hosts.push(host);
      info.roles[role] = { names: ['127.0.0.1'], control: await host.listen('127.0.0.1', 0), pool };
    }
    return new InProcessFleet(info, hosts, await sharedTestPki(), options.accounts ?? demoAccounts(info.runId), options.profile ?? loadProfile());
  }

  /** A scenario as `run --topology containers` makes it; `topology.stop()` ends it and merges the transcripts. */
  async scenario(faults: readonly string[] = []): Promise<{ topology: ContainersTopology; transcript: Transcript }> {
    const transcript = new Transcript();
    for (const a of this.accounts) transcript.secret(a.password);
    const link = await fleetLink(this.info, this.pki, this.accounts, this.profile, []);
    return { topology: new ContainersTopology(link, this.pki, this.profile, this.accounts, faults, transcript), transcript };
  }

  async close(): Promise<void> {
    await closeFleetLink(this.info.runId);
    for (const h of this.hosts) await h.close();
  }
}
