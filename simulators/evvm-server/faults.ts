/**
 * The EVVM Server's fault switches, for all its interfaces: IMAP (backend.ts), SMTP interworking,
 * SMS notifications, the link to the Message Storage Server and content protection. Names and
 * descriptions live in the project-wide registry, simulators/faults.ts.
 */
import { roleFaults, type RoleFault } from '../fault-set';

export type EvvmServerFault = RoleFault<'evvm-server'>;

export const EVVM_SERVER_FAULTS = roleFaults('evvm-server', 'EVVM Server');
