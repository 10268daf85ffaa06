/** Why a CMS operation failed, in terms a client's report (and a scenario) can act on. */
export type CmsErrorCode =
  /** not the structure it claims to be (DER errors included) */
  | 'malformed'
  /** a structure or algorithm this implementation does not handle */
  | 'unsupported'
  /** no recipient info addresses any of the keys offered */
  | 'no-recipient'
  /** the content-encryption key could not be recovered with the keys offered */
  | 'key-decrypt'
  /** the content could not be decrypted (wrong key, bad padding) */
  | 'content-decrypt'
  /** an authentication tag or MAC did not verify: the ciphertext or the attributes were altered */
  | 'integrity';

export class CmsError extends Error {
  override readonly name = 'CmsError';
  constructor(
    readonly code: CmsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
