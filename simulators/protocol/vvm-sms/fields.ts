/**
 * Field rules of the VVM notification texts (spec.md §c.1-c.4, OMTP VVM v1.2 pp. 49, 56, 58, 64).
 * The limits are the spec's own where it gives one; the rest bound what one SMS can carry.
 */

/** SYNC events: new message, mailbox update, greetings update (spec.md §c.2). */
export const SYNC_EVENTS = ['NM', 'MBU', 'GU'] as const;
export type SyncEvent = (typeof SYNC_EVENTS)[number];

/** Provisioning status (st): New, Ready, Provisioned, Unknown, Blocked (spec.md §c.3). */
export const PROVISIONING_STATES = ['N', 'R', 'P', 'U', 'B'] as const;
export type ProvisioningState = (typeof PROVISIONING_STATES)[number];

/** Message types (t): voice, video, fax, infotainment, empty call capture. */
export const MESSAGE_TYPES = ['v', 'o', 'f', 'i', 'e'] as const;

/** Return codes (rc) of a STATUS. */
export const RETURN_CODES = {
  success: 0,
  systemError: 1,
  subscriberError: 2,
  mailboxUnknown: 3,
  notActivated: 4,
  notProvisioned: 5,
  clientUnknown: 6,
  mailboxNotInitialized: 7,
} as const;

/** STATUS fields that carry credentials: never for st=U or st=B (VVM12-p56/58, EVVM-SMS-C05). */
export const CREDENTIAL_FIELDS = ['u', 'pw', 'smtp_u', 'smtp_pw'] as const;
/** Fields VVM says are "not returned for U and B" besides the credentials. */
export const NOT_FOR_UNKNOWN_OR_BLOCKED = [...CREDENTIAL_FIELDS, 'lang', 'pw_len'] as const;
/** Values that are secrets wherever they appear (transcripts show «redacted»). */
export const SECRET_FIELDS = ['pw', 'smtp_pw'] as const;

export const LIMITS = {
  /** "maximum length 50 characters" */
  u: 50,
  /** "maximum length 30 characters" */
  pw: 30,
  /** "maximum length 36 characters" */
  lang: 36,
  /** "String, maximum five characters" */
  pw_len: 5,
  /** "New message UID, maximum 21 digits" */
  idDigits: 21,
  /** "Integer, maximum five digits" */
  cDigits: 5,
  /** ct: "String, up to 30 characters" (MO) */
  ct: 30,
  /** smtp_u / smtp_pw are "unlimited", which one SMS bounds; so do unknown fields */
  other: 160,
  /** a concatenated SMS of a few parts; nothing legitimate is longer */
  text: 640,
} as const;

/** Printable 7-bit ASCII only: VVM texts are, and control characters have no business in them. */
export const PRINTABLE = /^[\x20-\x7e]*$/;
export const KEY = /^[a-z][a-z_]*$/;
export const DIGITS = (max: number): RegExp => new RegExp(`^[0-9]{1,${max}}$`);
/** IMAP/SMTP server: a host name or IPv4 address, optionally with v1.2's "1:" type prefix. */
export const SERVER = /^(?:[0-9]:)?([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/;
/** dd/MM/yyyy HH:mm Z */
export const DEPOSIT_TIME = /^[0-3][0-9]\/[01][0-9]\/[0-9]{4} [0-2][0-9]:[0-5][0-9] [+-][0-9]{4}$/;
export const PHONE = /^\+?[0-9]{1,20}$/;
export const PW_LEN = /^[0-9]{1,2}-[0-9]{1,2}$/;
