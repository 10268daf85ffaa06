/**
 * One container per role on a private network, started and removed by testcontainers. Each runs
 * `evvm-conformance simulate ROLE --driven` and publishes one port, its control API, on 127.0.0.1 only
 * (the harness reaches its simulators through it, tunnel.ts); its network aliases are its role and the host names its certificates carry, so the
 * simulators reach one another by the names they prove.
 */
import { randomUUID } from 'node:crypto';
import { GenericContainer, Network, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { CONTROL_PORT } from '../../simulate/driven/host';
import { ensureImage } from './image';
import { CONTAINER_ROLES, type ContainerRole, type FleetInfo } from './names';

export { CONTAINER_ROLES, type ContainerRole, type FleetInfo } from './names';

export const RUN_LABEL = 'org.evvm-conformance.run';

/**
 * Where containers publish their ports: loopback, so nothing but this machine reaches a simulator. Only a
 * remote engine (DOCKER_HOST) needs another address: EVVM_PUBLISH_ADDRESS, with TESTCONTAINERS_HOST_OVERRIDE
 * naming the same host (README).
 */
export function publishAddress(): string {
  return process.env.EVVM_PUBLISH_ADDRESS || '127.0.0.1';
}

/** testcontainers publishes on every address; a conformance run publishes on loopback only. */
class LoopbackContainer extends GenericContainer {
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
    private readonly network: StartedNetwork,
    private readonly containers: Map<ContainerRole, StartedTestContainer>,
  ) {}

  /** Builds the image if needed and starts every role; on any failure, removes what it started. */
  static async start(log: (line: string) => void): Promise<Fleet> {
    const image = await ensureImage(log);
    const runId = randomUUID().slice(0, 8);
    const network = await new Network().start();
    const containers = new Map<ContainerRole, StartedTestContainer>();
    const roles = Object.keys(CONTAINER_ROLES) as ContainerRole[];
    const started = await Promise.allSettled(
      roles.map(async (role) => {
        const c = await new LoopbackContainer(image)
          .withCommand([role, '--driven', '--host', '0.0.0.0'])
          .withNetwork(network)
          .withNetworkAliases(...CONTAINER_ROLES[role])
          .withLabels({ [RUN_LABEL]: runId, 'org.evvm-conformance.role': role })
          .publishOn(publishAddress(), [CONTROL_PORT])
          .withWaitStrategy(Wait.forLogMessage(/"ready":true/))
          .withStartupTimeout(60_000)
          .start();
        containers.set(role, c);
      }),
    );
    const info: FleetInfo = { runId, host: publishAddress(), roles: {} as FleetInfo['roles'] };
    const fleet = new Fleet(info, network, containers);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await fleet.stop();
      throw new Error(`a simulator container did not start: ${String((failed.reason as Error)?.message ?? failed.reason).split('\n')[0]}`);
    }
    for (const [role, c] of containers) {
      info.roles[role] = { alias: CONTAINER_ROLES[role][0], control: `http://${info.host}:${c.getMappedPort(CONTROL_PORT)}` };
      const lines: string[] = [];
      fleet.logs.set(role, lines);
      (await c.logs()).on('data', (d: Buffer | string) => lines.push(...String(d).split('\n').filter(Boolean)));
    }
    return fleet;
  }

  /** What each container printed (stdout and stderr), for the evidence. */
  containerLogs(): Record<string, string[]> {
    return Object.fromEntries(this.logs);
  }

  /** Removes every container and the network; safe to call twice (Ctrl-C during the normal end). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.allSettled([...this.containers.values()].map((c) => c.stop({ timeout: 2_000, remove: true, removeVolumes: true })));
      await this.network.stop().catch(() => undefined);
    })();
    return this.stopping;
  }
}
