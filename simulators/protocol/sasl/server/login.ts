import type { ServerStep, SaslServerMechanism } from '../types';
import { checkPassword, fail, finished, utf8, type PasswordServerContext } from './util';

/**
 * LOGIN (draft-murchison-sasl-login): server-first, "Username:" then "Password:". A SASL-IR initial
 * response is taken as the user name, as curl and Thunderbird send it.
 */
export class LoginServer implements SaslServerMechanism {
  readonly name = 'LOGIN' as const;
  private user: string | undefined;
  private done = false;

  constructor(private readonly ctx: PasswordServerContext) {}

  start(initial: Buffer | undefined): ServerStep {
    if (initial === undefined || initial.length === 0) return { kind: 'challenge', data: Buffer.from('Username:') };
    return this.next(initial);
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    const text = utf8(response);
    if (text === undefined) {
      this.done = true;
      return fail('malformed', 'LOGIN response is not valid UTF-8');
    }
    if (this.user === undefined) {
      if (text === '') {
        this.done = true;
        return fail('malformed', 'LOGIN user name is empty');
      }
      this.user = text;
      return { kind: 'challenge', data: Buffer.from('Password:') };
    }
    this.done = true;
    const verdict = checkPassword(this.ctx, this.user, text);
    if (verdict !== 'ok') return fail(verdict, verdict === 'unknown-user' ? 'unknown authentication identity' : 'password mismatch', this.user);
    return { kind: 'success', authcid: this.user };
  }
}
