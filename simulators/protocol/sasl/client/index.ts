/** SASL client mechanisms for the raw IMAP client (and any other protocol layer that frames SASL). */
import type { MechanismName, SaslClientCredentials, SaslClientMechanism } from '../types';
import { CramMd5Client } from './cram-md5';
import { DigestMd5Client, type DigestMd5ClientOptions } from './digest-md5';
import { SaslClientError } from './errors';
import { ExternalClient } from './external';
import { LoginClient } from './login';
import { PlainClient } from './plain';
import { ScramSha256Client, type ScramClientOptions } from './scram-sha-256';

export { SaslClientError, type SaslClientErrorCode } from './errors';
export { PlainClient } from './plain';
export { LoginClient } from './login';
export { CramMd5Client } from './cram-md5';
export { DigestMd5Client, type DigestMd5ClientOptions } from './digest-md5';
export { ExternalClient } from './external';
export { ScramSha256Client, saslName, DEFAULT_MAX_SCRAM_ITERATIONS, type ScramClientOptions } from './scram-sha-256';

export const CLIENT_MECHANISMS: readonly MechanismName[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-256', 'EXTERNAL', 'DIGEST-MD5'];

export type SaslClientOptions = ScramClientOptions & { digestMd5?: DigestMd5ClientOptions };

/** A fresh client state machine for one exchange. Throws SaslClientError for an unknown name or missing password. */
export function createSaslClient(
  name: MechanismName | string,
  credentials: SaslClientCredentials,
  options: SaslClientOptions = {},
): SaslClientMechanism {
  switch (name.toUpperCase()) {
    case 'PLAIN':
      return new PlainClient(credentials);
    case 'LOGIN':
      return new LoginClient(credentials);
    case 'CRAM-MD5':
      return new CramMd5Client(credentials);
    case 'SCRAM-SHA-256':
      return new ScramSha256Client(credentials, options);
    case 'EXTERNAL':
      return new ExternalClient(credentials);
    case 'DIGEST-MD5':
      return new DigestMd5Client(credentials, options.digestMd5);
    default:
      throw new SaslClientError('UNKNOWN_MECHANISM', `no client mechanism ${name}`);
  }
}
