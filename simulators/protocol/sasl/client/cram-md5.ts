/** CRAM-MD5 (RFC 2195): server-first; the reply is "authcid SP hex(HMAC-MD5(password, challenge))". */
import { createHmac } from 'node:crypto';
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { SaslClientError } from './errors';
import { requirePassword } from './util';

export class CramMd5Client implements SaslClientMechanism {
  readonly name = 'CRAM-MD5' as const;
  private answered = false;
  private readonly password: string;

  constructor(private readonly credentials: SaslClientCredentials) {
    this.password = requirePassword(credentials, this.name);
  }

  initial(): undefined {
    return undefined;
  }

  respond(challenge: Buffer): Buffer {
    if (this.answered) throw new SaslClientError('UNEXPECTED_CHALLENGE', 'CRAM-MD5 has exactly one challenge');
    // An empty challenge would let a rogue server collect an offline-attackable digest with no freshness.
    if (challenge.length === 0) throw new SaslClientError('MALFORMED_CHALLENGE', 'CRAM-MD5 challenge is empty');
    this.answered = true;
    const digest = createHmac('md5', Buffer.from(this.password, 'utf8')).update(challenge).digest('hex');
    return Buffer.from(`${this.credentials.authcid} ${digest}`, 'utf8');
  }
}
