/**
 * The EVVM Server simulator, IMAP interface (IF-1): mailboxes with several identifiers, VVM refusal
 * texts, TLS policy (implicit TLS, STARTTLS with LOGINDISABLED, client certificates, PSK-TLS), SASL
 * (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, EXTERNAL), and fault switches that each break one requirement.
 */
import { nullSink, type Transcript, type TranscriptSink } from '../../harness/evidence/transcript';
import type { TlsInfo } from '../protocol/imap/server/backend';
import { ImapServer } from '../protocol/imap/server/server';
import { EvvmBackend, type AuthenticationObservation, type EvvmPolicy } from './backend';
import { Directory, type MailboxSpec, type Voicemail } from './directory';
import { FaultSet, type EvvmServerFault } from './faults';

export interface EvvmServerOptions {
  /** transcript name, default 'EVVM Server' */
  actor?: string;
  /** the other end in transcripts, default 'EVVM Client' */
  peer?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** ports are ephemeral unless `ports` says otherwise */
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
    /** PSK-TLS identities and keys */
    psk?: Record<string, Buffer>;
  };
  policy: EvvmPolicy;
  mailboxes: MailboxSpec[];
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

/** What the EVVM Server saw of one connection. */
export interface EvvmConnectionObservation {
  conn: string;
  secure: boolean;
  tls?: {
    protocol: string | null;
    cipher: string;
    viaStartTls: boolean;
    pskIdentity?: string;
    /** present when a certificate was requested or presented */
    clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string; issuer?: string; fingerprint256?: string };
  };
  /** the handshake failure, when there was one */
  tlsError?: string;
  /** bytes pipelined after STARTTLS before the handshake */
  pipelinedAfterStartTls?: Buffer;
  /** every plaintext byte received from the client (after TLS decryption) */
  clientBytes: Buffer;
}

export interface EvvmServerObservations {
  authentications: AuthenticationObservation[];
  connections: EvvmConnectionObservation[];
}

function hasSecret(sink: TranscriptSink): sink is TranscriptSink & Pick<Transcript, 'secret'> {
  return typeof (sink as Partial<Transcript>).secret === 'function';
}

/** A voicemail that reached a mailbox: what the EVVM Server's other interfaces (SMS, interworking) react to. */
export interface DepositEvent {
  /** the identifier it was addressed to */
  identifier: string;
  /** every identifier of the mailbox it landed in */
  mailboxIdentifiers: string[];
  uid: number;
  voicemail: Voicemail;
}

export class EvvmServer {
  readonly actor: string;
  private readonly depositListeners: Array<(event: DepositEvent) => void> = [];
  private readonly directory = new Directory();
  private readonly faultSet: FaultSet;
  private readonly backend: EvvmBackend;
  private readonly imap: ImapServer;
  private readonly transcript: TranscriptSink;
  private readonly requestCert: boolean;

  constructor(options: EvvmServerOptions) {
    this.actor = options.actor ?? 'EVVM Server';
    this.transcript = options.transcript ?? nullSink;
    this.faultSet = new FaultSet(options.faults ?? []);
    for (const spec of options.mailboxes) this.provisionMailbox(spec);
    const psk = options.tls.psk;
    if (psk && hasSecret(this.transcript)) for (const key of Object.values(psk)) this.transcript.secret(key);
    this.backend = new EvvmBackend(this.actor, options.policy, this.directory, this.faultSet, this.transcript);
    this.requestCert = options.policy.clientCertificate !== 'none' || options.policy.saslMechanisms.includes('EXTERNAL');
    this.imap = new ImapServer({
      actor: this.actor,
      peer: options.peer ?? 'EVVM Client',
      host: options.host ?? '127.0.0.1',
      listen: { implicitTls: !!options.listen.implicitTls, starttls: !!options.listen.starttls },
      ...(options.ports ? { ports: options.ports } : {}),
      tls: {
        key: options.tls.key,
        cert: options.tls.cert,
        requestCert: this.requestCert,
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
        ...(options.tls.crl ? { crl: options.tls.crl } : {}),
        ...(psk ? { psk: (identity: string) => psk[identity] } : {}),
      },
      backend: this.backend,
      transcript: this.transcript,
    });
  }

  start(): Promise<{ imaps?: number; imap?: number }> {
    return this.imap.start();
  }

  /** Closes the listeners and every connection at once. */
  stop(): Promise<void> {
    return this.imap.stop();
  }

  /** Adds a mailbox; returns its key. Identifiers must not belong to another mailbox. */
  provisionMailbox(spec: MailboxSpec): string {
    if (hasSecret(this.transcript)) this.transcript.secret(spec.password);
    return this.directory.provision(spec).key;
  }

  /** Deposits a voicemail in the INBOX of the mailbox the identifier belongs to; returns its UID. */
  deposit(identifier: string, voicemail: Voicemail): number {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    const uid = mb.deposit(voicemail);
    const event: DepositEvent = { identifier, mailboxIdentifiers: [...mb.identifiers], uid, voicemail };
    for (const listener of this.depositListeners) listener(event);
    return uid;
  }

  /** Lets another interface of the EVVM Server (SMS notification, interworking) react to deposits. */
  onDeposit(listener: (event: DepositEvent) => void): void {
    this.depositListeners.push(listener);
  }

  setMailboxState(identifier: string, state: 'active' | 'blocked'): void {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    mb.state = state;
  }

  /** Messages of a folder of the mailbox an identifier belongs to (for checks: flags, count). */
  messages(identifier: string, folder: 'INBOX' | 'Greetings' = 'INBOX'): Array<{ uid: number; flags: string[]; raw: Buffer }> {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    return (folder === 'INBOX' ? mb.inbox : mb.greetings).messages.map((m) => ({ uid: m.uid, flags: [...m.flags], raw: m.raw }));
  }

  setFault(name: string, on: boolean): void {
    this.faultSet.set(name, on);
  }

  faults(): EvvmServerFault[] {
    return this.faultSet.list();
  }

  observations(): EvvmServerObservations {
    return {
      authentications: this.backend.authentications.map((a) => ({ ...a })),
      connections: this.imap.connections().map((c) => {
        const o: EvvmConnectionObservation = { conn: c.conn, secure: c.secure, clientBytes: c.clientBytes };
        if (c.tls) o.tls = this.tlsObservation(c.tls);
        if (c.tlsError) o.tlsError = c.tlsError;
        if (c.pipelinedAfterStartTls) o.pipelinedAfterStartTls = c.pipelinedAfterStartTls;
        return o;
      }),
    };
  }

  private tlsObservation(t: TlsInfo): NonNullable<EvvmConnectionObservation['tls']> {
    const o: NonNullable<EvvmConnectionObservation['tls']> = { protocol: t.protocol, cipher: t.cipher, viaStartTls: t.viaStartTls };
    if (t.pskIdentity !== undefined) o.pskIdentity = t.pskIdentity;
    const cert = t.peerCertificate;
    if (cert || (this.requestCert && t.pskIdentity === undefined)) {
      o.clientCertificate = { authorized: !!cert && t.authorized };
      if (t.authorizationError) o.clientCertificate.authorizationError = t.authorizationError;
      if (cert) Object.assign(o.clientCertificate, { subject: cert.subject, issuer: cert.issuer, fingerprint256: cert.fingerprint256 });
    }
    return o;
  }
}
