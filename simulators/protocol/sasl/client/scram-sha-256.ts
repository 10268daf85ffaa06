/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding (gs2 flag "n").
 *
 * Mutual authentication: the server proves it knows the salted password by sending ServerSignature
 * (v=…). respond() checks it in constant time, and verifySuccess() throws if the server declared
 * success without ever sending a valid v=, so a rogue server cannot skip the proof.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';
import type { SaslClientCredentials, SaslClientMechanism } from '../types';
import { SaslClientError } from './errors';
import { requirePassword } from './util';

export interface ScramClientOptions {
  /** Fixed client nonce, for test vectors only (RFC 7677 §3 uses "rOprNGfwEbeRWgbNEkqO"). */
  clientNonce?: string;
  /**
   * Highest iteration count the client will compute. PBKDF2 blocks the event loop, so a hostile server
   * announcing i=2^31 would freeze the harness; above this the exchange fails instead.
   */
  maxIterations?: number;
}

export const DEFAULT_MAX_SCRAM_ITERATIONS = 1_000_000;

type State = 'start' | 'sent-first' | 'sent-final' | 'verified';

/** RFC 5802 §5.1 saslname: '=' and ',' are escaped so they cannot break the attribute syntax. */
export function saslName(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function prep(value: string, what: string): string {
  try {
    return saslprep(value);
  } catch (err) {
    throw new SaslClientError('INVALID_CREDENTIALS_SYNTAX', `SCRAM ${what} is not valid under SASLprep: ${(err as Error).message}`);
  }
}

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PRINTABLE_NONCE = /^[\x21-\x2b\x2d-\x7e]+$/; // RFC 5802 "printable": %x21-7E except ","

export class ScramSha256Client implements SaslClientMechanism {
  readonly name = 'SCRAM-SHA-256' as const;
  private state: State = 'start';
  private readonly gs2Header: string;
  private readonly clientFirstBare: string;
  private readonly clientNonce: string;
  private readonly password: string;
  private readonly maxIterations: number;
  private expectedServerSignature: Buffer | undefined;

  constructor(credentials: SaslClientCredentials, options: ScramClientOptions = {}) {
    this.password = prep(requirePassword(credentials, this.name), 'password');
    this.maxIterations = options.maxIterations ?? DEFAULT_MAX_SCRAM_ITERATIONS;
    this.clientNonce = options.clientNonce ?? randomBytes(24).toString('base64');
    if (!PRINTABLE_NONCE.test(this.clientNonce)) throw new SaslClientError('INVALID_CREDENTIALS_SYNTAX', 'SCRAM client nonce must be printable without ","');
    const authzid = credentials.authzid ? `a=${saslName(prep(credentials.authzid, 'authzid'))}` : '';
    this.gs2Header = `n,${authzid},`;
    this.clientFirstBare = `n=${saslName(prep(credentials.authcid, 'username'))},r=${this.clientNonce}`;
  }

  initial(): Buffer {
    if (this.state !== 'start') throw new SaslClientError('UNEXPECTED_CHALLENGE', 'SCRAM client-first already sent');
    this.state = 'sent-first';
    return Buffer.from(this.gs2Header + this.clientFirstBare, 'utf8');
  }

  respond(challenge: Buffer): Buffer {
    if (this.state === 'sent-first') return this.clientFinal(challenge.toString('utf8'));
    if (this.state === 'sent-final') {
      this.checkServerFinal(challenge.toString('utf8'));
      // RFC 3501 carries server-final as a challenge; the client acknowledges it with an empty response.
      return Buffer.alloc(0);
    }
    throw new SaslClientError('UNEXPECTED_CHALLENGE', `SCRAM challenge in state ${this.state}`);
  }

  verifySuccess(data: Buffer | undefined): void {
    if (data !== undefined && data.length > 0 && this.state === 'sent-final') this.checkServerFinal(data.toString('utf8'));
    if (this.state !== 'verified') {
      throw new SaslClientError('MISSING_SERVER_FINAL', 'server reported success without proving the server signature (v=)');
    }
  }

  /** True once the server signature has been checked: the server is authenticated. */
  get serverVerified(): boolean {
    return this.state === 'verified';
  }

  private clientFinal(serverFirst: string): Buffer {
    const attrs = serverFirst.split(',');
    if (attrs[0]?.startsWith('m=')) throw new SaslClientError('UNSUPPORTED_EXTENSION', 'SCRAM server-first carries a mandatory extension (m=)');
    const [r, s, i] = attrs;
    if (!r?.startsWith('r=') || !s?.startsWith('s=') || !i?.startsWith('i=')) {
      throw new SaslClientError('MALFORMED_CHALLENGE', 'SCRAM server-first must be r=…,s=…,i=…');
    }
    const nonce = r.slice(2);
    if (!PRINTABLE_NONCE.test(nonce)) throw new SaslClientError('MALFORMED_CHALLENGE', 'SCRAM nonce is not printable');
    // The combined nonce must extend ours, and the server must add something of its own (RFC 5802 §5.1).
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new SaslClientError('NONCE_MISMATCH', 'SCRAM server nonce does not extend the client nonce');
    }
    const saltB64 = s.slice(2);
    if (saltB64.length === 0 || !BASE64.test(saltB64)) throw new SaslClientError('MALFORMED_CHALLENGE', 'SCRAM salt is not base64');
    const iterText = i.slice(2);
    if (!/^[1-9][0-9]{0,9}$/.test(iterText)) throw new SaslClientError('MALFORMED_CHALLENGE', 'SCRAM iteration count is not a positive integer');
    const iterations = Number(iterText);
    if (iterations > this.maxIterations) {
      throw new SaslClientError('ITERATIONS_OUT_OF_RANGE', `SCRAM iteration count ${iterations} exceeds ${this.maxIterations}`);
    }

    const salted = pbkdf2Sync(Buffer.from(this.password, 'utf8'), Buffer.from(saltB64, 'base64'), iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=${Buffer.from(this.gs2Header, 'utf8').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = xor(clientKey, hmac(storedKey, authMessage));
    this.expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    this.state = 'sent-final';
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  private checkServerFinal(serverFinal: string): void {
    const first = serverFinal.split(',')[0] ?? '';
    if (first.startsWith('e=')) throw new SaslClientError('SERVER_ERROR', `SCRAM server error: ${first.slice(2)}`);
    if (!first.startsWith('v=') || !BASE64.test(first.slice(2))) {
      throw new SaslClientError('MALFORMED_CHALLENGE', 'SCRAM server-final must be v=… or e=…');
    }
    const got = Buffer.from(first.slice(2), 'base64');
    const want = this.expectedServerSignature!;
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new SaslClientError('SERVER_SIGNATURE_MISMATCH', 'SCRAM server signature is wrong: the server does not know the password');
    }
    this.state = 'verified';
  }
}
