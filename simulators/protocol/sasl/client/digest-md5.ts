/** DIGEST-MD5 (RFC 2831): server-first; the client checks the server's rspauth before it goes on (VVM-02). */
import { randomBytes } from 'node:crypto';
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { digestResponse, digestRspauth, parseDirectives, renderDirectives, type DigestParams } from '../digest-md5';
import { SaslClientError } from './errors';
import { requirePassword } from './util';

export interface DigestMd5ClientOptions {
  /** the host of the digest-uri "imap/<host>" */
  host?: string;
  /** skip the rspauth check: the role's fault switch decides */
  skipRspauthCheck?: boolean;
}

export class DigestMd5Client implements SaslClientMechanism {
  readonly name = 'DIGEST-MD5' as const;
  private readonly password: string;
  private sent?: DigestParams;
  private proven = false;

  constructor(
    private readonly credentials: SaslClientCredentials,
    private readonly options: DigestMd5ClientOptions = {},
  ) {
    this.password = requirePassword(credentials, this.name);
  }

  initial(): undefined {
    return undefined;
  }

  respond(challenge: Buffer): Buffer {
    const d = parseDirectives(challenge.toString('utf8'));
    if (!d) throw new SaslClientError('MALFORMED_CHALLENGE', 'DIGEST-MD5 challenge is not a list of directives');
    if (this.sent) return this.checkRspauth(d);
    const nonce = d.get('nonce');
    if (!nonce) throw new SaslClientError('MALFORMED_CHALLENGE', 'DIGEST-MD5 challenge has no nonce');
    if (!(d.get('qop') ?? 'auth').split(',').map((q) => q.trim()).includes('auth')) throw new SaslClientError('UNSUPPORTED_EXTENSION', 'DIGEST-MD5 challenge offers no qop "auth"');
    const realm = d.get('realm') ?? this.options.host ?? '';
    this.sent = {
      username: this.credentials.authcid,
      realm,
      password: this.password,
      nonce,
      cnonce: randomBytes(16).toString('base64'),
      nc: '00000001',
      qop: 'auth',
      digestUri: `imap/${this.options.host ?? realm}`,
      ...(this.credentials.authzid ? { authzid: this.credentials.authzid } : {}),
    };
    const p = this.sent;
    const pairs: Array<[string, string]> = [
      ['charset', 'utf-8'], ['username', p.username], ['realm', p.realm], ['nonce', p.nonce], ['nc', p.nc], ['cnonce', p.cnonce],
      ['digest-uri', p.digestUri], ['response', digestResponse(p)], ['qop', p.qop], ...(p.authzid ? [['authzid', p.authzid] as [string, string]] : []),
    ];
    return Buffer.from(renderDirectives(pairs, ['username', 'realm', 'nonce', 'cnonce', 'digest-uri', 'authzid']));
  }

  private checkRspauth(d: Map<string, string>): Buffer {
    if (this.proven) throw new SaslClientError('UNEXPECTED_CHALLENGE', 'DIGEST-MD5 has no challenge after rspauth');
    const rspauth = d.get('rspauth');
    if (rspauth === undefined) throw new SaslClientError('MISSING_SERVER_FINAL', 'DIGEST-MD5 second challenge carries no rspauth');
    if (!this.options.skipRspauthCheck && rspauth !== digestRspauth(this.sent!)) throw new SaslClientError('SERVER_SIGNATURE_MISMATCH', 'DIGEST-MD5 rspauth does not prove the server knows the password');
    this.proven = true;
    return Buffer.alloc(0);
  }

  /** Success without rspauth: the server proved nothing (RFC 2831 §2.1.3). */
  verifySuccess(): void {
    if (!this.proven) throw new SaslClientError('MISSING_SERVER_FINAL', 'DIGEST-MD5 success without rspauth');
  }
}
