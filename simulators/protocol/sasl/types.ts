/**
 * SASL (RFC 4422) as used by IMAP AUTHENTICATE: mechanisms are pure state machines over byte strings,
 * shared by the IMAP server simulators and the raw IMAP client. Framing (base64, '+ ' continuations,
 * '*' cancellation, SASL-IR) belongs to the protocol layer, not here.
 */
export type MechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'SCRAM-SHA-256' | 'EXTERNAL' | 'DIGEST-MD5';

/** Why an exchange failed, in terms the server maps to its refusal texts (VVM: unknown user, invalid password). */
export type SaslFailure = 'unknown-user' | 'invalid-credentials' | 'malformed' | 'authorization-denied' | 'aborted';

export type ServerStep =
  | { kind: 'challenge'; data: Buffer }
  | { kind: 'success'; authcid: string; authzid?: string; /** final server data (SCRAM v=…) */ data?: Buffer }
  | { kind: 'failure'; reason: SaslFailure; detail: string; authcid?: string };

/** What a server mechanism needs from the role behind it. */
export interface SaslServerContext {
  /** The password of an authentication identity, or undefined if it is unknown. */
  passwordOf(authcid: string): string | undefined;
  /** For EXTERNAL: the identity the TLS layer authenticated (client certificate), if any. */
  externalIdentity?: string;
  /** Decides whether authcid may act as authzid (RFC 4422 §3.4.1); absent means only authzid === authcid or empty. */
  mayActAs?(authcid: string, authzid: string): boolean;
}

export interface SaslServerMechanism {
  readonly name: MechanismName;
  /** Called with the initial response (SASL-IR, or the first client reply for client-first mechanisms). */
  start(initial: Buffer | undefined): ServerStep;
  next(response: Buffer): ServerStep;
}

export interface SaslClientCredentials {
  authcid: string;
  password?: string;
  authzid?: string;
}

export interface SaslClientMechanism {
  readonly name: MechanismName;
  /** Initial response for client-first mechanisms (PLAIN, SCRAM, EXTERNAL); undefined for server-first. */
  initial(): Buffer | undefined;
  /** Answer to a server challenge; throws if the server's data fails verification (SCRAM server signature). */
  respond(challenge: Buffer): Buffer;
  /** Checks the final server data on success (SCRAM v=); throws on mismatch. */
  verifySuccess?(data: Buffer | undefined): void;
}
