/**
 * The Message Storage Server's IMAP behaviour (IF-5) on the IMAP core: the CPM authentication profile of
 * OMA-TS-CPM_MessageStorage §5.1.2. SASL (CPM-MS-AUTH-01) and LOGIN (CPM-MS-AUTH-02) with the password the
 * CPM service manages (CPM-MS-AUTH-03), TLS and PSK-TLS complementary to both (CPM-MS-AUTH-05/06), and, when
 * the service provider requires TLS, LOGINDISABLED and no password-exposing authentication before it
 * (RFC 2595 §3.2, RFC 9051 §6.2.2: STD-02/03). Every fault switch is checked here, next to its rule.
 */
import type { TranscriptSink } from '../../evidence/transcript';
import type { AuthResult, Greeting, ImapBackend, ImapUser, Refusal, SessionInfo } from '../protocol/imap/server/backend';
import type { MailFolder } from '../protocol/imap/server/mailstore';
import { ImapRoleBackend, judgeTlsClient, pskAuthenticated, refuse, validClientCertificate, type AuthenticationObservation, type ImapServerPolicy } from '../protocol/imap/server/role-backend';
import { createServerMechanism, isMechanismName, safeEqual, type PasswordServerContext, type PasswordVerdict } from '../protocol/sasl/server';
import type { MechanismName, ServerStep } from '../protocol/sasl/types';
import type { FaultReader } from '../fault-set';
import type { Subscriber, Subscribers } from './subscribers';

/**
 * IF-5 policy. requireTls: LOGINDISABLED, and no LOGIN or password-exposing SASL mechanism, before TLS;
 * clientCertificate: client certificates (or a PSK) on TLS, the mutual authentication EVVM-AUTH-05 expects.
 */
export type MessageStoragePolicy = ImapServerPolicy;

/** The Message Storage Server records no authzid: a CPM user acts only as itself. */
export type StorageAuthentication = AuthenticationObservation;

/** Mechanisms that put the password itself on the wire (RFC 9051 §6.2.2 "plaintext password mechanisms"). */
const EXPOSES_PASSWORD: ReadonlySet<string> = new Set(['PLAIN', 'LOGIN']);

/** RFC 5530 codes; one text for unknown user and wrong password, so refusals are no user oracle. */
const FAILED = 'Authentication failed';

export class MessageStorageBackend extends ImapRoleBackend implements ImapBackend {
  constructor(
    actor: string,
    private readonly policy: MessageStoragePolicy,
    private readonly subscribers: Subscribers,
    /** the PSK of an identity as the TLS layer looks it up (faults included) */
    private readonly pskOf: (identity: string) => Buffer | undefined,
    private readonly faults: FaultReader<'message-storage'>,
    transcript: TranscriptSink,
  ) {
    super(actor, transcript);
  }

  // ---- the channel ----

  private validCertificate(session: SessionInfo): boolean {
    // FAULT message-storage:any-client-ca (EVVM-AUTH-05, CPM-MS-AUTH-05): a certificate from any CA (or expired, revoked) counts as valid.
    return validClientCertificate(session, this.faults.has('message-storage:any-client-ca'));
  }

  /** May this channel carry an authentication that does (or does not) expose the password? */
  private channelAllows(session: SessionInfo, exposesPassword: boolean): boolean {
    if (session.secure) return true;
    // No client authentication is possible on the clear channel.
    if (this.policy.clientCertificate === 'required') return false;
    return !(this.policy.requireTls && exposesPassword);
  }

  /** SASL mechanisms offered in this session's current state. */
  private offered(session: SessionInfo): MechanismName[] {
    return this.policy.saslMechanisms.filter((m) => (m === 'EXTERNAL' ? session.secure : this.channelAllows(session, EXPOSES_PASSWORD.has(m))));
  }

  // ---- credentials ----

  /** The subscriber a username names; with the SIP fault, a SIP URI names one too. */
  private subscriber(username: string): Subscriber | undefined {
    const s = this.subscribers.byUsername(username);
    if (s) return s;
    // FAULT message-storage:accept-sip-credentials (CPM-MS-AUTH-03): the SIP identity is accepted as a Message Storage username.
    return this.faults.has('message-storage:accept-sip-credentials') ? this.subscribers.bySipUri(username) : undefined;
  }

  /** CPM-MS-AUTH-03: only the password the CPM service manages for the Message Storage opens it. */
  private checkPassword(username: string, password: string, via: 'LOGIN' | 'SASL'): PasswordVerdict {
    const s = this.subscriber(username);
    if (!s) return 'unknown-user';
    // FAULT message-storage:login-skip-password-check (EVVM-AUTH-05, CPM-MS-AUTH-02): LOGIN takes any password for a known user.
    // FAULT message-storage:sasl-skip-password-check (CPM-MS-AUTH-01): SASL PLAIN and LOGIN take any password for a known user.
    if (this.faults.has(via === 'LOGIN' ? 'message-storage:login-skip-password-check' : 'message-storage:sasl-skip-password-check')) return 'ok';
    if (s.password !== undefined && safeEqual(s.password, password)) return 'ok';
    // FAULT message-storage:accept-tui-pin (CPM-MS-AUTH-03): one credential store for voicemail TUI and Message Storage.
    if (this.faults.has('message-storage:accept-tui-pin') && s.tuiPin !== undefined && safeEqual(s.tuiPin, password)) return 'ok';
    // FAULT message-storage:accept-sip-credentials (CPM-MS-AUTH-03): the SIP password works too.
    if (this.faults.has('message-storage:accept-sip-credentials') && s.sip && safeEqual(s.sip.password, password)) return 'ok';
    return 'invalid-credentials';
  }

  /** The subscriber whose mailbox a session authenticated as `s` opens. */
  private mailboxOf(s: Subscriber): Subscriber {
    // FAULT message-storage:another-users-mailbox (CPM-MS-AUTH-01, CPM-MS-AUTH-02, CPM-MS-AUTH-03, CPM-MS-AUTH-04, CPM-MS-AUTH-05, CPM-MS-AUTH-06): the session lands in another subscriber's mailbox
    // (every positive login of CPM-MS-AUTH-01..06 shows it).
    if (!this.faults.has('message-storage:another-users-mailbox')) return s;
    return this.subscribers.all().find((other) => other !== s) ?? s;
  }

  // ---- ImapBackend ----

  capabilities(session: SessionInfo, base: readonly string[]): string[] {
    const caps = [...base];
    if (session.state !== 'not-authenticated') return caps.filter((c) => c !== 'STARTTLS');
    const loginAllowed = this.policy.loginCommand && this.channelAllows(session, true);
    // RFC 2595 §3.2.
    // FAULT message-storage:advertise-no-logindisabled (STD-02): not advertised before TLS (LOGIN is still refused).
    if (!loginAllowed && (session.secure || !this.faults.has('message-storage:advertise-no-logindisabled'))) caps.push('LOGINDISABLED');
    const mechs = this.offered(session);
    if (mechs.length) caps.push(...mechs.map((m) => `AUTH=${m}`), 'SASL-IR');
    return caps;
  }

  greeting(): Greeting {
    return { kind: 'OK', text: `${this.actor} ready` };
  }

  secured(session: SessionInfo): { ok: true } | Refusal {
    let policy = this.policy.clientCertificate;
    // FAULT message-storage:client-cert-not-required (EVVM-AUTH-05, CPM-MS-AUTH-05): 'required' behaves like 'optional'.
    if (policy === 'required' && this.faults.has('message-storage:client-cert-not-required')) policy = 'optional';
    return judgeTlsClient(session, { pskAuthenticated: pskAuthenticated(session, this.pskOf), policy, validCertificate: this.validCertificate(session) }, (text) => this.note(session, 'tls', text));
  }

  replayPipelinedAfterStartTls(): boolean {
    // FAULT message-storage:starttls-injection (STD-03): executes what was pipelined before the handshake (CVE-2011-0411 class).
    return this.faults.has('message-storage:starttls-injection');
  }

  login(session: SessionInfo, username: string, password: string): AuthResult {
    const fail = (text: string, code?: string): AuthResult => this.refused(session, { method: 'LOGIN', identity: username }, text, code);
    if (!this.policy.loginCommand) return fail('LOGIN is disabled, use AUTHENTICATE', 'CANNOT');
    // FAULT message-storage:plaintext-login-before-tls (CPM-MS-AUTH-05, STD-02, STD-03): LOGIN accepted on the clear channel.
    if (!this.channelAllows(session, true) && !this.faults.has('message-storage:plaintext-login-before-tls')) {
      return fail(session.secure ? 'client authentication required' : 'LOGIN is disabled until TLS is negotiated', 'PRIVACYREQUIRED');
    }
    if (this.checkPassword(username, password, 'LOGIN') !== 'ok') return fail(FAILED, 'AUTHENTICATIONFAILED');
    const s = this.subscriber(username)!;
    this.record(session, { method: 'LOGIN', identity: s.username, outcome: 'success', text: 'LOGIN completed' });
    return { ok: true, user: { account: this.mailboxOf(s).key, identity: s.username } };
  }

  startAuthentication(session: SessionInfo, mechanism: string) {
    const method = `AUTHENTICATE ${mechanism}`;
    const fail = (text: string, code?: string): Refusal => this.refused(session, { method, identity: '' }, text, code);
    const known = isMechanismName(mechanism) && this.policy.saslMechanisms.includes(mechanism);
    const offered = isMechanismName(mechanism) && this.offered(session).includes(mechanism);
    // FAULT message-storage:sasl-downgrade (CPM-MS-AUTH-01, STD-03): PLAIN and LOGIN go through where only safer mechanisms (or none) are offered.
    const downgraded = known && !offered && EXPOSES_PASSWORD.has(mechanism) && this.faults.has('message-storage:sasl-downgrade');
    if (!known) return fail('unsupported authentication mechanism', 'CANNOT');
    if (!offered && !downgraded) return fail(session.secure ? 'mechanism not available on this connection' : 'authentication is disabled until TLS is negotiated', 'PRIVACYREQUIRED');
    const certificate = session.tls?.peerCertificate;
    const ctx: PasswordServerContext = {
      passwordOf: (authcid) => this.subscriber(authcid)?.password,
      verifyPassword: (authcid, password) => this.checkPassword(authcid, password, 'SASL'),
      mayActAs: (authcid, authzid) => {
        // EXTERNAL's authcid is the certificate: it may act as the subscriber the certificate is mapped to.
        const own = mechanism === 'EXTERNAL' ? this.subscribers.byCertificate(authcid) : this.subscriber(authcid);
        return !!own && own === this.subscribers.byUsername(authzid);
      },
    };
    if (certificate && this.validCertificate(session)) ctx.externalIdentity = certificate.fingerprint256;
    return { ok: true as const, mechanism: createServerMechanism(mechanism as MechanismName, ctx, { cramMd5: { hostname: 'message-storage' } }) };
  }

  finishAuthentication(session: SessionInfo, mechanism: string, step: Extract<ServerStep, { kind: 'success' | 'failure' }>): AuthResult {
    const method = `AUTHENTICATE ${mechanism}`;
    const fail = (identity: string, text: string, code?: string): AuthResult => this.refused(session, { method, identity }, text, code);
    if (step.kind === 'failure') {
      if (step.reason === 'aborted') return fail(step.authcid ?? '', `cancelled: ${step.detail}`);
      if (step.reason === 'authorization-denied') return fail(step.authcid ?? '', 'not authorized to act as that user', 'AUTHORIZATIONFAILED');
      return fail(step.authcid ?? '', FAILED, 'AUTHENTICATIONFAILED');
    }
    const own = mechanism === 'EXTERNAL' ? this.subscribers.byCertificate(step.authcid) : this.subscriber(step.authcid);
    if (!own) return fail(step.authcid, mechanism === 'EXTERNAL' ? 'client certificate is not mapped to a user' : FAILED, 'AUTHENTICATIONFAILED');
    const user = step.authzid ? this.subscribers.byUsername(step.authzid) : own;
    if (!user) return fail(own.username, 'not authorized to act as that user', 'AUTHORIZATIONFAILED');
    this.record(session, { method, identity: user.username, outcome: 'success', text: 'AUTHENTICATE completed' });
    return { ok: true, user: { account: this.mailboxOf(user).key, identity: user.username } };
  }

  folder(_session: SessionInfo, user: ImapUser, name: string): MailFolder | Refusal {
    const s = this.subscribers.byKey(user.account);
    if (!s) return refuse('no such user', 'NONEXISTENT');
    return name === 'INBOX' ? s.inbox : refuse('no such mailbox', 'NONEXISTENT');
  }

  folders(): string[] {
    return ['INBOX'];
  }
}
