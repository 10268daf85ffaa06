import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { SaslServerContext, ServerStep, SaslServerMechanism } from '../types';
import { authorize, fail, finished, prep, safeEqual, utf8 } from './util';

export interface ScramCredentialParams {
  salt: Buffer;
  iterations: number;
}

export interface ScramServerOptions {
  /** server nonce part; default 24 random bytes in base64 (RFC 7677 test vector: fixed) */
  nonce?: () => string;
  /** salt and iteration count per user; default a salt derived from the user name and a per-process secret, 4096 iterations */
  params?: (authcid: string) => ScramCredentialParams;
}

const processSecret = randomBytes(32);
const saltedCache = new Map<string, Buffer>();

function defaultParams(authcid: string): ScramCredentialParams {
  return { salt: createHmac('sha256', processSecret).update(authcid).digest().subarray(0, 16), iterations: 4096 };
}

/** PBKDF2 is the slow part (by design); cache per (password, salt, i) so repeated logins in a test run stay fast. */
function saltedPassword(password: string, params: ScramCredentialParams): Buffer {
  const key = createHash('sha256').update(password).update('\0').update(params.salt).update(String(params.iterations)).digest('hex');
  let v = saltedCache.get(key);
  if (!v) {
    v = pbkdf2Sync(prep(password) ?? password, params.salt, params.iterations, 32, 'sha256');
    if (saltedCache.size > 1000) saltedCache.clear();
    saltedCache.set(key, v);
  }
  return v;
}

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** saslname (RFC 5802 §5.1): ',' is "=2C" and '=' is "=3D"; any other '=' is an error. */
function decodeSaslname(s: string): string | undefined {
  if (/=(?!2C|3D)/.test(s)) return undefined;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

interface FirstState {
  gs2Header: string;
  authzid: string | undefined;
  authcid: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  params: ScramCredentialParams;
  password: string | undefined;
}

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: gs2 flag 'n' or 'y' is accepted, 'p='
 * is refused (no -PLUS offered). Unknown users get a fake salt and fail only at the proof, so the
 * exchange does not reveal which identities exist before the end (RFC 5802 §5.1 'e=unknown-user').
 */
export class ScramSha256Server implements SaslServerMechanism {
  readonly name = 'SCRAM-SHA-256' as const;
  private first: FirstState | undefined;
  private done = false;
  private readonly nonce: () => string;
  private readonly params: (authcid: string) => ScramCredentialParams;

  constructor(private readonly ctx: SaslServerContext, options: ScramServerOptions = {}) {
    this.nonce = options.nonce ?? (() => randomBytes(18).toString('base64'));
    this.params = options.params ?? defaultParams;
  }

  start(initial: Buffer | undefined): ServerStep {
    if (initial === undefined || initial.length === 0) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.next(initial);
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    return this.first === undefined ? this.clientFirst(response) : this.clientFinal(response, this.first);
  }

  private stop(step: ServerStep): ServerStep {
    this.done = true;
    return step;
  }

  private clientFirst(response: Buffer): ServerStep {
    const text = utf8(response);
    if (text === undefined) return this.stop(fail('malformed', 'client-first-message is not valid UTF-8'));
    const m = /^(n|y|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) return this.stop(fail('malformed', 'client-first-message lacks a gs2 header'));
    const [, flag, a, bare] = m as unknown as [string, string, string | undefined, string];
    if (flag.startsWith('p=')) return this.stop(fail('malformed', 'channel binding requested but SCRAM-SHA-256-PLUS is not offered'));
    let authzid: string | undefined;
    if (a !== undefined) {
      authzid = decodeSaslname(a.slice(2));
      if (authzid === undefined) return this.stop(fail('malformed', 'authzid is not a valid saslname'));
    }
    const attrs = bare.split(',');
    if (attrs[0]?.startsWith('m=')) return this.stop(fail('malformed', 'mandatory extension not supported'));
    if (attrs.length < 2 || !attrs[0]!.startsWith('n=') || !attrs[1]!.startsWith('r=')) {
      return this.stop(fail('malformed', 'client-first-message-bare is not "n=…,r=…"'));
    }
    const user = decodeSaslname(attrs[0]!.slice(2));
    const cnonce = attrs[1]!.slice(2);
    if (user === undefined || user === '') return this.stop(fail('malformed', 'username is not a valid saslname'));
    if (cnonce === '' || !/^[\x21-\x2b\x2d-\x7e]+$/.test(cnonce)) return this.stop(fail('malformed', 'client nonce is not printable'));
    const authcid = prep(user) ?? user;
    const password = this.ctx.passwordOf(authcid);
    const params = password === undefined ? defaultParams(`unknown:${authcid}`) : this.params(authcid);
    const nonce = cnonce + this.nonce();
    const serverFirst = `r=${nonce},s=${params.salt.toString('base64')},i=${params.iterations}`;
    this.first = {
      gs2Header: text.slice(0, text.length - bare.length),
      authzid,
      authcid,
      clientFirstBare: bare,
      serverFirst,
      nonce,
      params,
      password,
    };
    return { kind: 'challenge', data: Buffer.from(serverFirst) };
  }

  private clientFinal(response: Buffer, st: FirstState): ServerStep {
    this.done = true;
    const text = utf8(response);
    if (text === undefined) return fail('malformed', 'client-final-message is not valid UTF-8', st.authcid);
    const m = /^c=([^,]*),r=([^,]*)((?:,[^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(text);
    if (!m) return fail('malformed', 'client-final-message is not "c=…,r=…,p=…"', st.authcid);
    const [, cbind, nonce, , proofB64] = m as unknown as [string, string, string, string, string];
    if (Buffer.from(cbind, 'base64').toString('utf8') !== st.gs2Header) return fail('malformed', 'channel binding data does not match the gs2 header', st.authcid);
    if (nonce !== st.nonce) return fail('malformed', 'nonce mismatch', st.authcid);
    const proof = Buffer.from(proofB64, 'base64');
    if (proof.length !== 32) return fail('malformed', 'proof is not 32 bytes', st.authcid);
    const withoutProof = text.slice(0, text.lastIndexOf(',p='));
    const authMessage = `${st.clientFirstBare},${st.serverFirst},${withoutProof}`;
    if (st.password === undefined) return fail('unknown-user', 'unknown authentication identity', st.authcid);
    const salted = saltedPassword(st.password, st.params);
    const storedKey = sha256(hmac(salted, 'Client Key'));
    const clientSignature = hmac(storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!safeEqual(sha256(clientKey), storedKey)) return fail('invalid-credentials', 'invalid proof', st.authcid);
    if (!authorize(this.ctx, st.authcid, st.authzid)) return fail('authorization-denied', `${st.authcid} may not act as ${st.authzid ?? ''}`, st.authcid);
    const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    const data = Buffer.from(`v=${serverSignature.toString('base64')}`);
    return st.authzid ? { kind: 'success', authcid: st.authcid, authzid: st.authzid, data } : { kind: 'success', authcid: st.authcid, data };
  }
}
