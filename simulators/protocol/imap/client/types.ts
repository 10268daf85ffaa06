/** Data types of the raw IMAP client: framed responses, parsed responses, command results, TLS evidence. */

/**
 * One complete server response as framed off the wire: text segments, each but the last ending with a
 * literal announcement `{n}`, and the literal bytes that follow them. segments.length === literals.length + 1.
 */
export interface ResponseUnit {
  segments: string[];
  literals: Buffer[];
  /** bytes on the wire, CRLFs included */
  bytes: number;
}

/** A token of response data (RFC 3501 §9 / RFC 9051 §9 formal syntax, the parts a client reads). */
export type ImapToken =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: Buffer; literal: boolean }
  | { kind: 'nil' }
  | { kind: 'list'; items: ImapToken[] };

/** A bracketed response code: `[UIDVALIDITY 3857529045]` -> { name: 'UIDVALIDITY', value: '3857529045' }. */
export interface ResponseCode {
  name: string;
  value?: string;
}

export type Status = 'OK' | 'NO' | 'BAD';

export type ImapResponse =
  | { kind: 'continuation'; text: string; raw: string }
  | { kind: 'tagged'; tag: string; status: Status; code?: ResponseCode; text: string; raw: string }
  | {
      kind: 'untagged';
      /** OK, NO, BAD, BYE, PREAUTH, CAPABILITY, FLAGS, LIST, EXISTS, RECENT, EXPUNGE, FETCH, … (upper case) */
      name: string;
      /** the message number of `* n EXISTS|RECENT|EXPUNGE|FETCH` */
      number?: number;
      code?: ResponseCode;
      /** for status responses the human text; otherwise the data after the name, literals not included */
      text: string;
      raw: string;
      unit: ResponseUnit;
    }
  /** a line that fits none of the above (hostile or broken server); kept as evidence */
  | { kind: 'malformed'; reason: string; raw: string };

export interface CommandResult {
  tag: string;
  status: Status;
  text: string;
  code?: ResponseCode;
  /** raw text of the untagged responses received while the command ran (literals inline) */
  untagged: string[];
  /** the same responses, parsed */
  responses: Extract<ImapResponse, { kind: 'untagged' }>[];
}

export interface Greeting {
  kind: 'OK' | 'PREAUTH' | 'BYE';
  text: string;
  code?: ResponseCode;
  raw: string;
}

export interface PeerCertificateInfo {
  subject: string;
  issuer: string;
  fingerprint256: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  subjectaltname?: string;
}

/** What the handshake established: evidence for EVVM-AUTH-03 (the client authenticated the server). */
export interface TlsInfo {
  protocol: string | null;
  /** IANA/RFC name, e.g. TLS_AES_256_GCM_SHA384 */
  cipher: string | undefined;
  /** true when the server certificate chained to the configured trust anchors and matched the host */
  authorized: boolean;
  authorizationError?: string;
  peerCertificate?: PeerCertificateInfo;
  sessionReused: boolean;
}

/** A command that put credential material on the wire, for "no credential before TLS" checks. */
export interface CredentialCommand {
  tag?: string;
  command: 'LOGIN' | 'AUTHENTICATE';
  mechanism?: string;
  /** the channel was TLS-protected when the bytes were written */
  secure: boolean;
  tlsProtocol?: string | null;
  /** SASL-IR: credential bytes rode on the command line itself */
  initialResponse?: boolean;
  /** sent through sendRaw() and recognised by pattern, not built by the client */
  raw?: boolean;
  /** ms since connect */
  at: number;
}
