/**
 * A minimal backend for roles that need an IMAP server but no EVVM rules (a rogue server that records
 * what it is sent, a message store): user name/password accounts, one INBOX each, LOGINDISABLED before
 * TLS when asked, and a record of every attempt.
 */
import type { AuthResult, ImapBackend, ImapUser, Refusal, SessionInfo } from './backend';
import { MailFolder } from './mailstore';
import { createServerMechanism, isMechanismName, safeEqual } from '../../sasl/server';
import type { MechanismName, ServerStep } from '../../sasl/types';

export interface SimpleAccount {
  username: string;
  password: string;
}

export interface SimpleBackendOptions {
  accounts: SimpleAccount[];
  mechanisms?: MechanismName[];
  /** LOGINDISABLED and no authentication before TLS (default true) */
  requireTls?: boolean;
  /** accept every password (a credential harvester) */
  acceptAnyPassword?: boolean;
}

export class SimpleBackend implements ImapBackend {
  readonly attempts: Array<{ conn: string; method: string; username: string; outcome: 'success' | 'failure' }> = [];
  private readonly inboxes = new Map<string, MailFolder>();

  constructor(private readonly options: SimpleBackendOptions) {
    for (const a of options.accounts) this.inboxes.set(a.username, new MailFolder('INBOX'));
  }

  inbox(username: string): MailFolder | undefined {
    return this.inboxes.get(username);
  }

  private tlsOk(s: SessionInfo): boolean {
    return s.secure || this.options.requireTls === false;
  }

  private check(username: string, password: string): boolean {
    const a = this.options.accounts.find((x) => x.username === username);
    return !!a && (this.options.acceptAnyPassword === true || safeEqual(a.password, password));
  }

  capabilities(s: SessionInfo, base: readonly string[]): string[] {
    if (s.state !== 'not-authenticated') return base.filter((c) => c !== 'STARTTLS');
    if (!this.tlsOk(s)) return [...base, 'LOGINDISABLED'];
    const mechs = this.options.mechanisms ?? ['PLAIN', 'LOGIN'];
    return [...base, ...mechs.map((m) => `AUTH=${m}`), 'SASL-IR'];
  }

  login(s: SessionInfo, username: string, password: string): AuthResult {
    const ok = this.tlsOk(s) && this.check(username, password);
    this.attempts.push({ conn: s.id, method: 'LOGIN', username, outcome: ok ? 'success' : 'failure' });
    if (!this.tlsOk(s)) return { ok: false, text: 'LOGIN is disabled until TLS is negotiated', code: 'PRIVACYREQUIRED' };
    return ok ? { ok: true, user: { account: username, identity: username } } : { ok: false, text: 'authentication failed', code: 'AUTHENTICATIONFAILED' };
  }

  startAuthentication(s: SessionInfo, mechanism: string) {
    if (!isMechanismName(mechanism) || !(this.options.mechanisms ?? ['PLAIN', 'LOGIN']).includes(mechanism)) {
      return { ok: false as const, text: 'unsupported authentication mechanism', code: 'CANNOT' };
    }
    if (!this.tlsOk(s)) return { ok: false as const, text: 'authentication is disabled until TLS is negotiated', code: 'PRIVACYREQUIRED' };
    const mech = createServerMechanism(mechanism, {
      passwordOf: (u) => this.options.accounts.find((a) => a.username === u)?.password,
      verifyPassword: (u, p) => (this.check(u, p) ? 'ok' : this.inboxes.has(u) ? 'invalid-credentials' : 'unknown-user'),
    });
    return { ok: true as const, mechanism: mech };
  }

  finishAuthentication(s: SessionInfo, mechanism: string, step: Extract<ServerStep, { kind: 'success' | 'failure' }>): AuthResult {
    const username = step.authcid ?? '';
    this.attempts.push({ conn: s.id, method: `AUTHENTICATE ${mechanism}`, username, outcome: step.kind === 'success' ? 'success' : 'failure' });
    if (step.kind === 'failure') return { ok: false, text: 'authentication failed', code: 'AUTHENTICATIONFAILED' };
    return { ok: true, user: { account: step.authcid, identity: step.authzid ?? step.authcid } };
  }

  folder(_s: SessionInfo, user: ImapUser, name: string): MailFolder | Refusal {
    const f = name === 'INBOX' ? this.inboxes.get(user.account) : undefined;
    return f ?? { ok: false, text: 'no such mailbox', code: 'NONEXISTENT' };
  }

  folders(): string[] {
    return ['INBOX'];
  }
}
