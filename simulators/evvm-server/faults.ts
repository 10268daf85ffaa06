/**
 * The EVVM Server's fault switches. Each makes the server violate one requirement; with none on, the
 * server is conformant. The checks themselves live in backend.ts, each next to the rule it breaks.
 * Names and descriptions live in the project-wide registry, simulators/faults.ts.
 */
import { FaultSet, isFaultIn } from '../fault-set';
import { faultsOf } from '../faults';

export const EVVM_SERVER_FAULTS = faultsOf('evvm-server');

export type EvvmServerFault = (typeof EVVM_SERVER_FAULTS)[number];

export const isEvvmServerFault = (name: string): name is EvvmServerFault => isFaultIn(EVVM_SERVER_FAULTS, name);

export class EvvmServerFaults extends FaultSet<EvvmServerFault> {
  constructor(initial: Iterable<string> = []) {
    super(EVVM_SERVER_FAULTS, 'EVVM Server', initial);
  }
}
