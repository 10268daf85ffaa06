/**
 * A run's fleet from start to removal, whatever happens: the run ends, fails, or is interrupted (Ctrl-C,
 * SIGTERM), every container and the network go. A machine without a reachable Docker engine gets one
 * clear line (exit 2), not a stack trace.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { UsageError } from '../../cli/usage';
import { SecretMatcher } from '../../../evidence/redact';
import type { Fleet } from './fleet';
import type { ContainersInfo } from '../../report/model';
import { closeFleetLink } from './topology';
import { onInterrupt } from '../../interrupt';

/**
 * testcontainers falls back to the local socket when DOCKER_HOST does not answer; a user who named an engine
 * means that engine, so it must answer.
 */
async function namedEngineAnswers(dockerHost: string): Promise<void> {
  const url = new URL(dockerHost);
  const answers =
    url.protocol === 'unix:'
      ? existsSync(url.pathname)
      : await new Promise<boolean>((resolve) => {
          const s = net.connect({ host: url.hostname, port: Number(url.port) || 2375, timeout: 3000 }, () => (s.destroy(), resolve(true)));
          s.on('error', () => resolve(false)).on('timeout', () => (s.destroy(), resolve(false)));
        });
  if (!answers) throw new UsageError(`--topology containers needs a Docker engine, and DOCKER_HOST=${dockerHost} does not answer`);
}

async function engineReachable(): Promise<void> {
  // Ryuk (the reaper) would be pulled from a registry: the fleet removes its own containers instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  if (process.env.DOCKER_HOST && /^(unix|tcp):/.test(process.env.DOCKER_HOST)) await namedEngineAnswers(process.env.DOCKER_HOST);
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (err) {
    throw new UsageError(`--topology containers needs a Docker engine and none is reachable (${String((err as Error).message).split('\n')[0]}); start one, or set DOCKER_HOST`);
  }
}

/** Runs `work` with a started fleet and removes the fleet afterwards, also on a signal (harness/interrupt). */
export async function withFleet<T>(log: (line: string) => void, work: (fleet: Fleet) => Promise<T>): Promise<{ result: T; logs: Record<string, string[]>; fleet: ContainersInfo }> {
  await engineReachable();
  let interrupted = false;
  let starting: Promise<Fleet> | undefined;
  const withdraw = onInterrupt(async (signal) => {
    interrupted = true;
    log(`${signal}: removing the simulator containers`);
    // a fleet still starting is removed once started (Fleet.start stops early when asked)
    await starting?.then((fleet) => fleet.stop(), () => undefined);
  });
  let fleet: Fleet | undefined;
  try {
    const started = Date.now();
    // loaded only here: the embedded topology never pays for the Docker client
    const { Fleet: Fleets } = await import('./fleet.js');
    starting = Fleets.start(log, () => interrupted);
    fleet = await starting;
    log(`${Object.keys(fleet.info.roles).length} simulator containers up in ${Date.now() - started} ms`);
    const result = await work(fleet);
    return { result, logs: fleet.containerLogs(), fleet: fleet.describe() };
  } finally {
    if (fleet) await closeFleetLink(fleet.info.runId);
    await fleet?.stop();
    withdraw();
  }
}

/** Each container's output, scrubbed, as DIR/evidence/containers/ROLE.log. */
export async function writeContainerLogs(out: string, logs: Record<string, string[]>, secrets: readonly string[]): Promise<void> {
  const dir = path.join(out, 'evidence', 'containers');
  await mkdir(dir, { recursive: true });
  const matcher = new SecretMatcher(secrets);
  for (const [role, lines] of Object.entries(logs)) await writeFile(path.join(dir, `${role}.log`), matcher.redact(lines.join('\n') + '\n'));
}
