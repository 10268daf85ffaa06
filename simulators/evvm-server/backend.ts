/**
 * The EVVM Server's IMAP behaviour (IF-1) on top of the IMAP core: identifiers (EVVM-AUTH-01/02), VVM
 * refusal texts (VVM-01), TLS-before-authentication (STD-02/03), client certificates (EVVM-AUTH-04).
 * Every fault switch is checked here, next to the rule it breaks.
 */
import type { TranscriptSink } from '../../evidence/transcript';
import type { AuthResult, Greeting, ImapBackend, ImapUser, Refusal, SessionInfo } from '../protocol/imap/server/backend';
import type { MailFolder } from '../protocol/imap/server/mailstore';
import { mailboxName } from '../protocol/imap/server/commands/types';
import { ImapRoleBackend, judgeTlsClient, pskAuthenticated, refuse, validClientCertificate, type ImapServerPolicy } from '../protocol/imap/server/role-backend';
import { createServerMechanism, isMechanismName, safeEqual, type PasswordServerContext, type PasswordVerdict } from '../protocol/sasl/server';
import type { ServerStep } from '../protocol/sasl/types';
import type { Directory, Mailbox } from './directory';
import type { FaultReader } from '../fault-set';

/** IF-1 policy; requireTls: LOGINDISABLED and no AUTHENTICATE/LOGIN at all before TLS. */
export type EvvmPolicy = ImapServerPolicy;

export type { AuthenticationObservation } from '../protocol/imap/server/role-backend';

/** VVM-01 texts (spec.md §b.6), exact. */
export const VVM_TEXT = {
  unknownUser: 'unknown user',
  invalidPassword: 'invalid password',
  blocked: 'user is blocked',
} as const;

/** The DIGEST-MD5 realm, and the host of its digest-uri "imap/<host>": the name the EVVM Server's certificate carries. */
const DIGEST_MD5_REALM = 'evvm-server.op.example';

/** A refusal whatever the reason: what a server that keeps no VVM texts answers (the evvm-server:generic-refusal-text fault). */
const GENERIC_REFUSAL = 'authentication failed';

/** VVM 1.2 p.17: a flag or a STATUS the client must not use (VVM-05, VVM-06). */
export const NOT_ALLOWED = 'command not allowed';
/** The flags a VVM client may set: read and deleted state, and the active greeting (VVM 1.2 p.17, chapter 7). */
const ALLOWED_FLAGS: readonly string[] = ['\\Seen', '\\Deleted', '$CNS-Greeting-On'];

/** STATUS pw_len: "the minimum and maximum TUI password length allowed" (VVM 1.2 p.58). */
export interface TuiPasswordLength {
  min: number;
  max: number;
}

/** XCHANGE_TUI_PWD answers (ORANGE-ImapConst, spec.md §c.5). */
export const TUI_PWD_TEXT = {
  changed: 'password changed successfully',
  tooShort: 'password too short',
  tooLong: 'password too long',
  tooWeak: 'password too weak',
  mismatch: 'old password mismatch',
  invalid: 'password contains invalid characters',
} as const;

/** Obvious patterns (SG.20 "Exclusion of Obvious Patterns"): one repeated digit, or a run up or down. */
function obviousPin(pin: string): boolean {
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((v, i) => v - d[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

export class EvvmBackend extends ImapRoleBackend implements ImapBackend {
  /** login-survives-logout: client certificate fingerprint → who logged in with it */
  private readonly remembered = new Map<string, ImapUser>();

  constructor(
    actor: string,
    private readonly policy: EvvmPolicy,
    private readonly directory: Directory,
    /** the PSK of an identity as the TLS layer looks it up */
    private readonly pskOf: (identity: string) => Buffer | undefined,
    private readonly faults: FaultReader<'evvm-server'>,
    transcript: TranscriptSink,
    tuiPasswordLength: TuiPasswordLength | undefined,
    /** keeps a new TUI PIN out of the transcript */
    private readonly secret: (pin: string) => void,
  ) {
    super(actor, transcript);
    // without a pw_len range the extension is not offered: the command stays unknown
    if (tuiPasswordLength) this.changeTuiPassword = (session, user, newPin, oldPin) => this.tuiPasswordChange(tuiPasswordLength, session, user, newPin, oldPin);
  }

  readonly changeTuiPassword?: ImapBackend['changeTuiPassword'];

  /** A VVM refusal text, unless the server keeps none. */
  private vvmText(text: string): string {
    // FAULT evvm-server:generic-refusal-text (VVM-01): every refusal says the same, whatever the outcome.
    return this.faults.has('evvm-server:generic-refusal-text') ? GENERIC_REFUSAL : text;
  }

  // ---- identifiers and passwords ----

  /** The mailbox an identifier logs in to. */
  private loginMailbox(identifier: string): Mailbox | undefined {
    const mb = this.directory.lookup(identifier);
    if (!mb) return undefined;
    // FAULT evvm-server:primary-identifier-only (EVVM-AUTH-01): only the first identifier logs in, not any one of them.
    if (this.faults.has('evvm-server:primary-identifier-only') && mb.identifier(identifier) !== mb.identifiers[0]) return undefined;
    return mb;
  }

  private checkPassword(identifier: string, password: string): PasswordVerdict {
    const mb = this.loginMailbox(identifier);
    if (!mb) return 'unknown-user';
    // FAULT evvm-server:skip-password-check (EVVM-AUTH-04): any password for a known identifier.
    if (this.faults.has('evvm-server:skip-password-check')) return 'ok';
    if (safeEqual(mb.password, password)) return 'ok';
    // FAULT evvm-server:password-any-mailbox (EVVM-AUTH-01): the password of any mailbox opens this identifier's mailbox.
    if (this.faults.has('evvm-server:password-any-mailbox') && this.directory.all().some((m) => safeEqual(m.password, password))) return 'ok';
    return 'invalid-credentials';
  }

  private validCertificate(session: SessionInfo): boolean {
    // FAULT evvm-server:any-client-ca (EVVM-AUTH-04): expired, revoked or foreign certificates count as valid.
    return validClientCertificate(session, this.faults.has('evvm-server:any-client-ca'));
  }

  private certificateMailbox(session: SessionInfo): Mailbox | undefined {
    const cert = session.tls?.peerCertificate;
    if (!cert || !this.validCertificate(session)) return undefined;
    return this.directory.byCertificate(cert.fingerprint256, cert.subjectAltName);
  }

  /** EVVM-AUTH-02: may the one who authenticated as `authcid` act as `authzid`? */
  private mayActAs(session: SessionInfo, authcid: string, authzid: string, external: boolean): boolean {
    // FAULT evvm-server:authzid-unchecked (EVVM-AUTH-02): any authzid, also of another mailbox.
    if (this.faults.has('evvm-server:authzid-unchecked')) return true;
    const own = external ? this.certificateMailbox(session) : this.loginMailbox(authcid);
    const target = this.directory.lookup(authzid);
    if (!own || !target || own !== target) return false;
    // FAULT evvm-server:identifiers-not-linked (EVVM-AUTH-02): the other identifiers of the same mailbox are not considered authenticated.
    if (this.faults.has('evvm-server:identifiers-not-linked') && own.identifier(authzid) !== own.identifier(authcid)) return false;
    return true;
  }

  private plaintextAllowed(session: SessionInfo): boolean {
    return session.secure || !this.policy.requireTls;
  }

  private success(session: SessionInfo, mb: Mailbox, identity: string): ImapUser {
    // FAULT evvm-server:another-users-mailbox (EVVM-AUTH-01): the session lands in another mailbox than its identifier's.
    const opened = this.faults.has('evvm-server:another-users-mailbox') ? (this.directory.all().find((other) => other !== mb) ?? mb) : mb;
    const user: ImapUser = { account: opened.key, identity };
    const cert = session.tls?.peerCertificate;
    // FAULT evvm-server:login-survives-logout (EVVM-AUTH-02): remember the certificate so that later connections are PREAUTH.
    if (cert && this.faults.has('evvm-server:login-survives-logout')) this.remembered.set(cert.fingerprint256, user);
    return user;
  }

  private blocked(mb: Mailbox): boolean {
    // FAULT evvm-server:ignore-blocked (EVVM-AUTH-04): blocked mailboxes log in.
    return mb.state === 'blocked' && !this.faults.has('evvm-server:ignore-blocked');
  }

  // ---- ImapBackend ----

  capabilities(session: SessionInfo, base: readonly string[]): string[] {
    const caps = [...base];
    if (session.state !== 'not-authenticated') return caps.filter((c) => c !== 'STARTTLS');
    const auth: string[] = [];
    // FAULT evvm-server:stale-capabilities-after-tls (VVM-03): inside TLS it answers the clear channel's list.
    const stale = session.tls?.viaStartTls === true && this.faults.has('evvm-server:stale-capabilities-after-tls');
    if (stale) caps.push('STARTTLS');
    if (!this.plaintextAllowed(session) || stale) {
      // RFC 2595 §3.2 / RFC 9051 §6.2.3.
      // FAULT evvm-server:no-logindisabled (STD-02): not advertised (LOGIN is still refused).
      if (!this.faults.has('evvm-server:no-logindisabled')) caps.push('LOGINDISABLED');
      // FAULT evvm-server:plaintext-auth-before-tls (STD-03): AUTH=PLAIN offered in the clear.
      if (this.faults.has('evvm-server:plaintext-auth-before-tls')) auth.push('AUTH=PLAIN');
    } else {
      if (!this.policy.loginCommand) caps.push('LOGINDISABLED');
      for (const m of this.policy.saslMechanisms) auth.push(`AUTH=${m}`);
    }
    if (auth.length) caps.push(...auth, 'SASL-IR');
    return caps;
  }

  greeting(session: SessionInfo): Greeting {
    const cert = session.tls?.peerCertificate;
    // FAULT evvm-server:login-survives-logout (EVVM-AUTH-02): a certificate that once logged in is greeted with PREAUTH.
    if (cert && this.faults.has('evvm-server:login-survives-logout')) {
      const user = this.remembered.get(cert.fingerprint256);
      if (user) return { kind: 'PREAUTH', user, text: `${this.actor} ready, ${user.identity} already logged in` };
    }
    return { kind: 'OK', text: `${this.actor} ready` };
  }

  secured(session: SessionInfo): { ok: true } | Refusal {
    let policy = this.policy.clientCertificate;
    // FAULT evvm-server:client-cert-not-required (EVVM-AUTH-04): 'required' behaves like 'optional'.
    if (policy === 'required' && this.faults.has('evvm-server:client-cert-not-required')) policy = 'optional';
    return judgeTlsClient(session, { pskAuthenticated: pskAuthenticated(session, this.pskOf), policy, validCertificate: this.validCertificate(session) }, (text) => this.note(session, 'tls', text));
  }

  replayPipelinedAfterStartTls(): boolean {
    // FAULT evvm-server:starttls-injection (STD-03): executes what was pipelined before the handshake (CVE-2011-0411 class).
    return this.faults.has('evvm-server:starttls-injection');
  }

  login(session: SessionInfo, username: string, password: string): AuthResult {
    const fail = (text: string, code?: string): AuthResult => this.refused(session, { method: 'LOGIN', identity: username }, text, code);
    if (!this.policy.loginCommand) return fail('LOGIN is disabled, use AUTHENTICATE', 'CANNOT');
    // FAULT evvm-server:plaintext-auth-before-tls (STD-03): LOGIN accepted in the clear.
    if (!this.plaintextAllowed(session) && !this.faults.has('evvm-server:plaintext-auth-before-tls')) {
      return fail('LOGIN is disabled until TLS is negotiated', 'PRIVACYREQUIRED');
    }
    const verdict = this.checkPassword(username, password);
    if (verdict === 'unknown-user') return fail(this.vvmText(VVM_TEXT.unknownUser));
    if (verdict !== 'ok') return fail(this.vvmText(VVM_TEXT.invalidPassword));
    const mb = this.loginMailbox(username)!;
    if (this.blocked(mb)) return fail(this.vvmText(VVM_TEXT.blocked));
    const identity = mb.identifier(username) ?? username;
    this.record(session, { method: 'LOGIN', identity, outcome: 'success', text: 'LOGIN completed' });
    return { ok: true, user: this.success(session, mb, identity) };
  }

  startAuthentication(session: SessionInfo, mechanism: string) {
    const method = `AUTHENTICATE ${mechanism}`;
    // FAULT evvm-server:plaintext-auth-before-tls (STD-03): AUTHENTICATE PLAIN accepted in the clear.
    const plainInClear = mechanism === 'PLAIN' && !session.secure && this.faults.has('evvm-server:plaintext-auth-before-tls');
    const fail = (text: string, code?: string): Refusal => this.refused(session, { method, identity: '' }, text, code);
    if (!isMechanismName(mechanism) || (!this.policy.saslMechanisms.includes(mechanism) && !plainInClear)) {
      return fail('unsupported authentication mechanism', 'CANNOT');
    }
    if (!this.plaintextAllowed(session) && !plainInClear) return fail('authentication is disabled until TLS is negotiated', 'PRIVACYREQUIRED');
    const external = mechanism === 'EXTERNAL';
    const certificate = session.tls?.peerCertificate;
    const ctx: PasswordServerContext = {
      passwordOf: (authcid) => this.loginMailbox(authcid)?.password,
      verifyPassword: (authcid, password) => this.checkPassword(authcid, password),
      mayActAs: (authcid, authzid) => this.mayActAs(session, authcid, authzid, external),
    };
    if (certificate && this.validCertificate(session)) ctx.externalIdentity = certificate.fingerprint256;
    // FAULT evvm-server:unproven-rspauth (VVM-02): DIGEST-MD5 ends with an rspauth that proves nothing.
    const digestMd5 = { realm: DIGEST_MD5_REALM, unprovenRspauth: this.faults.has('evvm-server:unproven-rspauth') };
    return { ok: true as const, mechanism: createServerMechanism(mechanism, ctx, { cramMd5: { hostname: 'evvm-server' }, digestMd5 }) };
  }

  finishAuthentication(session: SessionInfo, mechanism: string, step: Extract<ServerStep, { kind: 'success' | 'failure' }>): AuthResult {
    const method = `AUTHENTICATE ${mechanism}`;
    const external = mechanism === 'EXTERNAL';
    const fail = (identity: string, text: string, code?: string, authzid?: string): AuthResult => this.refused(session, { method, identity, authzid }, text, code);
    if (step.kind === 'failure') {
      const who = step.authcid ?? '';
      switch (step.reason) {
        case 'unknown-user':
          return fail(who, this.vvmText(VVM_TEXT.unknownUser));
        case 'invalid-credentials':
          return fail(who, external ? 'no valid client certificate' : this.vvmText(VVM_TEXT.invalidPassword), external ? 'AUTHENTICATIONFAILED' : undefined);
        case 'authorization-denied':
          return fail(who, 'not authorized to act as that identifier', 'AUTHORIZATIONFAILED');
        case 'aborted':
          return fail(who, `cancelled: ${step.detail}`);
        case 'malformed':
          return fail(who, `malformed ${mechanism} exchange: ${step.detail}`, 'AUTHENTICATIONFAILED');
      }
    }
    const own = external ? this.certificateMailbox(session) : this.loginMailbox(step.authcid);
    if (!own) return fail(step.authcid, external ? 'client certificate is not mapped to a mailbox' : this.vvmText(VVM_TEXT.unknownUser));
    const authcidShown = external ? (own.identifiers[0] ?? step.authcid) : (own.identifier(step.authcid) ?? step.authcid);
    let target = own;
    let identity = authcidShown;
    if (step.authzid) {
      const t = this.directory.lookup(step.authzid);
      if (!t) return fail(authcidShown, 'not authorized to act as that identifier', 'AUTHORIZATIONFAILED', step.authzid);
      target = t;
      identity = t.identifier(step.authzid) ?? step.authzid;
    }
    if (this.blocked(own) || this.blocked(target)) return fail(authcidShown, this.vvmText(VVM_TEXT.blocked), undefined, step.authzid);
    this.record(session, {
      method,
      identity: authcidShown,
      ...(step.authzid ? { authzid: identity } : {}),
      outcome: 'success',
      text: 'AUTHENTICATE completed',
    });
    return { ok: true, user: this.success(session, target, identity) };
  }

  folder(_session: SessionInfo, user: ImapUser, name: string): MailFolder | Refusal {
    const mb = this.directory.byKey(user.account);
    if (!mb) return refuse('mailbox no longer exists', 'NONEXISTENT');
    const pick = (m: Mailbox, folder: string): MailFolder | Refusal =>
      folder === 'INBOX' ? m.inbox : folder === 'Greetings' ? m.greetings : refuse('no such mailbox', 'NONEXISTENT');
    if (!name.startsWith('#id/')) return pick(mb, name);
    // "#id/<identifier>/<folder>": the view of the mailbox under another of its identifiers (EVVM-AUTH-02).
    const rest = name.slice(4);
    const slash = rest.lastIndexOf('/');
    if (slash <= 0) return refuse('no such mailbox', 'NONEXISTENT');
    const identifier = rest.slice(0, slash);
    const other = this.directory.lookup(identifier);
    // The same answer for "unknown" and "another mailbox", so that it is no oracle for other users' identifiers.
    if (other !== mb) return refuse('not an identifier of this mailbox', 'NOPERM');
    // FAULT evvm-server:identifiers-not-linked (EVVM-AUTH-02): only the identifier the session authenticated as.
    if (this.faults.has('evvm-server:identifiers-not-linked') && mb.identifier(identifier) !== mb.identifier(user.identity)) {
      return refuse('not an identifier of this mailbox', 'NOPERM');
    }
    return pick(mb, mailboxName(rest.slice(slash + 1)));
  }

  folders(_session: SessionInfo, user: ImapUser): string[] {
    const mb = this.directory.byKey(user.account);
    if (!mb) return [];
    return ['INBOX', 'Greetings', ...mb.identifiers.flatMap((id) => [`#id/${id}/INBOX`, `#id/${id}/Greetings`])];
  }

  storeRefusal(_session: SessionInfo, _user: ImapUser, _folder: MailFolder, flags: readonly string[]): Refusal | undefined {
    // FAULT evvm-server:any-flag (VVM-05): any standard or non-standard flag is stored.
    if (this.faults.has('evvm-server:any-flag')) return undefined;
    return flags.every((f) => ALLOWED_FLAGS.includes(f)) ? undefined : refuse(NOT_ALLOWED);
  }

  statusRefusal(_session: SessionInfo, _user: ImapUser, folder: MailFolder): Refusal | undefined {
    // FAULT evvm-server:status-on-greetings (VVM-06): STATUS on the Greetings folder is answered.
    if (folder.name !== 'Greetings' || this.faults.has('evvm-server:status-on-greetings')) return undefined;
    return refuse(NOT_ALLOWED);
  }

  private tuiPasswordChange(range: TuiPasswordLength, session: SessionInfo, user: ImapUser, newPin: string, oldPin: string): { ok: true; text: string } | Refusal {
    const mb = this.directory.byKey(user.account);
    const answer = (text: string, ok = false): { ok: true; text: string } | Refusal => {
      this.note(session, 'imap', `XCHANGE_TUI_PWD: ${text}`);
      return ok ? { ok: true, text } : refuse(text);
    };
    // FAULT evvm-server:tui-pwd-skip-old-check (VVM-04): the old PIN is not compared.
    if (!mb || (mb.tuiPin !== oldPin && !this.faults.has('evvm-server:tui-pwd-skip-old-check'))) return answer(TUI_PWD_TEXT.mismatch);
    if (!/^[0-9]+$/.test(newPin)) return answer(TUI_PWD_TEXT.invalid);
    // FAULT evvm-server:tui-pwd-any-length (VVM-04): the pw_len range is not enforced.
    const lengthChecked = !this.faults.has('evvm-server:tui-pwd-any-length');
    if (lengthChecked && newPin.length < range.min) return answer(TUI_PWD_TEXT.tooShort);
    if (lengthChecked && newPin.length > range.max) return answer(TUI_PWD_TEXT.tooLong);
    if (obviousPin(newPin)) return answer(TUI_PWD_TEXT.tooWeak);
    this.secret(newPin);
    mb.tuiPin = newPin;
    return answer(TUI_PWD_TEXT.changed, true);
  }

  namespace(): string {
    return '(("" "/")) (("#id/" "/")) NIL';
  }
}
