/**
 * The container topology: each simulator in its own container (fleet.ts), driven through its control
 * API. One ContainersTopology per scenario, like the embedded one: it begins the scenario in each
 * container it uses, with the scenario's faults, and at the end folds their transcripts into the
 * scenario's. The harness's own clients (test IMAP clients, test ESMEs, test SMTP senders) connect to
 * published ports on 127.0.0.1; simulators reach each other by network alias.
 */
import type { TestPki } from '../../../simulators/crypto/pki/types';
import { exportPki } from '../../../simulators/crypto/pki/transfer';
import { smimePkiFor } from '../../../simulators/crypto/pki/smime';
import { HarnessError } from '../../engine/outcomes';
import type { Transcript, TranscriptEntry } from '../../../evidence/transcript';
import type { Profile } from '../../profile/profile';
import { accountNamed, type TestAccount } from '../accounts';
import path from 'node:path';
import { containerRoles, loadFolder, type ContainersContext, type RoleMap, type RoleName } from '../registry';
import type { EvvmClientRole, EvvmServerRole } from '../../roles/authentication';
import type { Topology } from '../roles';
import { ControlClient } from './control-client';
import type { ContainerRole, FleetInfo } from './names';
import { Tunnel } from './tunnel';

// every clause's roles in containers (harness/topology/containers/clauses/<clause>.ts), checked against the contracts now
loadFolder(path.join(__dirname, 'clauses'));
containerRoles.assertComplete();

/** where the harness's tunnels listen: only this machine reaches them */
const LOOPBACK = '127.0.0.1';

/** The run's clients of every container, set up once (PKI, accounts, profile) before the first scenario. */
class FleetLink {
  readonly clients = new Map<ContainerRole, ControlClient>();
  /** role → container port → the harness's tunnel port */
  private readonly tunnels = new Map<ContainerRole, Map<number, number>>();
  /** tunnel port → where it leads on the private network */
  private readonly reverse = new Map<number, { host: string; port: number }>();
  /** "name:port" on the private network → the harness's tunnel port */
  private readonly forward = new Map<string, number>();
  private readonly openTunnels: Tunnel[] = [];
  private opened?: Promise<void>;

  constructor(readonly info: FleetInfo) {
    for (const [role, r] of this.roles()) this.clients.set(role, new ControlClient(role, new URL(r.control)));
  }

  private roles(): Array<[ContainerRole, NonNullable<FleetInfo['roles'][ContainerRole]>]> {
    return Object.entries(this.info.roles) as Array<[ContainerRole, NonNullable<FleetInfo['roles'][ContainerRole]>]>;
  }

  /** One tunnel per container and fixed port, opened once for the run (endpoint() lookups are sync). */
  open(): Promise<void> {
    this.opened ??= (async () => {
      for (const [role, r] of this.roles()) {
        const ports = new Map<number, number>();
        this.tunnels.set(role, ports);
        await Promise.all(
          r.pool.map(async (inside) => {
            const { tunnel, port } = await Tunnel.open(new URL(r.control), inside);
            this.openTunnels.push(tunnel);
            ports.set(inside, port);
            this.reverse.set(port, { host: r.names[0]!, port: inside });
            for (const name of r.names) this.forward.set(`${name}:${inside}`, port);
          }),
        );
      }
    })();
    return this.opened;
  }

  async close(): Promise<void> {
    await Promise.all(this.openTunnels.map((t) => t.close()));
    for (const c of this.clients.values()) c.close();
  }

  client(role: ContainerRole): ControlClient {
    const c = this.clients.get(role);
    if (!c) throw new HarnessError(`the run has no ${role} container`);
    return c;
  }

  published(role: ContainerRole, containerPort: number): { host: string; port: number } {
    const port = this.tunnels.get(role)?.get(containerPort);
    if (port === undefined) throw new HarnessError(`the ${role} container has no port ${containerPort} the harness can reach`);
    return { host: LOOPBACK, port };
  }

  onNetwork<E extends { host: string; port: number }>(endpoint: E): E {
    const inside = endpoint.host === LOOPBACK ? this.reverse.get(endpoint.port) : undefined;
    if (!inside) throw new HarnessError(`${endpoint.host}:${endpoint.port} is not a port of this run's containers: a container cannot reach it`);
    return { ...endpoint, ...inside };
  }

  fromNetwork<E extends { host: string; port: number }>(endpoint: E): E | undefined {
    const port = this.forward.get(`${endpoint.host}:${endpoint.port}`);
    return port === undefined ? undefined : { ...endpoint, host: LOOPBACK, port };
  }

  async setup(pki: TestPki, accounts: readonly TestAccount[], profile: Profile, secrets: readonly string[]): Promise<void> {
    const transfer = exportPki(pki, await smimePkiFor(pki));
    await this.open();
    const peers = Object.fromEntries(this.roles().map(([role, r]) => [role, r.names[0]]));
    await Promise.all([...this.clients.values()].map((c) => c.call('POST /setup', { pki: transfer, accounts, profile, peers, secrets })));
  }
}

const links = new Map<string, { link: FleetLink; setup?: Promise<void>; profile?: Profile }>();

/** The link to a run's fleet, set up with this profile (a new profile sets the fleet up again). */
export function fleetLink(info: FleetInfo, pki: TestPki, accounts: readonly TestAccount[], profile: Profile, secrets: readonly string[]): Promise<FleetLink> {
  let entry = links.get(info.runId);
  if (!entry) links.set(info.runId, (entry = { link: new FleetLink(info) }));
  if (!entry.setup || entry.profile !== profile) {
    entry.profile = profile;
    entry.setup = entry.link.setup(pki, accounts, profile, secrets);
  }
  const e = entry;
  return e.setup!.then(() => e.link);
}

/** Closes the harness's side of a run's fleet (tunnels, control connections): the run is over. */
export async function closeFleetLink(runId: string): Promise<void> {
  await links.get(runId)?.link.close();
  links.delete(runId);
}

export class ContainersTopology implements Topology {
  private readonly begun = new Map<ContainerRole, Promise<ControlClient>>();
  private readonly stoppers: Array<() => Promise<void>> = [];
  private readonly roles = new Map<string, Promise<unknown>>();
  private readonly ctx: ContainersContext;

  constructor(
    private readonly link: FleetLink,
    pki: TestPki,
    profile: Profile,
    readonly accounts: readonly TestAccount[],
    private readonly faults: readonly string[],
    private readonly transcript: Transcript,
  ) {
    this.ctx = {
      pki,
      profile,
      accounts,
      faults,
      transcript,
      topology: this,
      control: (role) => this.control(role),
      call: async (route, request) => {
        const answer = await (await this.control(route.container)).call(route.path, request);
        const parsed = route.response.safeParse(answer);
        if (!parsed.success) throw new HarnessError(`the ${route.container} container answered ${route.path} with ${parsed.error.issues[0]!.path.join('.') || 'a body'} that breaks the contract: ${parsed.error.issues[0]!.message}`);
        return parsed.data;
      },
      published: (role, port) => link.published(role, port),
      onNetwork: (e) => link.onNetwork(e),
      fromNetwork: (e) => link.fromNetwork(e),
      onStop: (stop) => this.stoppers.push(stop),
    };
  }

  /** The role's container, with this scenario begun there (its faults switched on). */
  control(role: ContainerRole): Promise<ControlClient> {
    let c = this.begun.get(role);
    if (!c) {
      const client = this.link.client(role);
      this.begun.set(role, (c = client.call('POST /scenario/begin', { faults: this.faults }).then(() => client)));
    }
    return c;
  }

  account(name: string): TestAccount {
    return accountNamed(this.accounts, name);
  }

  role<K extends RoleName>(name: K): Promise<RoleMap[K]> {
    return containerRoles.instance(name, this.roles, this.ctx);
  }

  evvmServer(): Promise<EvvmServerRole> {
    return this.role('evvm-server');
  }

  evvmClient(): Promise<EvvmClientRole> {
    return this.role('evvm-client');
  }

  async stop(): Promise<void> {
    await this.end();
  }

  /**
   * Ends the scenario in every container it used and folds their transcripts into the scenario's; returns
   * each container's own, as it sent it (tests check that a container scrubs its secrets itself).
   */
  async end(): Promise<ReadonlyMap<ContainerRole, readonly TranscriptEntry[]>> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
    const own = new Map<ContainerRole, readonly TranscriptEntry[]>();
    await Promise.allSettled(
      [...this.begun.entries()].map(async ([role, begun]) => {
        const ended = await (await begun).call<{ startedAt: number; transcript: TranscriptEntry[] }>('POST /scenario/end');
        own.set(role, ended.transcript);
        this.transcript.absorb(ended.transcript, ended.startedAt, role);
      }),
    );
    return own;
  }
}
