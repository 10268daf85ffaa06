/**
 * The EVVM Server simulator, IMAP interface (IF-1): mailboxes with several identifiers, VVM refusal
 * texts, TLS policy (implicit TLS, STARTTLS with LOGINDISABLED, client certificates, PSK-TLS), SASL
 * (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256, EXTERNAL), and fault switches that each break one requirement.
 */
import type { ImapServer } from '../protocol/imap/server/server';
import { ImapServerRole, type ImapConnectionObservation, type ImapRoleOptions, type ImapServerObservations } from '../protocol/imap/server/role-server';
import { EvvmBackend, type EvvmPolicy, type TuiPasswordLength } from './backend';
import { Directory, type MailboxSpec, type Voicemail } from './directory';
import { EVVM_SERVER_FAULTS } from './faults';

/** actor defaults to 'EVVM Server', peer to 'EVVM Client'; tls.psk: PSK-TLS identities and keys. */
export interface EvvmServerOptions extends ImapRoleOptions {
  policy: EvvmPolicy;
  mailboxes: MailboxSpec[];
  /** the STATUS SMS pw_len range XCHANGE_TUI_PWD enforces (VVM-04); absent: the extension is not offered */
  tuiPasswordLength?: TuiPasswordLength;
}

/** What the EVVM Server saw of one connection. */
export type EvvmConnectionObservation = ImapConnectionObservation;
export type EvvmServerObservations = ImapServerObservations;

/** A voicemail that reached a mailbox: what the EVVM Server's other interfaces (SMS, interworking) react to. */
export interface DepositEvent {
  /** the identifier it was addressed to */
  identifier: string;
  /** every identifier of the mailbox it landed in */
  mailboxIdentifiers: string[];
  uid: number;
  voicemail: Voicemail;
}

export class EvvmServer extends ImapServerRole<'evvm-server'> {
  private readonly depositListeners: Array<(event: DepositEvent) => void> = [];
  private readonly directory = new Directory();
  protected override readonly backend: EvvmBackend;
  protected override readonly imap: ImapServer;

  constructor(options: EvvmServerOptions) {
    super(options, 'EVVM Server', EVVM_SERVER_FAULTS.own(options.faults));
    for (const spec of options.mailboxes) this.provisionMailbox(spec);
    const psk = options.tls.psk;
    for (const key of Object.values(psk ?? {})) this.secret(key);
    // an own property only: a prototype name (e.g. "constructor") is no provisioned identity
    const pskOf = (identity: string): Buffer | undefined => (psk && Object.hasOwn(psk, identity) ? psk[identity] : undefined);
    this.backend = new EvvmBackend(this.actor, options.policy, this.directory, pskOf, this.faults, this.transcript, options.tuiPasswordLength, (pin) => this.secret(pin));
    // FAULT evvm-server:no-implicit-tls (STD-04): no implicit TLS port, STARTTLS only.
    if (this.faults.has('evvm-server:no-implicit-tls')) options = { ...options, listen: { ...options.listen, implicitTls: false } };
    this.imap = this.imapCore(options, {
      peer: 'EVVM Client',
      policy: options.policy,
      ...(psk ? { psk: pskOf } : {}),
      backend: this.backend,
      // FAULT evvm-server:accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on IMAP.
      legacyTls: () => this.faults.has('evvm-server:accept-legacy-tls'),
    });
  }

  /** Adds a mailbox; returns its key. Identifiers must not belong to another mailbox. */
  provisionMailbox(spec: MailboxSpec): string {
    this.secret(spec.password);
    this.secret(spec.tuiPin);
    return this.directory.provision(spec).key;
  }

  /** Deposits a voicemail in the INBOX of the mailbox the identifier belongs to; returns its UID. */
  deposit(identifier: string, voicemail: Voicemail): number {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    const uid = mb.deposit(voicemail);
    const event: DepositEvent = { identifier, mailboxIdentifiers: [...mb.identifiers], uid, voicemail };
    for (const listener of this.depositListeners) listener(event);
    return uid;
  }

  /** Lets another interface of the EVVM Server (SMS notification, interworking) react to deposits. */
  onDeposit(listener: (event: DepositEvent) => void): void {
    this.depositListeners.push(listener);
  }

  setMailboxState(identifier: string, state: 'active' | 'blocked'): void {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    mb.state = state;
  }

  /** Messages of a folder of the mailbox an identifier belongs to (for checks: flags, count). */
  messages(identifier: string, folder: 'INBOX' | 'Greetings' = 'INBOX'): Array<{ uid: number; flags: string[]; raw: Buffer }> {
    const mb = this.directory.lookup(identifier);
    if (!mb) throw new Error(`no mailbox has the identifier ${identifier}`);
    return (folder === 'INBOX' ? mb.inbox : mb.greetings).messages.map((m) => ({ uid: m.uid, flags: [...m.flags], raw: m.raw }));
  }
}
