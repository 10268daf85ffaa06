/**
 * Typed failures of the raw IMAP client. Every error carries a `code` a step can assert on; TLS errors
 * carry Node's own code (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID, …) unchanged.
 */
import type { CommandResult } from './types';

export class ImapClientError extends Error {
  override name = 'ImapClientError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection ended (server close, reset, BYE) while something was waiting on it. */
export class ConnectionClosedError extends ImapClientError {
  override name = 'ConnectionClosedError';
  constructor(
    message: string,
    /** text of the server's `* BYE`, if it sent one */
    readonly bye?: string,
    options?: { cause?: unknown },
  ) {
    super('CONNECTION_CLOSED', message, options);
  }
}

/** TCP-level failure before or outside TLS (ECONNREFUSED, ECONNRESET, …); `code` is Node's. */
export class NetworkError extends ImapClientError {
  override name = 'NetworkError';
}

export type TimeoutPhase = 'connect' | 'tls' | 'greeting' | 'command' | 'response';

export class TimeoutError extends ImapClientError {
  override name = 'TimeoutError';
  constructor(
    readonly phase: TimeoutPhase,
    readonly afterMs: number,
    /** the command tag, for phase 'command' */
    readonly tag?: string,
  ) {
    super('TIMEOUT', `timed out after ${afterMs} ms waiting for ${tag ? `${phase} ${tag}` : phase}`);
  }
}

export type TlsPhase = 'implicit' | 'starttls';

/**
 * The TLS handshake failed or the peer aborted it. `code` is Node's error code (certificate verification
 * codes such as CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, or ERR_SSL_* alerts); `reason` is
 * Node's explanation (err.reason when present, the message otherwise).
 */
export class TlsError extends ImapClientError {
  override name = 'TlsError';
  constructor(
    code: string,
    readonly reason: string,
    readonly phase: TlsPhase,
    options?: { cause?: unknown },
  ) {
    super(code, `TLS (${phase}) failed: ${code}: ${reason}`, options);
  }
}

export type ProtocolErrorCode =
  | 'LINE_TOO_LONG'
  | 'LITERAL_TOO_LARGE'
  | 'RESPONSE_TOO_LARGE'
  | 'TOO_MANY_RESPONSES'
  | 'MALFORMED_RESPONSE'
  | 'MALFORMED_GREETING'
  | 'MALFORMED_CHALLENGE'
  | 'STARTTLS_INJECTION';

/** The server broke the protocol; the client fails closed (the connection is dropped for framing errors). */
export class ProtocolError extends ImapClientError {
  override name = 'ProtocolError';
  constructor(code: ProtocolErrorCode, message: string) {
    super(code, message);
  }
}

/** A data command (SELECT, FETCH) got NO or BAD; the full tagged result is attached. */
export class CommandFailedError extends ImapClientError {
  override name = 'CommandFailedError';
  constructor(readonly result: CommandResult) {
    super('COMMAND_FAILED', `${result.tag} ${result.status}${result.code ? ` [${result.code.name}]` : ''} ${result.text}`);
  }
}

export function nodeCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The server could not be reached at all (no TCP connection, no greeting): no answer, so no verdict. */
export function unreachable(err: unknown): boolean {
  if (err instanceof TimeoutError) return err.phase === 'connect' || err.phase === 'greeting';
  return err instanceof NetworkError && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT)$/.test(err.code);
}

/** Certificate verification and TLS alert codes, as Node reports them. */
export function isTlsCode(code: string | undefined): boolean {
  return !!code && (/^ERR_(SSL|TLS|OSSL)_/.test(code) || /CERT|UNABLE_TO|SELF_SIGNED|CRL|INVALID_PURPOSE|INVALID_CA|HOSTNAME_MISMATCH|PATH_LENGTH/.test(code));
}

/** A Node TLS error (or a handshake-time close) as a TlsError that keeps Node's code and reason. */
export function toTlsError(err: unknown, phase: TlsPhase): TlsError {
  const e = err as (Error & { code?: string; reason?: string }) | undefined;
  const code = nodeCode(err) ?? 'TLS_HANDSHAKE_FAILED';
  return new TlsError(code, e?.reason ?? e?.message ?? 'connection closed during the TLS handshake', phase, { cause: err });
}
