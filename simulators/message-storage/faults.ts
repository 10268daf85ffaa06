/**
 * The Message Storage Server's fault switches (names and descriptions in simulators/faults.ts). Each
 * makes the server violate one requirement; the checks live in backend.ts and message-storage-server.ts,
 * next to the rule they break.
 */
import { FaultSet, isFaultIn } from '../fault-set';
import { faultsOf } from '../faults';

export const MESSAGE_STORAGE_FAULTS = faultsOf('message-storage');

export type MessageStorageFault = (typeof MESSAGE_STORAGE_FAULTS)[number];

export const isMessageStorageFault = (name: string): name is MessageStorageFault => isFaultIn(MESSAGE_STORAGE_FAULTS, name);

export class MessageStorageFaults extends FaultSet<MessageStorageFault> {
  constructor(initial: Iterable<string> = []) {
    super(MESSAGE_STORAGE_FAULTS, 'Message Storage Server', initial);
  }
}
