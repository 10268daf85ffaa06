/** The CPM Message Storage Server simulator (IF-5) and the CPM client the harness plays toward it. */
export { MessageStorageServer, ALL_MECHANISMS, type MessageStorageServerOptions, type ClientConfiguration, type MessageStorageObservations, type StorageConnection } from './message-storage-server';
export { MessageStorageBackend, type MessageStoragePolicy, type StorageAuthentication } from './backend';
export { Subscribers, Subscriber, type SubscriberSpec } from './subscribers';
export { MESSAGE_STORAGE_FAULTS, type MessageStorageFault } from './faults';
export { CpmClient, pskTlsOptions, unreachable, type CpmClientOptions, type Attempt, type PskCredential, type PskVersion } from './cpm-client';
