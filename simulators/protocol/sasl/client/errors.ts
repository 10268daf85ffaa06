/** Why a client mechanism refused to go on: the server's data failed a check, or the exchange was malformed. */
export type SaslClientErrorCode =
  | 'MISSING_PASSWORD'
  | 'INVALID_CREDENTIALS_SYNTAX'
  | 'UNEXPECTED_CHALLENGE'
  | 'MALFORMED_CHALLENGE'
  | 'NONCE_MISMATCH'
  | 'ITERATIONS_OUT_OF_RANGE'
  | 'UNSUPPORTED_EXTENSION'
  | 'SERVER_ERROR'
  | 'SERVER_SIGNATURE_MISMATCH'
  | 'MISSING_SERVER_FINAL'
  | 'UNKNOWN_MECHANISM';

export class SaslClientError extends Error {
  override readonly name = 'SaslClientError';
  constructor(
    readonly code: SaslClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}
