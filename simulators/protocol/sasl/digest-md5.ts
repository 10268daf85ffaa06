/**
 * DIGEST-MD5 (RFC 2831; historic since RFC 6331, kept because VVM uses it: VVM-02): what client and server
 * share, the directive syntax and the digests. A1 = MD5(user:realm:password):nonce:cnonce[:authzid];
 * response = HEX(KD(HEX(MD5(A1)), nonce:nc:cnonce:qop:HEX(MD5(A2)))) with A2 = "AUTHENTICATE:digest-uri" for
 * the client's response and ":digest-uri" for the server's rspauth, the server's proof that it knows the password.
 */
import { createHash } from 'node:crypto';

/** Directives are at most a few hundred bytes; a longer message is refused before it is parsed. */
export const MAX_DIGEST_MESSAGE = 4096;

const md5 = (data: Buffer | string): Buffer => createHash('md5').update(data).digest();
const hex = (data: Buffer | string): string => md5(data).toString('hex');

/** `key=value` or `key="quoted"`, comma separated (RFC 2831 §7.1); undefined when malformed or a key repeats. */
export function parseDirectives(text: string): Map<string, string> | undefined {
  if (text.length > MAX_DIGEST_MESSAGE) return undefined;
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z0-9-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,"\s]*))\s*(?:,|$)/gy;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0].length === 0) return undefined;
    const key = m[1]!.toLowerCase();
    if (out.has(key)) return undefined;
    out.set(key, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
    at = re.lastIndex;
  }
  return out;
}

const quote = (v: string) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** Renders directives; `quoted` names the ones written as quoted strings. */
export function renderDirectives(pairs: ReadonlyArray<[string, string]>, quoted: readonly string[]): string {
  return pairs.map(([k, v]) => `${k}=${quoted.includes(k) ? quote(v) : v}`).join(',');
}

export interface DigestParams {
  username: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  qop: string;
  digestUri: string;
  authzid?: string;
}

function kd(p: DigestParams, a2: string): string {
  const a1 = Buffer.concat([md5(`${p.username}:${p.realm}:${p.password}`), Buffer.from(`:${p.nonce}:${p.cnonce}${p.authzid ? `:${p.authzid}` : ''}`)]);
  return hex(`${hex(a1)}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${hex(a2)}`);
}

/** The client's proof (the response directive). */
export const digestResponse = (p: DigestParams): string => kd(p, `AUTHENTICATE:${p.digestUri}`);

/** The server's proof (rspauth). */
export const digestRspauth = (p: DigestParams): string => kd(p, `:${p.digestUri}`);
