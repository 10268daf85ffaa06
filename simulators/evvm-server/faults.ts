/**
 * The EVVM Server's fault switches. Each makes the server violate one requirement; with none on, the
 * server is conformant. The checks themselves live in backend.ts, each next to the rule it breaks.
 * Names and descriptions live in the project-wide registry, simulators/faults.ts.
 */
import { faultsOf } from '../faults';

export const EVVM_SERVER_FAULTS = faultsOf('evvm-server');

export type EvvmServerFault = (typeof EVVM_SERVER_FAULTS)[number];

export function isEvvmServerFault(name: string): name is EvvmServerFault {
  return (EVVM_SERVER_FAULTS as readonly string[]).includes(name);
}

export class FaultSet {
  private readonly on = new Set<EvvmServerFault>();

  constructor(initial: Iterable<string> = []) {
    for (const f of initial) this.set(f, true);
  }

  set(name: string, on: boolean): void {
    if (!isEvvmServerFault(name)) throw new Error(`unknown EVVM Server fault "${name}" (known: ${EVVM_SERVER_FAULTS.join(', ')})`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  has(name: EvvmServerFault): boolean {
    return this.on.has(name);
  }

  list(): EvvmServerFault[] {
    return [...this.on];
  }
}
