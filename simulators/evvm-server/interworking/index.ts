export {
  EvvmInterworking,
  LINKS,
  SIGNATURE_INVALID_FLAG,
  type LinkName,
  type SmtpInterface,
  type LinkSettings,
  type EvvmInterworkingOptions,
  type OutboundDelivery,
  type InboundMessage,
  type InterworkingObservations,
  type InterworkingPorts,
} from './interworking';
