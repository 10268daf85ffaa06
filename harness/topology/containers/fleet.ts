/**
 * One container per role on a private network, started and removed by testcontainers. Each runs
 * `evvm-conformance simulate ROLE --driven` and publishes one port, its control API, on 127.0.0.1 only
 * (the harness reaches its simulators through it, tunnel.ts); its network aliases are its role and the host names its certificates carry, so the
 * simulators reach one another by the names they prove.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type Dockerode from 'dockerode';
import { GenericContainer, Wait, getContainerRuntimeClient, type ContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { CONTROL_PORT, POOL_PORTS } from '../../simulate/driven/host';
import { ensureImage } from './image';
import type { ContainersInfo } from '../../report/model';
import { CONTAINER_ROLES, type ContainerRole, type FleetInfo } from './names';

export { CONTAINER_ROLES, type ContainerRole, type FleetInfo } from './names';

export const RUN_LABEL = 'org.evvm-conformance.run';
/** which harness process on which machine owns a container or network: what the stale sweep checks */
const OWNER_PID = 'org.evvm-conformance.pid';
const OWNER_HOST = 'org.evvm-conformance.host';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Without Ryuk nothing reaps a killed harness's containers (SIGKILL leaves no chance to clean up): each
 * run first removes what runs of this machine left whose harness process is gone.
 */
async function sweepStale(client: ContainerRuntimeClient, log: (line: string) => void): Promise<void> {
  const docker: Dockerode = client.container.dockerode;
  const mine = { label: [`${OWNER_HOST}=${os.hostname()}`] };
  // only what carries our labels, this machine's name and a pid that no longer runs
  const stale = (labels: Record<string, string> | undefined): boolean => {
    const pid = Number(labels?.[OWNER_PID]);
    return labels?.[OWNER_HOST] === os.hostname() && Number.isInteger(pid) && pid > 0 && !alive(pid);
  };
  const containers = (await docker.listContainers({ all: true, filters: mine })).filter((c) => stale(c.Labels));
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const networks = (await docker.listNetworks({ filters: mine })).filter((n) => stale(n.Labels));
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
  if (containers.length + networks.length > 0) log(`removed ${containers.length} container(s) and ${networks.length} network(s) left by a killed run`);
}

/**
 * Where containers publish their ports, and where the harness reaches them: loopback, so nothing but this
 * machine reaches a simulator. Only a remote engine (DOCKER_HOST) needs another: EVVM_PUBLISH_ADDRESS (README).
 */
export function publishAddress(): string {
  return process.env.EVVM_PUBLISH_ADDRESS || '127.0.0.1';
}

/** testcontainers publishes on every address; a conformance run publishes on one (loopback by default). */
class PublishingContainer extends GenericContainer {
  publishOn(address: string, ports: readonly number[]): this {
    this.withExposedPorts(...ports);
    for (const p of ports) this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, [`${p}/tcp`]: [{ HostIp: address, HostPort: '0' }] };
    return this;
  }
}

export class Fleet {
  private readonly logs = new Map<string, string[]>();
  private stopping?: Promise<void>;

  private constructor(
    readonly info: FleetInfo,
    private readonly image: string,
    private readonly networkName: string,
    private readonly network: Dockerode.Network,
    private readonly client: ContainerRuntimeClient,
    private readonly containers: Map<ContainerRole, StartedTestContainer>,
  ) {}

  /** Builds the image if needed and starts every role; on any failure, removes what it started. */
  static async start(log: (line: string) => void, interrupted: () => boolean = () => false): Promise<Fleet> {
    const image = await ensureImage(log);
    if (interrupted()) throw new Error('interrupted before the containers started');
    const runId = randomUUID().slice(0, 8);
    const client = await getContainerRuntimeClient();
    await sweepStale(client, log);
    const owner = { [RUN_LABEL]: runId, [OWNER_PID]: String(process.pid), [OWNER_HOST]: os.hostname() };
    const networkName = `evvm-conformance-${runId}`;
    const network = await client.network.create({ Name: networkName, Driver: 'bridge', CheckDuplicate: true, Labels: owner });
    const containers = new Map<ContainerRole, StartedTestContainer>();
    const roles = Object.keys(CONTAINER_ROLES) as ContainerRole[];
    const started = await Promise.allSettled(
      roles.map(async (role) => {
        const c = await new PublishingContainer(image)
          .withCommand([role, '--driven', '--host', '0.0.0.0'])
          .withNetworkMode(networkName)
          .withNetworkAliases(...CONTAINER_ROLES[role])
          .withLabels({ ...owner, 'org.evvm-conformance.role': role })
          .publishOn(publishAddress(), [CONTROL_PORT])
          .withWaitStrategy(Wait.forLogMessage(/"ready":true/))
          .withStartupTimeout(60_000)
          .start();
        containers.set(role, c);
      }),
    );
    const info: FleetInfo = { runId, host: publishAddress(), roles: {} as FleetInfo['roles'] };
    const fleet = new Fleet(info, image, networkName, network, client, containers);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await fleet.stop();
      throw new Error(`a simulator container did not start: ${String((failed.reason as Error)?.message ?? failed.reason).split('\n')[0]}`);
    }
    for (const [role, c] of containers) {
      info.roles[role] = { names: [...CONTAINER_ROLES[role]], control: `http://${info.host}:${c.getMappedPort(CONTROL_PORT)}`, pool: [...POOL_PORTS] };
      const lines: string[] = [];
      fleet.logs.set(role, lines);
      (await c.logs()).on('data', (d: Buffer | string) => lines.push(...String(d).split('\n').filter(Boolean)));
    }
    return fleet;
  }

  /** What the report says of the fleet: the image, the network, each role's container and its log. */
  describe(): ContainersInfo {
    const roles: ContainersInfo['roles'] = {};
    for (const [role, c] of this.containers) roles[role] = { container: c.getId().slice(0, 12), aliases: [...CONTAINER_ROLES[role]], log: `evidence/containers/${role}.log` };
    return { image: this.image, network: this.networkName, roles };
  }

  /** What each container printed (stdout and stderr), for the evidence. */
  containerLogs(): Record<string, string[]> {
    return Object.fromEntries(this.logs);
  }

  /** Removes every container and the network; safe to call twice (Ctrl-C during the normal end). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([...this.containers.values()].map((c) => c.stop({ timeout: 2_000, remove: true, removeVolumes: true })));
      await this.client.network.remove(this.network).catch(() => undefined);
    })();
    return this.stopping;
  }
}
