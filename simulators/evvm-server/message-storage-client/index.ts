/** The EVVM Server as an IMAP client of the CPM Message Storage Server (IF-5, EVVM-AUTH-05). */
export { MessageStorageLink, messageIdOf, type StorageTarget, type StoreResult, type StorageLinkOptions } from './storage-link';
export { EvvmServerStorage } from './evvm-server-storage';
