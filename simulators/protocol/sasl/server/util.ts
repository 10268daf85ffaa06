import { createHash, timingSafeEqual } from 'node:crypto';
import saslprep from '@mongodb-js/saslprep';
import type { SaslServerContext, ServerStep } from '../types';

/**
 * What the server mechanisms of this folder accept: the shared SaslServerContext plus an optional
 * password verifier. Mechanisms that see the cleartext password (PLAIN, LOGIN) call `verifyPassword`
 * when it is there, so a role can decide itself (fault switches such as "accept any password" live in
 * the role, not here); otherwise they compare with `passwordOf`.
 */
export interface PasswordServerContext extends SaslServerContext {
  verifyPassword?(authcid: string, password: string): PasswordVerdict;
}

export type PasswordVerdict = 'ok' | 'unknown-user' | 'invalid-credentials';

/** Constant-time comparison of two secrets of any length (hash first, so lengths leak nothing). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** SASLprep (RFC 4013) that never throws: a prohibited string yields undefined. */
export function prep(value: string): string | undefined {
  try {
    return saslprep(value);
  } catch {
    return undefined;
  }
}

/** Password check shared by PLAIN and LOGIN: the role's verifier if any, else passwordOf + SASLprep. */
export function checkPassword(ctx: PasswordServerContext, authcid: string, password: string): PasswordVerdict {
  if (ctx.verifyPassword) return ctx.verifyPassword(authcid, password);
  const stored = ctx.passwordOf(authcid);
  if (stored === undefined) return 'unknown-user';
  if (safeEqual(stored, password)) return 'ok';
  const a = prep(stored);
  const b = prep(password);
  return a !== undefined && b !== undefined && safeEqual(a, b) ? 'ok' : 'invalid-credentials';
}

/** RFC 4422 §3.4.1: an empty authzid or one equal to authcid needs no policy; anything else asks the role. */
export function authorize(ctx: SaslServerContext, authcid: string, authzid: string | undefined): boolean {
  if (authzid === undefined || authzid === '' || authzid === authcid) return true;
  return ctx.mayActAs ? ctx.mayActAs(authcid, authzid) : false;
}

/** Strict UTF-8 decoding: invalid sequences make the exchange malformed instead of silently becoming U+FFFD. */
export function utf8(data: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

export function fail(reason: Extract<ServerStep, { kind: 'failure' }>['reason'], detail: string, authcid?: string): ServerStep {
  return authcid === undefined ? { kind: 'failure', reason, detail } : { kind: 'failure', reason, detail, authcid };
}

/** After success or failure a mechanism answers everything with this. */
export const finished: ServerStep = { kind: 'failure', reason: 'malformed', detail: 'exchange already finished' };

/**
 * A client-first mechanism of one message (PLAIN, EXTERNAL): without an initial response the server sends
 * an empty challenge (RFC 4422 §5), then judges the single message; anything after that is an error.
 */
export abstract class SingleMessageServer {
  private done = false;

  start(initial: Buffer | undefined): ServerStep {
    if (initial === undefined) return { kind: 'challenge', data: Buffer.alloc(0) };
    return this.next(initial);
  }

  next(response: Buffer): ServerStep {
    if (this.done) return finished;
    this.done = true;
    return this.judge(response);
  }

  /** The mechanism's rule for its one message. */
  protected abstract judge(message: Buffer): ServerStep;

  /** Success, naming the authorization identity only when the client asked for one. */
  protected success(authcid: string, authzid: string): ServerStep {
    return authzid === '' ? { kind: 'success', authcid } : { kind: 'success', authcid, authzid };
  }
}
