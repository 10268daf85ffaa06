/** The Non-OMA Standard VM Service's fault switches; names and descriptions live in simulators/faults.ts. */
import { roleFaults, type RoleFault } from '../fault-set';

export type NonOmaVmFault = RoleFault<'non-oma-vm'>;

export const NON_OMA_VM_FAULTS = roleFaults('non-oma-vm', 'Non-OMA VM Service');
