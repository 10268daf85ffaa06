import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import type { Iut, IutOf, IutRole } from '../profile/sections/iut';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../engine/outcomes';
import { definedRoles, roleBuilder, type RoleBuilder, type RoleContext, type RoleMap, type RoleName, type SideCaller } from '../roles/contract';

export type { RoleMap, RoleName };

/**
 * Loads every module of a folder (compiled .js): each clause's contract (harness/roles) and each
 * topology's implementation of it (harness/topology/embedded, …/containers) registers itself, so adding a
 * clause adds files and touches no list.
 */
export function loadFolder(dir: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) require(path.join(dir, file));
}

/** What every topology's role factory gets: the run's shared material and the scenario's transcript. */
interface ScenarioContext extends RoleContext {
  /** registers a clean-up that runs when the scenario ends, in reverse order */
  onStop(stop: () => Promise<void>): void;
}

/** What an embedded role factory gets. */
export interface EmbeddedContext extends ScenarioContext {
  /** the embedded EVVM Server simulator itself, for clauses that add interfaces to it (SMS, SMTP, storage) */
  evvmServer(): Promise<EvvmServer>;
}

/**
 * What a container role factory gets (harness/topology/containers): the containers, each begun for this
 * scenario on first use.
 */
export interface ContainersContext extends ScenarioContext {
  /** calls a route of a role's contract in its container, with this scenario begun there; the answer is checked against the route's schema */
  call<Req, Res>(route: import('../roles/contract').Route<Req, Res>, request: Req): Promise<Res>;
  /** the control API of a role's container, with this scenario begun there */
  control(role: import('./containers/names').ContainerRole): Promise<import('./containers/control-client').ControlClient>;
  /** where the harness reaches one of a container's fixed ports: a tunnel on 127.0.0.1 */
  published(role: import('./containers/names').ContainerRole, containerPort: number): { host: string; port: number };
  /** the inverse: where on the private network an endpoint the harness sees is (what containers connect to) */
  onNetwork<E extends { host: string; port: number }>(endpoint: E): E;
  /** and back: where the harness reaches an endpoint of the private network (undefined: not a container's fixed port) */
  fromNetwork<E extends { host: string; port: number }>(endpoint: E): E | undefined;
}

/**
 * What an external role factory gets (harness/topology/external/<clause>.ts): the vendor's implementation
 * under test, named by the profile, in the role it plays; the harness plays every other role embedded.
 */
export interface ExternalContext<I extends Iut = Iut> extends ScenarioContext {
  iut: I;
  /** the harness's own implementation of a role, for a vendor role that builds on it */
  inner<K extends RoleName>(name: K): Promise<RoleMap[K]>;
  /** connects to the IUT's ports, so the scenario has reached it; an unreachable IUT is inconclusive */
  reach(what: string, ports: Array<number | undefined>): Promise<void>;
  /** the scenario reached the IUT by other means (a client under test connected to the harness) */
  involve(): void;
}

/** How one topology provides the roles: a factory per RoleMap name, started once per scenario. */
class RoleFactories<Ctx> {
  private readonly factories = new Map<string, (ctx: Ctx) => Promise<unknown>>();

  /** @param caller how this topology runs a role's sides, for roles their contract builds (none: a vendor's topology, which implements only its own roles) */
  constructor(
    private readonly topology: string,
    private readonly caller?: (ctx: Ctx) => SideCaller,
  ) {}

  /** Throws, naming them, when a role some contract defines has no implementation here: at load, not in a scenario. */
  assertComplete(): void {
    loadFolder(path.join(__dirname, '..', 'roles'));
    const missing = definedRoles().filter((name) => !this.factories.has(name) && !roleBuilder(name));
    if (missing.length) throw new HarnessError(`the ${this.topology} topology implements no role ${missing.map((m) => `"${m}"`).join(', ')} (add harness/topology/${this.topology === 'container' ? 'containers' : this.topology}/<clause>.ts)`);
  }

  has(name: RoleName): boolean {
    return this.factories.has(name);
  }

  register<K extends RoleName>(name: K, factory: (ctx: Ctx) => Promise<RoleMap[K]>): void {
    if (this.factories.has(name)) throw new Error(`${this.topology} role "${String(name)}" registered twice`);
    this.factories.set(name, factory);
  }

  /** The scenario's instance of a role (`started` memoises it), made on first use. */
  instance<K extends RoleName>(name: K, started: Map<string, Promise<unknown>>, ctx: Ctx): Promise<RoleMap[K]> {
    let role = started.get(name) as Promise<RoleMap[K]> | undefined;
    if (!role) {
      const build = roleBuilder(name) as RoleBuilder<RoleMap[K]> | undefined;
      const caller = this.caller;
      const factory = (this.factories.get(name) as ((ctx: Ctx) => Promise<RoleMap[K]>) | undefined) ?? (build && caller && ((c: Ctx) => build(c as Ctx & ScenarioContext, caller(c))));
      if (!factory) return Promise.reject(new HarnessError(`no ${this.topology} implementation of role "${String(name)}"`));
      started.set(name, (role = factory(ctx)));
    }
    return role;
  }
}

export type EmbeddedFactory<T> = (ctx: EmbeddedContext) => Promise<T>;
// In process, a side runs right here, beside the embedded simulators.
export const embeddedRoles = new RoleFactories<EmbeddedContext>('embedded', (ctx) => (s, request) =>
  s.run(request, { ...ctx, evvmServer: () => ctx.evvmServer(), evvmClient: () => ctx.topology.evvmClient() }),
);
// In containers, a side runs in its container (harness/simulate/driven/sides.ts serves every one).
export const containerRoles = new RoleFactories<ContainersContext>('container', (ctx) => (s, request) =>
  ctx.call(s, s.toNetwork ? s.toNetwork(request, (e) => ctx.onNetwork(e)) : request),
);

/** The roles a vendor's implementation plays, by the role the profile names it in (iut.role). */
const externalByIut = new Map<IutRole, RoleFactories<ExternalContext>>();
export function externalRoles(iut: IutRole): RoleFactories<ExternalContext> {
  let roles = externalByIut.get(iut);
  if (!roles) externalByIut.set(iut, (roles = new RoleFactories<ExternalContext>('external')));
  return roles;
}

export function registerEmbeddedRole<K extends RoleName>(name: K, factory: EmbeddedFactory<RoleMap[K]>): void {
  embeddedRoles.register(name, factory);
}

export function registerContainerRole<K extends RoleName>(name: K, factory: (ctx: ContainersContext) => Promise<RoleMap[K]>): void {
  containerRoles.register(name, factory);
}

/** Registers the vendor's implementation of a role, used when the profile names an IUT in the role `iut`. */
export function registerExternalRole<R extends IutRole, K extends RoleName>(iut: R, name: K, factory: (ctx: ExternalContext<IutOf<R>>) => Promise<RoleMap[K]>): void {
  // the factories of `iut` are only ever handed a context whose iut plays that role (ExternalTopology.role)
  externalRoles(iut).register(name, factory as (ctx: ExternalContext) => Promise<RoleMap[K]>);
}
