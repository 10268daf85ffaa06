/** The Non-OMA Standard VM Service's fault switches; names and descriptions live in simulators/faults.ts. */
import { faultsOf } from '../faults';

export const NON_OMA_VM_FAULTS = faultsOf('non-oma-vm');
export type NonOmaVmFault = (typeof NON_OMA_VM_FAULTS)[number];

export function isNonOmaVmFault(name: string): name is NonOmaVmFault {
  return (NON_OMA_VM_FAULTS as readonly string[]).includes(name);
}
