import type { SaslServerContext, ServerStep, SaslServerMechanism } from '../types';
import { authorize, fail, finished, utf8 } from './util';

/**
 * EXTERNAL (RFC 4422 App. A): the identity comes from the TLS layer (the client certificate); the
 * client sends only an authzid, possibly empty.
 */
export class ExternalServer implements SaslServerMechanism {
  readonly name = 'EXTERNAL' as const;
  private done = false;

  constructor(private readonly ctx: SaslServerContext) {}

  start(initial: Buffer | undefined): ServerStep {
    if (initial === undefined) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.next(initial);
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    this.done = true;
    const authzid = utf8(response);
    if (authzid === undefined || authzid.includes('\0')) return fail('malformed', 'EXTERNAL authzid is not a valid UTF-8 string');
    const identity = this.ctx.externalIdentity;
    if (identity === undefined) return fail('invalid-credentials', 'no external (TLS client certificate) identity');
    if (!authorize(this.ctx, identity, authzid)) return fail('authorization-denied', `${identity} may not act as ${authzid}`, identity);
    return authzid === '' ? { kind: 'success', authcid: identity } : { kind: 'success', authcid: identity, authzid };
  }
}
