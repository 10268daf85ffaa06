import type { TranscriptSink } from '../evidence/transcript';
import type { Profile } from '../profile/profile';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { TestAccount } from './accounts';
import type { Topology } from './roles';
import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';

/**
 * The roles and role interfaces each clause adds (SMSC, Message Storage Server, Forwarding Gateway, …).
 * A clause declares its entry by declaration merging in its own file:
 *
 *   declare module '../registry' { interface RoleMap { smsc: SmscRole } }
 *
 * and registers how each topology provides it; steps ask `world.topology.role('smsc')`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
export interface RoleMap {}
export type RoleName = keyof RoleMap;

/** What an embedded role factory gets: the run's shared material and the scenario's transcript. */
export interface EmbeddedContext {
  pki: TestPki;
  profile: Profile;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  transcript: TranscriptSink;
  topology: Topology;
  /** the embedded EVVM Server simulator itself, for clauses that add interfaces to it (SMS, SMTP, storage) */
  evvmServer(): Promise<EvvmServer>;
  /** registers a clean-up that runs when the scenario ends, in reverse order */
  onStop(stop: () => Promise<void>): void;
}

export type EmbeddedFactory<T> = (ctx: EmbeddedContext) => Promise<T>;

const embedded = new Map<string, EmbeddedFactory<unknown>>();

export function registerEmbeddedRole<K extends RoleName>(name: K, factory: EmbeddedFactory<RoleMap[K]>): void {
  if (embedded.has(name)) throw new Error(`embedded role "${String(name)}" registered twice`);
  embedded.set(name, factory as EmbeddedFactory<unknown>);
}

export function embeddedFactory<K extends RoleName>(name: K): EmbeddedFactory<RoleMap[K]> | undefined {
  return embedded.get(name) as EmbeddedFactory<RoleMap[K]> | undefined;
}

/**
 * What a container role factory gets (harness/topology/containers): the run's shared material, the
 * scenario's transcript, and the containers, each begun for this scenario on first use.
 */
export interface ContainersContext {
  pki: TestPki;
  profile: Profile;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  transcript: TranscriptSink;
  topology: Topology;
  /** the control API of a role's container, with this scenario begun there */
  control(role: import('./containers/names').ContainerRole): Promise<import('./containers/control-client').ControlClient>;
  /** where the harness reaches a container's published port: 127.0.0.1 and the mapped port */
  published(role: import('./containers/names').ContainerRole, containerPort: number): { host: string; port: number };
  /** the inverse: where on the private network an endpoint the harness sees is (what containers connect to) */
  onNetwork<E extends { host: string; port: number }>(endpoint: E): E;
  onStop(stop: () => Promise<void>): void;
}

export type ContainersFactory<T> = (ctx: ContainersContext) => Promise<T>;

const containers = new Map<string, ContainersFactory<unknown>>();

export function registerContainerRole<K extends RoleName>(name: K, factory: ContainersFactory<RoleMap[K]>): void {
  if (containers.has(name)) throw new Error(`container role "${String(name)}" registered twice`);
  containers.set(name, factory as ContainersFactory<unknown>);
}

export function containersFactory<K extends RoleName>(name: K): ContainersFactory<RoleMap[K]> | undefined {
  return containers.get(name) as ContainersFactory<RoleMap[K]> | undefined;
}
