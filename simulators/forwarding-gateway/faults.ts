/** The Forwarding Gateway's fault switches; names and descriptions live in simulators/faults.ts. */
import { faultsOf } from '../faults';

export const FORWARDING_GATEWAY_FAULTS = faultsOf('forwarding-gateway');
export type ForwardingGatewayFault = (typeof FORWARDING_GATEWAY_FAULTS)[number];

export function isForwardingGatewayFault(name: string): name is ForwardingGatewayFault {
  return (FORWARDING_GATEWAY_FAULTS as readonly string[]).includes(name);
}
