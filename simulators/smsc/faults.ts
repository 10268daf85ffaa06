/** The SMSC's fault switches; names and descriptions live in simulators/faults.ts. */
import { roleFaults, type RoleFault } from '../fault-set';

export type SmscFault = RoleFault<'smsc'>;

export const SMSC_FAULTS = roleFaults('smsc', 'SMSC');
