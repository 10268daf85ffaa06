/**
 * The CPM Message Storage Server simulator (OMA-TS-CPM_MessageStorage §5.1.2, IF-5): the IMAP core with
 * the CPM authentication profile (backend.ts), implicit TLS and STARTTLS, client certificates, PSK-TLS with
 * provisioned identities (RFC 4279 suites on TLS 1.2, external PSK on TLS 1.3), and the subscription that
 * pre-configures a user's password (CPM-MS-AUTH-04) and hands it to the client's configuration out of band.
 */
import { randomBytes } from 'node:crypto';
import { nullSink, type Transcript, type TranscriptSink } from '../../harness/evidence/transcript';
import type { TlsInfo } from '../protocol/imap/server/backend';
import { ImapServer } from '../protocol/imap/server/server';
import type { MechanismName } from '../protocol/sasl/types';
import { MessageStorageBackend, type MessageStoragePolicy, type StorageAuthentication } from './backend';
import { MessageStorageFaults, type MessageStorageFault } from './faults';
import { Subscribers, type SubscriberSpec } from './subscribers';

export interface MessageStorageServerOptions {
  /** transcript name, default 'Message Storage Server' */
  actor?: string;
  /** the other end in transcripts, default 'IMAP client' */
  peer?: string;
  host?: string;
  listen: { implicitTls?: boolean; starttls?: boolean };
  ports?: { imaps?: number; imap?: number };
  tls: {
    key: string;
    /** leaf then intermediates */
    cert: string;
    /** trust anchor for client certificates */
    ca?: string;
    /** CRLs for every CA of the client chain */
    crl?: string | string[];
    /** PSK-TLS identities provisioned at start (more with provisionPsk) */
    psk?: Record<string, Buffer>;
  };
  policy: MessageStoragePolicy;
  subscribers: SubscriberSpec[];
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

/** What the CPM system hands the user's client configuration when the user subscribes (out of band). */
export interface ClientConfiguration {
  username: string;
  password: string;
}

export interface StorageConnection {
  conn: string;
  secure: boolean;
  tls?: { protocol: string | null; cipher: string; viaStartTls: boolean; pskIdentity?: string; clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string } };
  tlsError?: string;
  pipelinedAfterStartTls?: Buffer;
  clientBytes: Buffer;
}

export interface MessageStorageObservations {
  authentications: StorageAuthentication[];
  connections: StorageConnection[];
}

function hasSecret(sink: TranscriptSink): sink is TranscriptSink & Pick<Transcript, 'secret'> {
  return typeof (sink as Partial<Transcript>).secret === 'function';
}

/** A random credential: nothing hard-coded, so no hard-coded result can pass. */
function freshPassword(): string {
  return randomBytes(15).toString('base64url');
}

export const ALL_MECHANISMS: readonly MechanismName[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL'];

export class MessageStorageServer {
  readonly actor: string;
  private readonly subscribers = new Subscribers();
  private readonly psks = new Map<string, Buffer>();
  private readonly faultSet: MessageStorageFaults;
  private readonly backend: MessageStorageBackend;
  private readonly imap: ImapServer;
  private readonly transcript: TranscriptSink;
  /** shared-preconfigured-password: the one password every subscription gets */
  private readonly sharedPassword = freshPassword();

  constructor(options: MessageStorageServerOptions) {
    this.actor = options.actor ?? 'Message Storage Server';
    this.transcript = options.transcript ?? nullSink;
    this.faultSet = new MessageStorageFaults(options.faults ?? []);
    for (const spec of options.subscribers) this.addSubscriber(spec);
    for (const [identity, key] of Object.entries(options.tls.psk ?? {})) this.addPsk(identity, key);
    this.backend = new MessageStorageBackend(this.actor, options.policy, this.subscribers, (id) => this.pskOf(id), this.faultSet, this.transcript);
    this.imap = new ImapServer({
      actor: this.actor,
      peer: options.peer ?? 'IMAP client',
      connPrefix: 'mss',
      host: options.host ?? '127.0.0.1',
      listen: { implicitTls: !!options.listen.implicitTls, starttls: !!options.listen.starttls },
      ...(options.ports ? { ports: options.ports } : {}),
      tls: {
        key: options.tls.key,
        cert: options.tls.cert,
        requestCert: options.policy.clientCertificate !== 'none' || options.policy.saslMechanisms.includes('EXTERNAL'),
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
        ...(options.tls.crl ? { crl: options.tls.crl } : {}),
        // always on: identities can be provisioned while the server runs
        psk: (identity: string) => this.pskOf(identity),
      },
      backend: this.backend,
      transcript: this.transcript,
    });
  }

  start(): Promise<{ imaps?: number; imap?: number }> {
    return this.imap.start();
  }

  stop(): Promise<void> {
    return this.imap.stop();
  }

  private secret(value: string | Buffer | undefined): void {
    if (value !== undefined && hasSecret(this.transcript)) this.transcript.secret(value);
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
    // FAULT accept-unknown-psk: an identity nobody provisioned is served with the first provisioned key.
    return this.faultSet.has('message-storage:accept-unknown-psk') ? this.psks.values().next().value : undefined;
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
    // FAULT shared-preconfigured-password: one password for every subscriber (a "default PIN").
    const password = this.faultSet.has('message-storage:shared-preconfigured-password') ? this.sharedPassword : freshPassword();
    // FAULT no-preconfigured-password: the client is told a password the Message Storage never configured.
    const configured = this.faultSet.has('message-storage:no-preconfigured-password') ? undefined : password;
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

  setFault(name: string, on: boolean): void {
    this.faultSet.set(name, on);
  }

  faults(): MessageStorageFault[] {
    return this.faultSet.list();
  }

  observations(): MessageStorageObservations {
    return {
      authentications: this.backend.authentications.map((a) => ({ ...a })),
      connections: this.imap.connections().map((c) => {
        const o: StorageConnection = { conn: c.conn, secure: c.secure, clientBytes: c.clientBytes };
        if (c.tls) o.tls = tlsObservation(c.tls);
        if (c.tlsError) o.tlsError = c.tlsError;
        if (c.pipelinedAfterStartTls) o.pipelinedAfterStartTls = c.pipelinedAfterStartTls;
        return o;
      }),
    };
  }
}

function tlsObservation(t: TlsInfo): NonNullable<StorageConnection['tls']> {
  const o: NonNullable<StorageConnection['tls']> = { protocol: t.protocol, cipher: t.cipher, viaStartTls: t.viaStartTls };
  if (t.pskIdentity !== undefined) o.pskIdentity = t.pskIdentity;
  if (t.peerCertificate || t.authorizationError) {
    o.clientCertificate = { authorized: !!t.peerCertificate && t.authorized };
    if (t.authorizationError) o.clientCertificate.authorizationError = t.authorizationError;
    if (t.peerCertificate) o.clientCertificate.subject = t.peerCertificate.subject;
  }
  return o;
}
