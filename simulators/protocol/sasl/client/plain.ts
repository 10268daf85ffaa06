/** PLAIN (RFC 4616): one client-first message, authzid NUL authcid NUL passwd, UTF-8, no server challenge. */
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { SaslClientError } from './errors';
import { requirePassword } from './util';

export class PlainClient implements SaslClientMechanism {
  readonly name = 'PLAIN' as const;
  private readonly message: Buffer;

  constructor(credentials: SaslClientCredentials) {
    const password = requirePassword(credentials, this.name);
    for (const [field, value] of [
      ['authzid', credentials.authzid ?? ''],
      ['authcid', credentials.authcid],
      ['password', password],
    ] as const) {
      // A NUL inside a field would shift the field boundaries the server sees (RFC 4616 §2).
      if (value.includes('\0')) throw new SaslClientError('INVALID_CREDENTIALS_SYNTAX', `PLAIN ${field} contains NUL`);
    }
    this.message = Buffer.from(`${credentials.authzid ?? ''}\0${credentials.authcid}\0${password}`, 'utf8');
  }

  initial(): Buffer {
    return Buffer.from(this.message);
  }

  respond(challenge: Buffer): Buffer {
    // Without SASL-IR the server's first (empty) challenge asks for the initial response; the protocol
    // layer answers that with initial(). Anything reaching here is a second challenge PLAIN does not have.
    throw new SaslClientError('UNEXPECTED_CHALLENGE', `PLAIN expects no server challenge (got ${challenge.length} bytes)`);
  }
}
