/** The CPM Message Storage Server simulator (IF-5). */
export { MessageStorageServer, ALL_MECHANISMS, type MessageStorageServerOptions, type ClientConfiguration, type MessageStorageObservations, type StorageConnection } from './message-storage-server';
export { MessageStorageBackend, type MessageStoragePolicy, type StorageAuthentication } from './backend';
export { Subscribers, Subscriber, type SubscriberSpec } from './subscribers';
export { MESSAGE_STORAGE_FAULTS, type MessageStorageFault } from './faults';
