import type { SaslServerContext, SaslServerMechanism, ServerStep } from '../types';
import { authorize, fail, SingleMessageServer, utf8 } from './util';

/**
 * EXTERNAL (RFC 4422 App. A): the identity comes from the TLS layer (the client certificate); the
 * client sends only an authzid, possibly empty.
 */
export class ExternalServer extends SingleMessageServer implements SaslServerMechanism {
  readonly name = 'EXTERNAL' as const;

  constructor(private readonly ctx: SaslServerContext) {
    super();
  }

  protected judge(message: Buffer): ServerStep {
    const authzid = utf8(message);
    if (authzid === undefined || authzid.includes('\0')) return fail('malformed', 'EXTERNAL authzid is not a valid UTF-8 string');
    const identity = this.ctx.externalIdentity;
    if (identity === undefined) return fail('invalid-credentials', 'no external (TLS client certificate) identity');
    if (!authorize(this.ctx, identity, authzid)) return fail('authorization-denied', `${identity} may not act as ${authzid}`, identity);
    return this.success(identity, authzid);
  }
}
