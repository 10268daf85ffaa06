import { randomBytes } from 'node:crypto';
import type { SaslServerContext, SaslServerMechanism, ServerStep } from '../types';
import { digestResponse, digestRspauth, parseDirectives, renderDirectives, type DigestParams } from '../digest-md5';
import { fail, finished, safeEqual, utf8 } from './util';

export interface DigestMd5Options {
  /** the realm the challenge offers, and the host of the digest-uri "imap/<host>" */
  realm?: string;
  /** send an rspauth that proves nothing (a server that does not know the password): the role's fault switch decides */
  unprovenRspauth?: boolean;
}

/** DIGEST-MD5 (RFC 2831), server-first: challenge, response, rspauth, then an empty reply and success. */
export class DigestMd5Server implements SaslServerMechanism {
  readonly name = 'DIGEST-MD5' as const;
  private readonly nonce = randomBytes(16).toString('base64');
  private readonly realm: string;
  private stage: 'challenge' | 'response' | 'rspauth' | 'done' = 'challenge';
  private authenticated?: { authcid: string; authzid?: string };

  constructor(
    private readonly ctx: SaslServerContext,
    private readonly options: DigestMd5Options = {},
  ) {
    this.realm = options.realm ?? 'localhost';
  }

  start(initial: Buffer | undefined): ServerStep {
    if (initial !== undefined && initial.length > 0) {
      this.stage = 'done';
      return fail('malformed', 'DIGEST-MD5 is server-first: no initial response allowed');
    }
    this.stage = 'response';
    const challenge = renderDirectives([['realm', this.realm], ['nonce', this.nonce], ['qop', 'auth'], ['charset', 'utf-8'], ['algorithm', 'md5-sess']], ['realm', 'nonce', 'qop']);
    return { kind: 'challenge', data: Buffer.from(challenge) };
  }

  next(response: Buffer): ServerStep {
    if (this.stage === 'rspauth') {
      this.stage = 'done';
      // RFC 2831 §2.1.3: the client answers the rspauth challenge with an empty response
      return response.length === 0 && this.authenticated ? { kind: 'success', ...this.authenticated } : fail('malformed', 'DIGEST-MD5 expects an empty response to rspauth');
    }
    if (this.stage !== 'response') return finished;
    this.stage = 'done';
    const text = utf8(response);
    const d = text === undefined ? undefined : parseDirectives(text);
    if (!d) return fail('malformed', 'DIGEST-MD5 response is not a list of directives');
    const username = d.get('username');
    const given = d.get('response');
    const cnonce = d.get('cnonce');
    const nc = d.get('nc');
    const digestUri = d.get('digest-uri');
    if (!username || !given || !cnonce || !nc || !digestUri) return fail('malformed', 'DIGEST-MD5 response lacks username, cnonce, nc, digest-uri or response');
    if (d.get('nonce') !== this.nonce || (d.get('realm') ?? this.realm) !== this.realm || (d.get('qop') ?? 'auth') !== 'auth' || nc !== '00000001') {
      return fail('malformed', 'DIGEST-MD5 response does not answer this challenge (nonce, realm, qop or nc)', username);
    }
    if (digestUri.toLowerCase() !== `imap/${this.realm}`.toLowerCase()) return fail('malformed', `DIGEST-MD5 digest-uri ${digestUri} does not name this server`, username);
    const password = this.ctx.passwordOf(username);
    if (password === undefined) return fail('unknown-user', 'unknown authentication identity', username);
    const authzid = d.get('authzid');
    const params: DigestParams = { username, realm: this.realm, password, nonce: this.nonce, cnonce, nc, qop: 'auth', digestUri, ...(authzid ? { authzid } : {}) };
    if (!safeEqual(digestResponse(params), given)) return fail('invalid-credentials', 'digest mismatch', username);
    if (authzid && authzid !== username && !this.ctx.mayActAs?.(username, authzid)) return fail('authorization-denied', `${username} may not act as ${authzid}`, username);
    this.authenticated = { authcid: username, ...(authzid && authzid !== username ? { authzid } : {}) };
    this.stage = 'rspauth';
    const rspauth = this.options.unprovenRspauth ? randomBytes(16).toString('hex') : digestRspauth(params);
    return { kind: 'challenge', data: Buffer.from(`rspauth=${rspauth}`) };
  }
}
