export { ForwardingGateway, type ForwardingGatewayOptions, type GatewayReceipt, type ExternalDelivery } from './forwarding-gateway';
export { FORWARDING_GATEWAY_FAULTS, isForwardingGatewayFault, type ForwardingGatewayFault } from './faults';
