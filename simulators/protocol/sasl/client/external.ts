/**
 * EXTERNAL (RFC 4422 App. A): the identity comes from the TLS client certificate; the client sends only
 * an authzid, or an empty response to act as the identity the certificate establishes.
 */
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { SaslClientError } from './errors';

export class ExternalClient implements SaslClientMechanism {
  readonly name = 'EXTERNAL' as const;

  constructor(private readonly credentials: Partial<SaslClientCredentials> = {}) {}

  initial(): Buffer {
    return Buffer.from(this.credentials.authzid ?? '', 'utf8');
  }

  respond(challenge: Buffer): Buffer {
    throw new SaslClientError('UNEXPECTED_CHALLENGE', `EXTERNAL expects no server challenge (got ${challenge.length} bytes)`);
  }
}
