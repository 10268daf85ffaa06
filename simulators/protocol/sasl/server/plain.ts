import type { SaslServerMechanism, ServerStep } from '../types';
import { authorize, checkPassword, fail, SingleMessageServer, utf8, type PasswordServerContext } from './util';

/** PLAIN (RFC 4616): message = [authzid] NUL authcid NUL passwd, client-first. */
export class PlainServer extends SingleMessageServer implements SaslServerMechanism {
  readonly name = 'PLAIN' as const;

  constructor(private readonly ctx: PasswordServerContext) {
    super();
  }

  protected judge(message: Buffer): ServerStep {
    const text = utf8(message);
    if (text === undefined) return fail('malformed', 'PLAIN message is not valid UTF-8');
    const fields = text.split('\0');
    if (fields.length !== 3) return fail('malformed', `PLAIN message has ${fields.length - 1} NUL separators, expected 2`);
    const [authzid, authcid, password] = fields as [string, string, string];
    if (authcid === '') return fail('malformed', 'PLAIN authcid is empty');
    if (password === '') return fail('malformed', 'PLAIN password is empty', authcid);
    const verdict = checkPassword(this.ctx, authcid, password);
    if (verdict !== 'ok') return fail(verdict, verdict === 'unknown-user' ? 'unknown authentication identity' : 'password mismatch', authcid);
    if (!authorize(this.ctx, authcid, authzid)) return fail('authorization-denied', `${authcid} may not act as ${authzid}`, authcid);
    return this.success(authcid, authzid);
  }
}
