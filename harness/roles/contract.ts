/**
 * Role contracts: what a role is (its interface, in harness/roles/<clause>.ts), topology-free. The
 * embedded, container and external topologies are implementations of the same contracts; a topology that
 * lacks one fails when it loads, not when a scenario first asks for the role.
 *
 * A clause declares its role by declaration merging, then defines it at run time:
 *
 *   declare module './contract' { interface RoleMap { content: ContentRole } }
 *   defineRole('content');
 *
 * and steps ask `world.topology.role('content')`.
 */
import type { z } from 'zod';
import type { ContainerRole } from '../topology/containers/names';

// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by declaration merging
export interface RoleMap {}
export type RoleName = keyof RoleMap;

const defined = new Set<RoleName>();

/** Declares that every topology must provide the role `name`. */
export function defineRole(name: RoleName): void {
  defined.add(name);
}

/** Every role a loaded contract defines. */
export function definedRoles(): readonly RoleName[] {
  return [...defined].sort();
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
