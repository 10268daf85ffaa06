/** Fault switches, generic over a simulator's fault names (each role's faults.ts names its own). */

/** Whether a name is one of a simulator's fault names (for the role's isXFault guard). */
export function isFaultIn<F extends string>(known: readonly F[], name: string): name is F {
  return (known as readonly string[]).includes(name);
}

/**
 * The fault switches that are on in one simulator. Names come from the project-wide registry
 * (simulators/faults.ts); an unknown name is refused, so that a typo never leaves a simulator silently
 * conformant while `selftest` believes a fault is on.
 */
export class FaultSet<F extends string> {
  private readonly on = new Set<F>();

  /**
   * @param known the simulator's own fault names (faultsOf(role))
   * @param simulator the simulator's name in the spec's words, for the error message
   */
  constructor(
    private readonly known: readonly F[],
    private readonly simulator: string,
    initial: Iterable<string> = [],
  ) {
    for (const f of initial) this.set(f, true);
  }

  set(name: string, on: boolean): void {
    if (!isFaultIn(this.known, name)) throw new Error(`unknown ${this.simulator} fault "${name}" (known: ${this.known.join(', ')})`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  has(name: F): boolean {
    return this.on.has(name);
  }

  list(): F[] {
    return [...this.on];
  }
}
