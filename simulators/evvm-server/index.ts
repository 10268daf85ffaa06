export { EvvmServer, type EvvmServerOptions, type EvvmServerObservations, type EvvmConnectionObservation } from './evvm-server';
export { VVM_TEXT, type EvvmPolicy, type AuthenticationObservation } from './backend';
export type { MailboxSpec, Voicemail } from './directory';
export { EVVM_SERVER_FAULTS, type EvvmServerFault } from './faults';
export { normalizeIdentifier, sameIdentifier } from './identifiers';
