/**
 * The one way a simulator reads its faults: a FaultSet of its role, `faults.has('smsc:bind-without-password')`,
 * the name type-checked against the role's names in the registry (simulators/faults.ts). Each role's
 * faults.ts makes its set; every place a fault changes behaviour carries a `// FAULT role:name (REQ-ID)`
 * mark naming the requirements the catalogue pairs it with (tests/catalogue/fault-sites.test.ts).
 */
import { faultsOf, isKnownFault, type FaultName } from './faults';

/** The fault names of one role: RoleFault<'smsc'> is 'smsc:trust-source-addr' | 'smsc:bind-without-password' | … */
export type RoleFault<R extends string> = Extract<FaultName, `${R}:${string}`>;

/** The switches as a fault site sees them: it reads them; only the role's control API switches them. */
export type FaultReader<R extends string> = Pick<FaultSet<R>, 'has'>;

/**
 * The fault switches that are on in one simulator. An unknown name is refused, so that a typo never
 * leaves a simulator silently conformant while `selftest` believes a fault is on.
 */
export class FaultSet<R extends string> {
  private readonly known: ReadonlyArray<RoleFault<R>>;
  private readonly on = new Set<RoleFault<R>>();

  /**
   * Only the role's own names: any other is refused.
   * @param role the names' prefix: 'evvm-server'
   * @param simulator the role's name in the spec's words, for the error message
   */
  constructor(
    role: R,
    private readonly simulator: string,
    initial: Iterable<string> = [],
  ) {
    this.known = faultsOf(role);
    for (const f of initial) this.set(f, true);
  }

  /**
   * The role's own switches among a run's faults, for a part that is handed every role's faults: the
   * other roles' names are not its business, a name no role has is still refused.
   */
  static among<R extends string>(role: R, simulator: string, run: Iterable<string> = []): FaultSet<R> {
    const names = [...run];
    const unknown = names.find((f) => !isKnownFault(f));
    if (unknown !== undefined) throw new Error(`unknown fault "${unknown}" (the ${simulator} takes its own from a run's faults)`);
    return new FaultSet(role, simulator, names.filter((f) => f.startsWith(`${role}:`)));
  }

  /** Whether a name is one of this role's faults (the control API checks names before switching them). */
  isFault(name: string): name is RoleFault<R> {
    return (this.known as readonly string[]).includes(name);
  }

  set(name: string, on: boolean): void {
    if (!this.isFault(name)) throw new Error(`unknown ${this.simulator} fault "${name}" (known: ${this.known.join(', ')})`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  has(name: RoleFault<R>): boolean {
    return this.on.has(name);
  }
}

/**
 * A role's way to make its FaultSet: `own` for a part handed the role's faults only (any other name is
 * refused), `among` for a part handed a run's faults (see FaultSet.among).
 */
export function roleFaults<R extends string>(role: R, simulator: string) {
  return {
    own: (faults: Iterable<string> = []): FaultSet<R> => new FaultSet(role, simulator, faults),
    among: (run: Iterable<string> = []): FaultSet<R> => FaultSet.among(role, simulator, run),
  };
}
