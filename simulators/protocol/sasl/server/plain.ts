import type { ServerStep, SaslServerMechanism } from '../types';
import { authorize, checkPassword, fail, finished, utf8, type PasswordServerContext } from './util';

/** PLAIN (RFC 4616): message = [authzid] NUL authcid NUL passwd, client-first. */
export class PlainServer implements SaslServerMechanism {
  readonly name = 'PLAIN' as const;
  private done = false;

  constructor(private readonly ctx: PasswordServerContext) {}

  start(initial: Buffer | undefined): ServerStep {
    // No initial response: RFC 4616 §2 has the server send an empty challenge.
    if (initial === undefined) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.next(initial);
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    this.done = true;
    const text = utf8(response);
    if (text === undefined) return fail('malformed', 'PLAIN message is not valid UTF-8');
    const fields = text.split('\0');
    if (fields.length !== 3) return fail('malformed', `PLAIN message has ${fields.length - 1} NUL separators, expected 2`);
    const [authzid, authcid, password] = fields as [string, string, string];
    if (authcid === '') return fail('malformed', 'PLAIN authcid is empty');
    if (password === '') return fail('malformed', 'PLAIN password is empty', authcid);
    const verdict = checkPassword(this.ctx, authcid, password);
    if (verdict !== 'ok') return fail(verdict, verdict === 'unknown-user' ? 'unknown authentication identity' : 'password mismatch', authcid);
    if (!authorize(this.ctx, authcid, authzid)) {
      return fail('authorization-denied', `${authcid} may not act as ${authzid}`, authcid);
    }
    return authzid === '' ? { kind: 'success', authcid } : { kind: 'success', authcid, authzid };
  }
}
