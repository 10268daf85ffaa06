/**
 * What the IMAP server roles (the EVVM Server on IF-1, the Message Storage Server on IF-5) share behind
 * the ImapBackend interface: the policy shape, the record of authentication attempts, and the judgement
 * of the client after a handshake. Each role keeps its own rules (VVM texts, CPM subscriptions, PSK
 * identities) and its fault switches; this module holds only what is the same rule in both.
 */
import type { TranscriptSink } from '../../../../evidence/transcript';
import type { MechanismName } from '../../sasl/types';
import type { Refusal, SessionInfo } from './backend';

export type ClientCertificatePolicy = 'required' | 'optional' | 'none';

/** The service provider's policy for an IMAP server role (harness/profile/sections/imap-server.ts). */
export interface ImapServerPolicy {
  /** LOGINDISABLED, and no authentication the role deems unsafe in the clear, before TLS */
  requireTls: boolean;
  /** client certificates (or a PSK) on TLS: mutual authentication */
  clientCertificate: ClientCertificatePolicy;
  saslMechanisms: MechanismName[];
  loginCommand: boolean;
}

/** One authentication attempt as the server saw it (the simulators' record, shared by every role). */
export interface AuthenticationObservation {
  conn: string;
  /** 'LOGIN' or 'AUTHENTICATE <mechanism>' */
  method: string;
  identity: string;
  authzid?: string;
  outcome: 'success' | 'failure';
  text: string;
}

export const refuse = (text: string, code?: string): Refusal => (code ? { ok: false, text, code } : { ok: false, text });

/** The TLS layer asks for a client certificate when the policy or SASL EXTERNAL may need one. */
export function requestsClientCertificate(policy: ImapServerPolicy): boolean {
  return policy.clientCertificate !== 'none' || policy.saslMechanisms.includes('EXTERNAL');
}

/**
 * A client certificate the server accepts: Node authorised it (chain, dates, CRLs), or the role's
 * any-client-ca fault is on, under which expired, revoked or foreign certificates count as valid.
 */
export function validClientCertificate(session: SessionInfo, anyClientCa: boolean): boolean {
  const tls = session.tls;
  if (!tls?.peerCertificate) return false;
  return tls.authorized || anyClientCa;
}

/**
 * The PSK-TLS handshake authenticated the client: it completed under an identity the role provisioned.
 * Judged by the PSK alone, never by `authorized` (Node 24 reports a PSK session as not authorized, having
 * no certificate to verify). Under TLS 1.3 an unknown identity falls back to a certificate handshake: the
 * identity is then recorded but proves nothing.
 */
export function pskAuthenticated(session: SessionInfo, pskOf: (identity: string) => Buffer | undefined): boolean {
  const id = session.tls?.pskIdentity;
  return id !== undefined && pskOf(id) !== undefined && !session.tls?.peerCertificate;
}

/**
 * After every handshake: a PSK the role recognises authenticates the client by itself (PSK-TLS);
 * otherwise the client-certificate policy decides. 'required' refuses the session (a BYE naming Node's
 * reason) without a valid certificate, 'optional' keeps it and notes why the certificate is not valid.
 * The role passes the policy after its own client-cert-not-required fault.
 */
export function judgeTlsClient(
  session: SessionInfo,
  j: { pskAuthenticated: boolean; policy: ClientCertificatePolicy; validCertificate: boolean },
  note: (text: string) => void,
): { ok: true } | Refusal {
  const tls = session.tls!;
  if (j.pskAuthenticated) {
    note(`client authenticated by PSK identity "${tls.pskIdentity}"`);
    return { ok: true };
  }
  if (j.policy === 'none') return { ok: true };
  // Without a certificate Node still reports UNABLE_TO_GET_ISSUER_CERT, which would send a user chasing a CA.
  const why = tls.peerCertificate ? (tls.authorizationError ?? 'not authorized') : 'no client certificate presented';
  if (j.policy === 'required' && !j.validCertificate) {
    note(`client certificate policy 'required': session refused: ${why}`);
    return refuse(`client certificate required: ${why}`);
  }
  note(`client certificate policy '${j.policy}': ${j.validCertificate ? 'valid certificate' : why}; session accepted`);
  return { ok: true };
}

/** The record keeping every role's backend does: transcript notes and authentication attempts. */
export abstract class ImapRoleBackend {
  readonly authentications: AuthenticationObservation[] = [];

  constructor(
    protected readonly actor: string,
    protected readonly transcript: TranscriptSink,
  ) {}

  protected note(session: SessionInfo, channel: 'tls' | 'imap', text: string): void {
    this.transcript.record({ actor: this.actor, channel, dir: 'event', text, conn: session.id });
  }

  protected record(session: SessionInfo, o: Omit<AuthenticationObservation, 'conn'>): void {
    this.authentications.push({ conn: session.id, ...o });
  }

  /** A refused authentication: recorded as a failed attempt, answered NO with the text and code. */
  protected refused(session: SessionInfo, attempt: { method: string; identity: string; authzid?: string | undefined }, text: string, code?: string): Refusal {
    this.record(session, { method: attempt.method, identity: attempt.identity, ...(attempt.authzid ? { authzid: attempt.authzid } : {}), outcome: 'failure', text });
    return refuse(text, code);
  }
}
