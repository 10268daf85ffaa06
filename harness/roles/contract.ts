/**
 * Role contracts: what a role is (its interface, in harness/roles/<clause>.ts), topology-free. The
 * embedded, container and external topologies are implementations of the same contracts; a topology that
 * lacks one fails when it loads, not when a scenario first asks for the role.
 *
 * A clause declares its role by declaration merging, then defines it at run time:
 *
 *   declare module './contract' { interface RoleMap { content: ContentRole } }
 *   defineRole('content', (ctx, call) => …);
 *
 * and steps ask `world.topology.role('content')`. A role defined with a builder needs no topology code:
 * its harness part is built from the scenario's context, and each of its sides (what runs beside a
 * simulator: the EVVM Server's content protection, the EVVM Client opening a voicemail) is a `side()`
 * the topology runs in process (embedded) or in the side's container (containers). Roles that cannot
 * be said that way register an implementation per topology (harness/topology/embedded/<clause>.ts,
 * harness/topology/containers/clauses/<clause>.ts).
 */
import type { z } from 'zod';
import type { TranscriptSink } from '../../evidence/transcript';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import type { Profile } from '../profile/profile';
import type { TestAccount } from '../topology/accounts';
import type { ContainerRole } from '../topology/containers/names';
import type { EvvmClientRole, Topology } from '../topology/roles';

// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
export interface RoleMap {}
export type RoleName = keyof RoleMap;

/** What the harness part of a role gets in every topology: the run's material and the scenario's evidence. */
export interface RoleContext {
  pki: TestPki;
  profile: Profile;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  transcript: TranscriptSink;
  topology: Topology;
}

/** Runs a side of the role wherever the topology puts it, and answers with what the side returned. */
export type SideCaller = <Req, Res>(side: Side<Req, Res>, request: Req) => Promise<Res>;
export type RoleBuilder<T> = (ctx: RoleContext, call: SideCaller) => Promise<T>;

const defined = new Map<RoleName, RoleBuilder<unknown> | undefined>();

/** Declares that every topology must provide the role `name`: built by `build`, or by the topology's own implementation. */
export function defineRole<K extends RoleName>(name: K, build?: RoleBuilder<RoleMap[K]>): void {
  defined.set(name, build);
}

/** Every role a loaded contract defines. */
export function definedRoles(): readonly RoleName[] {
  return [...defined.keys()].sort();
}

/** How the contract builds the role in every topology, when it says. */
export function roleBuilder<K extends RoleName>(name: K): RoleBuilder<RoleMap[K]> | undefined {
  return defined.get(name) as RoleBuilder<RoleMap[K]> | undefined;
}

/**
 * A route of a role's container (its control API), declared once: the harness's container client calls
 * it and the container's driven host serves it, both through these schemas. Endpoints in requests and
 * answers are as seen on the run's private network.
 */
export interface Route<Req, Res> {
  /** the container that serves it */
  readonly container: ContainerRole;
  /** "METHOD /path" */
  readonly path: string;
  readonly request: z.ZodType<Req>;
  readonly response: z.ZodType<Res>;
}

export function route<Req, Res>(container: ContainerRole, path: string, request: z.ZodType<Req>, response: z.ZodType<Res>): Route<Req, Res> {
  return { container, path, request, response };
}

/** What a side needs where it runs: the scenario's material and simulators, in process or in its container. */
export interface SideRuntime {
  pki: TestPki;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  transcript: TranscriptSink;
  /** the scenario's EVVM Server simulator, started on first use */
  evvmServer(): Promise<EvvmServer>;
  /** the scenario's EVVM Client simulator */
  evvmClient(): Promise<EvvmClientRole>;
}

/**
 * A side of a role: a route (so it can run in its container) with the code that runs there. `toNetwork`
 * rewrites the endpoints a request carries (as the harness sees them) for the run's private network.
 */
export interface Side<Req, Res> extends Route<Req, Res> {
  run(request: Req, where: SideRuntime): Promise<Res>;
  toNetwork?(request: Req, onNetwork: <E extends { host: string; port: number }>(endpoint: E) => E): Req;
}

const sides: Array<Side<unknown, unknown>> = [];

export function side<Req, Res>(container: ContainerRole, path: string, request: z.ZodType<Req>, response: z.ZodType<Res>, run: Side<Req, Res>['run'], toNetwork?: Side<Req, Res>['toNetwork']): Side<Req, Res> {
  const s: Side<Req, Res> = { ...route(container, path, request, response), run, ...(toNetwork ? { toNetwork } : {}) };
  sides.push(s as unknown as Side<unknown, unknown>);
  return s;
}

/** Every side a loaded contract declares: what each container serves. */
export function definedSides(): ReadonlyArray<Side<unknown, unknown>> {
  return sides;
}
