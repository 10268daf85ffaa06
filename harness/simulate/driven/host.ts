/**
 * `simulate ROLE --driven`: a simulator the harness drives scenario by scenario (the container topology).
 * The harness hands it the run's PKI, accounts and profile once (POST /setup); each scenario then begins
 * with its faults (POST /scenario/begin), starts what it needs through the role's routes, and ends with
 * the transcript the role wrote (POST /scenario/end), which the harness merges into the scenario's evidence.
 * Simulators are made fresh per scenario, as in the embedded topology, behind the container's fixed ports.
 */
import { z } from 'zod';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import { importPki, type PkiTransfer } from '../../../simulators/crypto/pki/transfer';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { isKnownFault } from '../../../simulators/faults';
import { ControlError, ControlServer, type Handler } from '../../control/control-server';
import { Transcript, type TranscriptEntry } from '../../../evidence/transcript';
import { registerSecret } from '../../../evidence/secrets';
import type { Profile } from '../../profile/profile';
import type { TestAccount } from '../../topology/accounts';
import { parseBody } from '../body';
import { RelayPool } from './relay';
import { CONTAINER_ROLES } from '../../topology/containers/names';
import type { Route } from '../../roles/contract';

/**
 * The container's control port (the only one it publishes) and the fixed ports its simulators are
 * reached on: by other containers directly, by the harness through the control port (HTTP CONNECT).
 */
export const CONTROL_PORT = 7000;
export const POOL_PORTS: readonly number[] = Array.from({ length: 16 }, (_, i) => 7001 + i);

/** What the harness sends once per run. */
export interface DrivenSetup {
  pki: PkiTransfer;
  accounts: TestAccount[];
  profile: Profile;
  /** where every role of the run is reached on the private network: role → host name */
  peers: Record<string, string>;
  /** secrets only the harness knows of that this role will see (SMPP passwords, PSKs) */
  secrets?: string[];
}

export interface DrivenRun {
  pki: TestPki;
  accounts: readonly TestAccount[];
  profile: Profile;
  peers: Readonly<Record<string, string>>;
}

/** One scenario inside this process: its simulators, its transcript, and what ends them. */
export class Scope {
  readonly transcript = new Transcript();
  readonly activity = new Activity();
  readonly startedAt = Date.now();
  private readonly stoppers: Array<() => Promise<void> | void> = [];
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly run: DrivenRun,
    readonly faults: readonly string[],
    private readonly relays: RelayPool,
    secrets: readonly string[],
  ) {
    for (const a of run.accounts) for (const s of [a.password, a.tuiPin]) this.transcript.secret(s);
    for (const s of secrets) this.transcript.secret(s);
  }

  /** The scenario's single instance of something (a role's simulator), made on first use. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = make()));
    return p;
  }

  /** What `once(key, …)` made; a route that needs it before it was started is a 400 naming `what`. */
  started<T>(key: string, what: string): Promise<T> {
    const p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) throw new ControlError(`${what} has not been started in this scenario`);
    return p;
  }

  onEnd(stop: () => Promise<void> | void): void {
    this.stoppers.push(stop);
  }

  /** Publishes a simulator's loopback port on one of the container's fixed ports. */
  expose(port: number): Promise<number> {
    return this.relays.expose(port);
  }

  /** The host name another role of the run has on the private network. */
  peer(role: string): string {
    const host = this.run.peers[role];
    if (!host) throw new ControlError(`no role "${role}" in this run's network`);
    return host;
  }

  faultsOf(prefix: string): string[] {
    return this.faults.filter((f) => f.startsWith(`${prefix}:`));
  }

  async end(): Promise<void> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
    await this.relays.releaseAll();
  }
}

/** A role's routes, given a way to reach the current scenario (a 409 when none has begun). */
export type DrivenRoutes = (scope: () => Scope) => Record<string, Handler>;

const routesByRole = new Map<string, DrivenRoutes[]>();

/** Adds routes to a driven role; several clauses add theirs to the same role (the EVVM Server's SMS, SMTP, …). */
export function registerDrivenRoutes(role: string, routes: DrivenRoutes): void {
  routesByRole.set(role, [...(routesByRole.get(role) ?? []), routes]);
}

/**
 * Serves a route of a role's contract (harness/roles/<clause>.ts) in its container: the request is
 * checked against the route's schema (a bad one is a 400), the answer is what the harness's client parses.
 */
export function serve<Req, Res>(route: Route<Req, Res>, handle: (request: Req, scope: Scope) => Promise<Res> | Res): void {
  registerDrivenRoutes(route.container, (scope) => ({ [route.path]: (body) => handle(parseBody(route.request, body), scope()) }));
}

/** The roles a container can play: one per container of the fleet. */
export function drivenRoleNames(): string[] {
  return Object.keys(CONTAINER_ROLES);
}

const SetupBody = z.object({ pki: z.unknown(), accounts: z.array(z.unknown()), profile: z.unknown(), peers: z.record(z.string(), z.string()), secrets: z.array(z.string()).optional() });
const BeginBody = z.object({ faults: z.array(z.string()).default([]) });

export class DrivenHost {
  private run?: DrivenRun;
  private secrets: string[] = [];
  private scope?: Scope;
  private readonly relays: RelayPool;
  private readonly control: ControlServer;

  constructor(readonly role: string, options: { poolPorts?: readonly number[]; host?: string } = {}) {
    const builders = routesByRole.get(role) ?? [];
    if (!drivenRoleNames().includes(role)) throw new Error(`role "${role}" cannot be driven (driven roles: ${drivenRoleNames().join(', ')})`);
    this.relays = new RelayPool(options.poolPorts ?? POOL_PORTS, options.host ?? '0.0.0.0');
    const current = (): Scope => {
      if (!this.scope) throw new ControlError('no scenario has begun (POST /scenario/begin)');
      return this.scope;
    };
    const own: Record<string, Handler> = {};
    for (const build of builders) Object.assign(own, build(current));
    this.control = new ControlServer({
      'GET /health': () => ({ role, ready: true, setup: !!this.run }),
      'POST /setup': (b) => this.setup(b),
      'POST /scenario/begin': (b) => this.begin(parseBody(BeginBody, b).faults),
      'POST /scenario/end': () => this.end(),
      ...own,
    }, options.poolPorts ?? POOL_PORTS);
  }

  listen(host: string, port: number): Promise<string> {
    return this.control.listen(host, port);
  }

  private setup(body: unknown): { ok: true } {
    const s = parseBody(SetupBody, body) as DrivenSetup;
    const accounts = s.accounts.map((a) => ({ ...a }));
    for (const a of accounts) for (const x of [a.password, a.tuiPin]) if (x !== undefined) registerSecret(x);
    this.secrets = s.secrets ?? [];
    for (const x of this.secrets) registerSecret(x);
    this.run = { pki: importPki(s.pki), accounts, profile: s.profile, peers: s.peers };
    return { ok: true };
  }

  private async begin(faults: string[]): Promise<{ ok: true }> {
    if (!this.run) throw new ControlError('the run has not been set up (POST /setup)');
    const unknown = faults.find((f) => !isKnownFault(f));
    if (unknown) throw new ControlError(`unknown fault "${unknown}"`);
    if (this.scope) await this.scope.end();
    this.scope = new Scope(this.run, faults, this.relays, this.secrets);
    return { ok: true };
  }

  private async end(): Promise<{ startedAt: number; transcript: readonly TranscriptEntry[] }> {
    const scope = this.scope;
    if (!scope) return { startedAt: Date.now(), transcript: [] };
    this.scope = undefined;
    await scope.end();
    return { startedAt: scope.startedAt, transcript: scope.transcript.entries() };
  }

  async close(): Promise<void> {
    await this.scope?.end();
    await this.control.close();
  }
}
