/**
 * The CPM Message Storage Server simulator (OMA-TS-CPM_MessageStorage §5.1.2, IF-5): the IMAP core with
 * the CPM authentication profile (backend.ts), implicit TLS and STARTTLS, client certificates, PSK-TLS with
 * provisioned identities (RFC 4279 suites on TLS 1.2, external PSK on TLS 1.3), and the subscription that
 * pre-configures a user's password (CPM-MS-AUTH-04) and hands it to the client's configuration out of band.
 */
import { randomBytes } from 'node:crypto';
import type { ImapServer } from '../protocol/imap/server/server';
import { ImapServerRole, type ImapConnectionObservation, type ImapRoleOptions, type ImapServerObservations } from '../protocol/imap/server/role-server';
import type { MechanismName } from '../protocol/sasl/types';
import { MessageStorageBackend, type MessageStoragePolicy } from './backend';
import { MESSAGE_STORAGE_FAULTS } from './faults';
import { Subscribers, type SubscriberSpec } from './subscribers';

/** actor defaults to 'Message Storage Server', peer to 'IMAP client'; tls.psk: more with provisionPsk. */
export interface MessageStorageServerOptions extends ImapRoleOptions {
  policy: MessageStoragePolicy;
  subscribers: SubscriberSpec[];
}

/** What the CPM system hands the user's client configuration when the user subscribes (out of band). */
export interface ClientConfiguration {
  username: string;
  password: string;
}

export type StorageConnection = ImapConnectionObservation;
export type MessageStorageObservations = ImapServerObservations;

/** A random credential: nothing hard-coded, so no hard-coded result can pass. */
function freshPassword(): string {
  return randomBytes(15).toString('base64url');
}

export const ALL_MECHANISMS: readonly MechanismName[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'];

export class MessageStorageServer extends ImapServerRole<'message-storage'> {
  private readonly subscribers = new Subscribers();
  private readonly psks = new Map<string, Buffer>();
  protected override readonly backend: MessageStorageBackend;
  protected override readonly imap: ImapServer;
  /** shared-preconfigured-password: the one password every subscription gets */
  private readonly sharedPassword = freshPassword();

  constructor(options: MessageStorageServerOptions) {
    super(options, 'Message Storage Server', MESSAGE_STORAGE_FAULTS.own(options.faults));
    for (const spec of options.subscribers) this.addSubscriber(spec);
    for (const [identity, key] of Object.entries(options.tls.psk ?? {})) this.addPsk(identity, key);
    this.backend = new MessageStorageBackend(this.actor, options.policy, this.subscribers, (id) => this.pskOf(id), this.faults, this.transcript);
    this.imap = this.imapCore(options, {
      peer: 'IMAP client',
      connPrefix: 'mss',
      policy: options.policy,
      // always on: identities can be provisioned while the server runs
      psk: (identity: string) => this.pskOf(identity),
      backend: this.backend,
      // FAULT message-storage:accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete, PSK-TLS included.
      legacyTls: () => this.faults.has('message-storage:accept-legacy-tls'),
    });
  }

  private addSubscriber(spec: SubscriberSpec): void {
    this.secret(spec.password);
    this.secret(spec.tuiPin);
    this.secret(spec.sip?.password);
    this.subscribers.add(spec);
  }

  private addPsk(identity: string, key: Buffer): void {
    this.secret(key);
    this.psks.set(identity, key);
  }

  private pskOf(identity: string): Buffer | undefined {
    const key = this.psks.get(identity);
    if (key) return key;
    // FAULT message-storage:accept-unknown-psk (CPM-MS-AUTH-06, STD-06): an identity nobody provisioned is served with the first provisioned key.
    return this.faults.has('message-storage:accept-unknown-psk') ? this.psks.values().next().value : undefined;
  }

  /** Provisions a PSK-TLS identity with a fresh 256-bit key, handed to the peer out of band. */
  provisionPsk(identity: string): Buffer {
    const key = randomBytes(32);
    this.addPsk(identity, key);
    this.transcript.record({ actor: this.actor, channel: 'note', dir: 'event', text: `PSK-TLS identity "${identity}" provisioned (256-bit key, out of band)` });
    return key;
  }

  /**
   * CPM-MS-AUTH-04: the CPM user subscribes; the CPM system pre-configures the Message Storage password
   * and hands it to the client's configuration out of band (the return value), never over IMAP.
   */
  subscribe(spec: Omit<SubscriberSpec, 'password'>): ClientConfiguration {
    // FAULT message-storage:shared-preconfigured-password (CPM-MS-AUTH-04): one password for every subscriber (a "default PIN").
    const password = this.faults.has('message-storage:shared-preconfigured-password') ? this.sharedPassword : freshPassword();
    // FAULT message-storage:no-preconfigured-password (CPM-MS-AUTH-04): the client is told a password the Message Storage never configured.
    const configured = this.faults.has('message-storage:no-preconfigured-password') ? undefined : password;
    this.secret(password);
    this.addSubscriber({ ...spec, ...(configured !== undefined ? { password: configured } : {}) });
    this.transcript.record({
      actor: this.actor,
      channel: 'note',
      dir: 'event',
      text: `CPM user ${spec.username} subscribed: Message Storage password pre-configured by the CPM system and handed to the client configuration out of band`,
    });
    return { username: spec.username, password };
  }

  /** The messages in a subscriber's INBOX (for evidence). */
  messages(username: string): Array<{ uid: number; raw: Buffer }> {
    const s = this.subscribers.byUsername(username);
    if (!s) throw new Error(`no subscriber ${username}`);
    return s.inbox.messages.map((m) => ({ uid: m.uid, raw: m.raw }));
  }
}
