/**
 * Composes the Message Storage link around the EVVM Server (without changing it): every voicemail
 * deposited in a mailbox is stored in the Message Storage Server the EVVM Server is configured for, the
 * way an EVVM deployment keeps its messages in the CPM Message Storage (spec.md a.3, IF-5).
 */
import type { DepositEvent, EvvmServer } from '../evvm-server';
import type { Voicemail } from '../directory';
import { MessageStorageLink, type StorageTarget, type StoreResult } from './storage-link';

export class EvvmServerStorage {
  private target: StorageTarget | undefined;
  private readonly waiting: Array<(r: StoreResult) => void> = [];

  constructor(
    private readonly server: EvvmServer,
    private readonly link: MessageStorageLink,
  ) {
    server.onDeposit((event) => this.onDeposit(event));
  }

  get actor(): string {
    return this.link.actor;
  }

  /** Points the EVVM Server at a Message Storage Server (its IF-5 configuration). */
  configure(target: StorageTarget | undefined): void {
    this.target = target;
  }

  /** Deposits a voicemail in the mailbox the identifier names and resolves when the EVVM Server has stored it in the Message Storage Server. */
  depositAndStore(identifier: string, voicemail: Voicemail): Promise<StoreResult> {
    if (!this.target) return Promise.reject(new Error('the EVVM Server has no Message Storage Server configured'));
    const stored = new Promise<StoreResult>((resolve) => this.waiting.push(resolve));
    this.server.deposit(identifier, voicemail);
    return stored;
  }

  private onDeposit(event: DepositEvent): void {
    const target = this.target;
    if (!target) return;
    void this.link.store(target, event.voicemail.raw).then((r) => this.waiting.shift()?.(r));
  }
}
