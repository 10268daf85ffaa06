export { ForwardingGateway, type ForwardingGatewayOptions, type GatewayReceipt, type ExternalDelivery } from './forwarding-gateway';
export { FORWARDING_GATEWAY_FAULTS, type ForwardingGatewayFault } from './faults';
