import { createHmac, randomBytes } from 'node:crypto';
import type { SaslServerContext, ServerStep, SaslServerMechanism } from '../types';
import { fail, finished, safeEqual, utf8 } from './util';

export interface CramMd5Options {
  /** host name in the challenge, RFC 2195 "<random.timestamp@hostname>" */
  hostname?: string;
  /** fixed challenge, for test vectors */
  challenge?: string;
}

/** CRAM-MD5 (RFC 2195): server-first challenge, the client answers "user SP hex(HMAC-MD5(password, challenge))". */
export class CramMd5Server implements SaslServerMechanism {
  readonly name = 'CRAM-MD5' as const;
  private readonly challenge: string;
  private done = false;

  constructor(private readonly ctx: SaslServerContext, options: CramMd5Options = {}) {
    this.challenge =
      options.challenge ?? `<${randomBytes(8).readBigUInt64BE().toString()}.${Date.now()}@${options.hostname ?? 'localhost'}>`;
  }

  start(initial: Buffer | undefined): ServerStep {
    // RFC 4959 §3: an initial response to a server-first mechanism is a protocol error.
    if (initial !== undefined && initial.length > 0) {
      this.done = true;
      return fail('malformed', 'CRAM-MD5 is server-first: no initial response allowed');
    }
    return { kind: 'challenge', data: Buffer.from(this.challenge) };
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    this.done = true;
    const text = utf8(response);
    if (text === undefined) return fail('malformed', 'CRAM-MD5 response is not valid UTF-8');
    const sp = text.lastIndexOf(' ');
    const user = sp > 0 ? text.slice(0, sp) : '';
    const digest = sp > 0 ? text.slice(sp + 1) : '';
    if (user === '' || !/^[0-9a-f]{32}$/.test(digest)) return fail('malformed', 'CRAM-MD5 response is not "user SP 32 lower-case hex digits"');
    const password = this.ctx.passwordOf(user);
    if (password === undefined) return fail('unknown-user', 'unknown authentication identity', user);
    const expected = createHmac('md5', password).update(this.challenge).digest('hex');
    if (!safeEqual(expected, digest)) return fail('invalid-credentials', 'digest mismatch', user);
    return { kind: 'success', authcid: user };
  }
}
