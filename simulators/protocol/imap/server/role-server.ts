/**
 * What the IMAP server roles (the EVVM Server on IF-1, the Message Storage Server on IF-5) share around
 * the IMAP core: listener and TLS options, secrets kept out of the transcript, fault switches, and what
 * they report of each connection. A role adds its accounts, its backend and its out-of-band interfaces.
 */
import { nullSink, type TranscriptSink } from '../../../../evidence/transcript';
import type { FaultReader, FaultSet } from '../../../fault-set';
import type { ImapBackend, TlsInfo } from './backend';
import { requestsClientCertificate, type AuthenticationObservation, type ImapServerPolicy } from './role-backend';
import { ImapServer } from './server';
import type { ConnectionRecord } from './session';

export interface ImapRoleOptions {
  /** transcript name; the role's name in the spec's words by default */
  actor?: string;
  /** the other end in transcripts */
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
    /** PSK-TLS identities and keys provisioned at start */
    psk?: Record<string, Buffer>;
  };
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

/** What the server saw of one connection's TLS. */
export interface TlsObservation {
  protocol: string | null;
  cipher: string;
  viaStartTls: boolean;
  pskIdentity?: string;
  /** present when Node judged a client certificate: one was presented, or asked for and missing */
  clientCertificate?: { authorized: boolean; authorizationError?: string; subject?: string; issuer?: string; fingerprint256?: string };
}

/** What the server saw of one connection. */
export interface ImapConnectionObservation {
  conn: string;
  secure: boolean;
  tls?: TlsObservation;
  /** the handshake failure, when there was one */
  tlsError?: string;
  /** bytes pipelined after STARTTLS before the handshake */
  pipelinedAfterStartTls?: Buffer;
  /** every plaintext byte received from the client (after TLS decryption) */
  clientBytes: Buffer;
}

export interface ImapServerObservations {
  authentications: AuthenticationObservation[];
  connections: ImapConnectionObservation[];
}

export function tlsObservation(t: TlsInfo): TlsObservation {
  const o: TlsObservation = { protocol: t.protocol, cipher: t.cipher, viaStartTls: t.viaStartTls };
  if (t.pskIdentity !== undefined) o.pskIdentity = t.pskIdentity;
  const cert = t.peerCertificate;
  // Node sets authorizationError only when it asked for a certificate, so a missing one shows here too.
  if (cert || t.authorizationError) {
    o.clientCertificate = { authorized: !!cert && t.authorized };
    if (t.authorizationError) o.clientCertificate.authorizationError = t.authorizationError;
    if (cert) Object.assign(o.clientCertificate, { subject: cert.subject, issuer: cert.issuer, fingerprint256: cert.fingerprint256 });
  }
  return o;
}

export function connectionObservation(c: ConnectionRecord): ImapConnectionObservation {
  const o: ImapConnectionObservation = { conn: c.conn, secure: c.secure, clientBytes: c.clientBytes };
  if (c.tls) o.tls = tlsObservation(c.tls);
  if (c.tlsError) o.tlsError = c.tlsError;
  if (c.pipelinedAfterStartTls) o.pipelinedAfterStartTls = c.pipelinedAfterStartTls;
  return o;
}

/** An IMAP server role: the IMAP core with the role's backend, fault switches and observations. */
export abstract class ImapServerRole<R extends string> {
  readonly actor: string;
  /** the role's fault switches, read where each one acts (setFault switches them) */
  readonly faults: FaultReader<R>;
  protected readonly transcript: TranscriptSink;
  protected abstract readonly backend: ImapBackend & { readonly authentications: readonly AuthenticationObservation[] };
  protected abstract readonly imap: ImapServer;

  constructor(
    options: ImapRoleOptions,
    defaultActor: string,
    private readonly switches: FaultSet<R>,
  ) {
    this.actor = options.actor ?? defaultActor;
    this.faults = switches;
    this.transcript = options.transcript ?? nullSink;
  }

  /** The IMAP core for the role; it asks for client certificates when the policy or SASL EXTERNAL may need one. */
  protected imapCore(
    options: ImapRoleOptions,
    role: { peer: string; connPrefix?: string; policy: ImapServerPolicy; psk?: (identity: string) => Buffer | undefined; backend: ImapBackend; legacyTls?: () => boolean },
  ): ImapServer {
    return new ImapServer({
      actor: this.actor,
      peer: options.peer ?? role.peer,
      ...(role.connPrefix ? { connPrefix: role.connPrefix } : {}),
      host: options.host ?? '127.0.0.1',
      listen: { implicitTls: !!options.listen.implicitTls, starttls: !!options.listen.starttls },
      ...(options.ports ? { ports: options.ports } : {}),
      tls: {
        key: options.tls.key,
        cert: options.tls.cert,
        requestCert: requestsClientCertificate(role.policy),
        ...(options.tls.ca ? { ca: options.tls.ca } : {}),
        ...(options.tls.crl ? { crl: options.tls.crl } : {}),
        ...(role.psk ? { psk: role.psk } : {}),
        ...(role.legacyTls ? { legacyVersions: role.legacyTls } : {}),
      },
      backend: role.backend,
      transcript: this.transcript,
    });
  }

  /** Keeps a password, PIN or key out of the transcript (redacted wherever it would appear). */
  protected secret(value: string | Buffer | undefined): void {
    this.transcript.secret(value);
  }

  start(): Promise<{ imaps?: number; imap?: number }> {
    return this.imap.start();
  }

  /** Closes the listeners and every connection at once. */
  stop(): Promise<void> {
    return this.imap.stop();
  }

  setFault(name: string, on: boolean): void {
    this.switches.set(name, on);
    // a fault may change which TLS versions the listeners accept (STD-07)
    this.imap.reloadTls();
  }

  observations(): ImapServerObservations {
    return {
      authentications: this.backend.authentications.map((a) => ({ ...a })),
      connections: this.imap.connections().map(connectionObservation),
    };
  }
}
