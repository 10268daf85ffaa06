/**
 * The EVVM Client's fault switches, for IMAP retrieval (evvm-client.ts), SMS notifications (sms/) and
 * content security (content/). Names and descriptions live in simulators/faults.ts.
 */
import { roleFaults, type RoleFault } from '../fault-set';

export type EvvmClientFault = RoleFault<'evvm-client'>;

export const EVVM_CLIENT_FAULTS = roleFaults('evvm-client', 'EVVM Client');
