/**
 * What the IMAP core asks of the role behind it (EVVM Server, Message Storage Server, a rogue server):
 * capabilities, greeting, the TLS decision, authentication and folders. Every policy decision and every
 * fault switch lives behind this interface, so the core stays one conformant IMAP implementation.
 */
import type { TLSSocket } from 'node:tls';
import type { SaslServerMechanism, ServerStep } from '../../sasl/types';
import type { MailFolder } from './mailstore';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';
export type ListenerKind = 'implicit-tls' | 'plain';

export interface PeerCertificateInfo {
  subject: string;
  issuer: string;
  /** as Node prints it: "AB:CD:…" */
  fingerprint256: string;
  serialNumber: string;
  /** Node's "DNS:a, URI:tel:+1…, email:…" form */
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
}

/** The evidence of one TLS handshake. */
export interface TlsInfo {
  protocol: string | null;
  cipher: string;
  /** Node's verdict on the client certificate (true for a PSK handshake) */
  authorized: boolean;
  /** why not, exactly as Node/OpenSSL said it: CERT_HAS_EXPIRED, CERT_REVOKED, UNABLE_TO_GET_ISSUER_CERT, … */
  authorizationError?: string;
  peerCertificate?: PeerCertificateInfo;
  /** the PSK identity the client used, for PSK-TLS */
  pskIdentity?: string;
  viaStartTls: boolean;
}

/** Whom a session is authenticated as. */
export interface ImapUser {
  /** the role's key for the account (the EVVM mailbox) */
  account: string;
  /** the identity the session acts as (the identifier used to log in, or the authzid) */
  identity: string;
}

/** A read-only look at a session, for the backend. */
export interface SessionInfo {
  readonly id: string;
  readonly listener: ListenerKind;
  readonly remote: string;
  readonly secure: boolean;
  readonly tls: TlsInfo | undefined;
  readonly tlsSocket: TLSSocket | undefined;
  readonly state: SessionState;
  readonly user: ImapUser | undefined;
}

export type AuthResult = { ok: true; user: ImapUser; text?: string } | { ok: false; text: string; code?: string };
export type Refusal = { ok: false; text: string; code?: string };
export type Greeting = { kind: 'OK'; text?: string } | { kind: 'PREAUTH'; user: ImapUser; text?: string } | { kind: 'BYE'; text: string };

export interface ImapBackend {
  /** The CAPABILITY list for the session's current state; `base` is what the core implements (IMAP4rev1, LITERAL+, STARTTLS when offered, …). */
  capabilities(session: SessionInfo, base: readonly string[]): string[];
  /** Greeting once the connection is ready (after the handshake on implicit TLS). Default: OK. */
  greeting?(session: SessionInfo): Greeting;
  /** Called after every TLS handshake (implicit or STARTTLS): keep the session, or refuse it with a BYE. */
  secured?(session: SessionInfo): { ok: true } | Refusal;
  /** RFC 3501 §6.2.1 says bytes pipelined after STARTTLS are discarded; a faulty role may replay them instead. */
  replayPipelinedAfterStartTls?(session: SessionInfo): boolean;
  login(session: SessionInfo, username: string, password: string): AuthResult;
  /** The SASL mechanism for AUTHENTICATE, or the refusal (unsupported, TLS required, …). */
  startAuthentication(session: SessionInfo, mechanism: string): { ok: true; mechanism: SaslServerMechanism } | Refusal;
  /** The end of an exchange: the mechanism's success or failure (reason 'aborted' for '*' and bad base64). */
  finishAuthentication(session: SessionInfo, mechanism: string, step: Extract<ServerStep, { kind: 'success' | 'failure' }>): AuthResult;
  /** A folder by the name the client uses (INBOX is already upper-cased), or a refusal. */
  folder(session: SessionInfo, user: ImapUser, name: string): MailFolder | Refusal;
  /** Folder names for LIST/LSUB (the first level delimiter is '/'). */
  folders(session: SessionInfo, user: ImapUser): string[];
  /** STORE of these flags in a folder: undefined to store them, or the role's refusal (VVM-05 restricted flags). */
  storeRefusal?(session: SessionInfo, user: ImapUser, folder: MailFolder, flags: readonly string[]): Refusal | undefined;
  /** STATUS of a folder: undefined to answer it, or the role's refusal (VVM-06: none on Greetings). */
  statusRefusal?(session: SessionInfo, user: ImapUser, folder: MailFolder): Refusal | undefined;
  /** XCHANGE_TUI_PWD (a VVM extension, VVM-04): the completion text, or the refusal; absent: the command is unknown. */
  changeTuiPassword?(session: SessionInfo, user: ImapUser, newPin: string, oldPin: string): { ok: true; text: string } | Refusal;
  /** The NAMESPACE response body (RFC 2342); default `(("" "/")) NIL NIL`. */
  namespace?(session: SessionInfo): string;
  /** Informational hooks. */
  loggedOut?(session: SessionInfo): void;
  closed?(session: SessionInfo): void;
}
