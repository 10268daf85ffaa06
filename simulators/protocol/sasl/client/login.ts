/**
 * LOGIN (draft-murchison-sasl-login): server-first, two challenges ("Username:", "Password:") answered
 * in order. The prompts vary between servers (some send "User Name\0"), so the step counts, not the text.
 */
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { SaslClientError } from './errors';
import { requirePassword } from './util';

export class LoginClient implements SaslClientMechanism {
  readonly name = 'LOGIN' as const;
  private step = 0;
  private readonly password: string;

  constructor(private readonly credentials: SaslClientCredentials) {
    this.password = requirePassword(credentials, this.name);
  }

  initial(): undefined {
    return undefined;
  }

  respond(challenge: Buffer): Buffer {
    this.step += 1;
    if (this.step === 1) return Buffer.from(this.credentials.authcid, 'utf8');
    if (this.step === 2) return Buffer.from(this.password, 'utf8');
    throw new SaslClientError('UNEXPECTED_CHALLENGE', `LOGIN expects two challenges, got a third (${challenge.length} bytes)`);
  }
}
