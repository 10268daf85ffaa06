/** The Forwarding Gateway's fault switches; names and descriptions live in simulators/faults.ts. */
import { roleFaults, type RoleFault } from '../fault-set';

export type ForwardingGatewayFault = RoleFault<'forwarding-gateway'>;

export const FORWARDING_GATEWAY_FAULTS = roleFaults('forwarding-gateway', 'Forwarding Gateway');
