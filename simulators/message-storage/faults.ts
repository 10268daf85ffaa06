/**
 * The Message Storage Server's fault switches (names and descriptions in simulators/faults.ts). Each
 * makes the server violate one requirement; the checks live in backend.ts and message-storage-server.ts,
 * next to the rule they break.
 */
import { roleFaults, type RoleFault } from '../fault-set';

export type MessageStorageFault = RoleFault<'message-storage'>;

export const MESSAGE_STORAGE_FAULTS = roleFaults('message-storage', 'Message Storage Server');
