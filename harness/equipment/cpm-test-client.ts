/**
 * The harness's CPM client over one scenario (test equipment): its connections to the Message Storage
 * Server, one at a time (each closed at the end), the server's latest answer to an authentication, and what
 * else it saw on the wire for the conditions to judge (harness/conditions/message-storage). It decides
 * nothing itself, except that no answer, or a temporary failure, is inconclusive (decisive()).
 */
import type { TranscriptSink } from '../../evidence/transcript';
import type { MechanismName } from '../../simulators/protocol/sasl/types';
import type { InboxView } from '../../simulators/protocol/imap/client/outcome-client';
import { sipOf, tuiPinOf, type MessageStorageRole, type MssAccount } from '../roles/message-storage';
import { CpmClient, decisive, type Attempt, type CpmConnection, type PasswordMethods } from './cpm-client';

export type { CpmConnection, PskVersion } from './cpm-client';

/** Passwords a CPM client may try that are not the user's own: another user's (CPM-MS-AUTH-02, 04), the TUI PIN or the SIP password (03). */
export const OTHER_PASSWORDS = ['password', 'TUI PIN', 'SIP password', 'pre-configured password'] as const;
export type OtherPassword = (typeof OTHER_PASSWORDS)[number];

/** How an authentication ended, the INBOX it opened, and whose it must be (for a whose-mailbox judgement). */
export interface MailboxSession {
  session: { loggedIn: boolean; how: string };
  view: InboxView;
  /** undefined when the credential names no account (SASL EXTERNAL) */
  own: MssAccount | undefined;
  accounts: MssAccount[];
}

export class CpmTestClient {
  private readonly opened: CpmClient[] = [];
  private current?: CpmClient;
  /** the server's latest answer to an authentication */
  attempt?: Attempt;
  /** whose mailbox the latest authentication must open */
  private owner?: string;
  /** CAPABILITY on the clear channel of the STARTTLS port, before any upgrade */
  capabilitiesBeforeTls: string[] = [];
  /** a PSK-TLS handshake completed and the server greeted the session */
  pskSession = false;
  /** why no TLS session followed a STARTTLS with a LOGIN pipelined behind it; undefined when one did */
  injectionDropped?: string;
  /** the client configuration of each user the CPM system subscribed in this scenario, handed over out of band */
  private readonly configured = new Map<string, MssAccount>();

  constructor(
    private readonly store: MessageStorageRole,
    private readonly transcript: TranscriptSink,
    /** how the server declares it takes a password */
    private readonly declared: PasswordMethods,
    /** told the outcome of every STARTTLS upgrade a connection makes (undefined: TLS is up) */
    private readonly upgraded: (failed: string | undefined) => void,
  ) {}

  /** The CPM system subscribes a user; its client configuration (with the pre-configured password) comes to this client. */
  async subscribe(name: string): Promise<void> {
    this.configured.set(name, await this.store.subscribe(name));
  }

  /** A user's account: its client configuration when the CPM system subscribed it in this scenario, else the server's test account. */
  account(name: string): MssAccount {
    return this.configured.get(name) ?? this.store.account(name);
  }

  /** A password of `owner` other than the one the scenario signs in with. */
  passwordOf(kind: OtherPassword, owner: string): string {
    const a = this.account(owner);
    if (kind === 'pre-configured password' && !this.configured.has(owner)) throw new Error(`the CPM system subscribed no "${owner}" in this scenario`);
    return kind === 'TUI PIN' ? tuiPinOf(a) : kind === 'SIP password' ? sipOf(a).password : a.password;
  }

  /** The connection the scenario is on. */
  get connection(): CpmClient {
    if (!this.current) throw new Error('the CPM client has not connected in this scenario');
    return this.current;
  }

  /** A new connection, as `how` says (TLS up unless told otherwise); the previous one is closed. */
  async connect(how: CpmConnection = {}): Promise<void> {
    await this.open(how);
  }

  private async open(how: CpmConnection = {}): Promise<CpmClient> {
    this.current?.close();
    const { client, upgrade } = await CpmClient.toStore(this.store, this.transcript, how);
    this.opened.push((this.current = client));
    if (upgrade) this.upgraded(upgrade.failed);
    return client;
  }

  /** Connects to the STARTTLS port and stays on the clear channel, noting what the server offers there. */
  async connectClear(): Promise<void> {
    this.capabilitiesBeforeTls = await (await this.open({ transport: 'starttls', clear: true })).capabilities();
  }

  /** Connects over PSK-TLS; a BYE greeting after the handshake refuses the session. */
  async connectPsk(psk: NonNullable<CpmConnection['psk']>): Promise<void> {
    const c = await this.open({ psk });
    this.pskSession = c.secure && c.greeting !== 'BYE';
  }

  /** AUTHENTICATE on a new connection, as the account `owner` when the credential is that account's own. */
  async authenticate(mechanism: MechanismName, credentials: { authcid: string; password?: string }, owner?: string): Promise<void> {
    const c = await this.open();
    this.owner = owner;
    this.answered(await c.authenticate(mechanism, credentials));
  }

  /** AUTHENTICATE with a mechanism the harness's SASL library does not implement. */
  async authenticateOther(mechanism: string): Promise<void> {
    this.answered(await (await this.open()).authenticateOther(mechanism));
  }

  /** LOGIN on the connection (a new one when `how` is given) as the account `owner`. */
  async login(account: MssAccount, how?: CpmConnection): Promise<void> {
    const c = how ? await this.open(how) : this.connection;
    this.owner = account.name;
    this.answered(await c.login(account.username, account.password));
  }

  /** AUTHENTICATE PLAIN on the connection as the account `owner`. */
  async authenticatePlain(account: MssAccount): Promise<void> {
    this.owner = account.name;
    this.answered(await this.connection.authenticate('PLAIN', { authcid: account.username, password: account.password }));
  }

  /**
   * Signs in with a password as the server declares it takes one (LOGIN, or a SASL mechanism that carries
   * one), on the connection (a new one when `how` is given); false when the server declares no way.
   * `owner`: the account whose mailbox must open, when the credential is that account's own.
   */
  async signIn(username: string, password: string, owner?: string, how?: CpmConnection): Promise<boolean> {
    const c = how ? await this.open(how) : this.connection;
    const attempt = c.signIn(username, password, this.declared);
    if (!attempt) return false;
    this.owner = owner;
    this.answered(await attempt);
    return true;
  }

  /** STARTTLS with a LOGIN as `account` pipelined behind it (STD-03). */
  async pipelineLogin(account: MssAccount): Promise<void> {
    this.transcript.secret(account.password);
    this.injectionDropped = await this.connection.pipelineLoginBehindStarttls(account.username, account.password);
    this.attempt = { status: 'none', text: 'pipelined LOGIN' };
  }

  /** The session the latest authentication opened, for a whose-mailbox judgement. */
  async mailboxSession(): Promise<MailboxSession> {
    const { session, view } = await this.connection.sessionAfter(this.attempt);
    return { session, view, own: this.owner === undefined ? undefined : this.store.account(this.owner), accounts: this.store.knownAccounts() };
  }

  close(): void {
    for (const c of this.opened) c.close();
  }

  private answered(attempt: Attempt): void {
    this.attempt = decisive(attempt);
  }
}
