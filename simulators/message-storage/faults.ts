/**
 * The Message Storage Server's fault switches (names and descriptions in simulators/faults.ts). Each
 * makes the server violate one requirement; the checks live in backend.ts and message-storage-server.ts,
 * next to the rule they break.
 */
import { faultsOf } from '../faults';

export const MESSAGE_STORAGE_FAULTS = faultsOf('message-storage');

export type MessageStorageFault = (typeof MESSAGE_STORAGE_FAULTS)[number];

export function isMessageStorageFault(name: string): name is MessageStorageFault {
  return (MESSAGE_STORAGE_FAULTS as readonly string[]).includes(name);
}

export class MessageStorageFaults {
  private readonly on = new Set<MessageStorageFault>();

  constructor(initial: Iterable<string> = []) {
    for (const f of initial) this.set(f, true);
  }

  set(name: string, on: boolean): void {
    if (!isMessageStorageFault(name)) throw new Error(`unknown Message Storage Server fault "${name}" (known: ${MESSAGE_STORAGE_FAULTS.join(', ')})`);
    if (on) this.on.add(name);
    else this.on.delete(name);
  }

  has(name: MessageStorageFault): boolean {
    return this.on.has(name);
  }

  list(): MessageStorageFault[] {
    return [...this.on];
  }
}
