import type { TranscriptSink } from '../../evidence/transcript';
import type { InboxView } from '../../simulators/protocol/imap/client/outcome-client';
import type { MechanismName, SaslClientCredentials } from '../../simulators/protocol/sasl/types';
import { passwordMethod, tlsTransport } from '../conditions/authentication/declared';
import type { Session } from '../conditions/authentication/mailbox';
import type { OpenedByIdentifier, SessionState } from '../conditions/authentication/sessions';
import type { WireSession } from '../conditions/authentication/client-certificates';
import { HarnessError, InconclusiveError } from '../engine/outcomes';
import type { Profile } from '../profile/profile';
import type { ClientCredentialKind, EvvmServerRole } from '../roles/authentication';
import type { Transport } from '../topology/roles';
import { TestClient, type LoginAttempt } from './test-client';

/** One login by one identifier of a mailbox, and the INBOX it opened (EVVM-AUTH-02). */
export interface IdentifierSession extends Session {
  identifier: string;
  view: InboxView;
}

/**
 * The harness's test client facing the EVVM Server role (test equipment), as the authentication scenarios
 * drive it: TLS up on a transport the server declares, a password login by a method it declares, so that
 * a refusal is never of something the server does not offer. It keeps what the scenario then judges: the
 * last login, the capabilities before TLS, the fate of a LOGIN pipelined behind STARTTLS, and the session
 * of each identifier.
 */
export class EvvmServerTestClient {
  private current?: TestClient;
  login?: LoginAttempt;
  capabilitiesBeforeTls: string[] = [];
  /** why no TLS session followed a STARTTLS with a pipelined LOGIN; undefined when one did */
  private injectionDropped?: string;
  readonly identifierSessions: IdentifierSession[] = [];

  /**
   * `upgraded` judges a STARTTLS upgrade made with a valid certificate (`failed` undefined: TLS came up): a
   * refusal on no TLS connection would pass by accident.
   */
  constructor(
    private readonly server: () => Promise<EvvmServerRole>,
    private readonly profile: Profile,
    private readonly transcript: TranscriptSink,
    private readonly upgraded: (failed: string | undefined) => void,
  ) {}

  /** The open connection; a step that needs one before any was opened is a harness error. */
  get client(): TestClient {
    if (!this.current) throw new HarnessError('no test client has connected to the EVVM Server in this scenario');
    return this.current;
  }

  /** Opens the test client on `transport`, presenting a client certificate of the given kind. */
  async open(transport: Transport, certificate: ClientCredentialKind): Promise<void> {
    this.current?.close();
    const server = await this.server();
    const endpoint = server.endpoint(transport);
    if (!endpoint) throw new InconclusiveError(`the EVVM Server offers no ${transport} endpoint`);
    const cert = server.clientCredential(certificate);
    this.current = await TestClient.open({ endpoint, transport, trustAnchorPem: server.trustAnchorPem, transcript: this.transcript, ...(cert ? { certificate: cert } : {}) });
  }

  /** Opens with TLS up on a declared transport, presenting a client certificate of the given kind. */
  async openTls(certificate: ClientCredentialKind = 'valid'): Promise<this> {
    const transport = tlsTransport(this.profile);
    await this.open(transport, certificate);
    if (transport !== 'starttls' || !this.client.client) return this;
    const failed = await this.client.starttls();
    if (certificate === 'valid') this.upgraded(failed);
    return this;
  }

  /** Opens the STARTTLS port and reads the capabilities before TLS. */
  async openBeforeTls(): Promise<void> {
    await this.open('starttls', 'valid');
    this.capabilitiesBeforeTls = await this.client.capabilities();
  }

  private async attempt(login: Promise<LoginAttempt>): Promise<LoginAttempt> {
    this.login = await login;
    return this.login;
  }

  /** Logs in with a password by the declared method: LOGIN when declared, else a declared SASL mechanism that carries one. */
  passwordLogin(identifier: string, password: string): Promise<LoginAttempt> {
    const method = passwordMethod(this.profile);
    if (!method) throw new HarnessError('the EVVM Server declares no way to log in with a password: the scenario should not have run');
    return this.attempt(method === 'LOGIN' ? this.client.login(identifier, password) : this.client.authenticate(method, { authcid: identifier, password }));
  }

  /** LOGIN, or AUTHENTICATE PLAIN (base IMAP), whatever the server declares. */
  loginBy(method: 'LOGIN' | 'AUTHENTICATE PLAIN', identifier: string, password: string): Promise<LoginAttempt> {
    return this.attempt(method === 'LOGIN' ? this.client.login(identifier, password) : this.client.authenticate('PLAIN', { authcid: identifier, password }));
  }

  authenticate(mechanism: MechanismName, credentials: SaslClientCredentials): Promise<LoginAttempt> {
    return this.attempt(this.client.authenticate(mechanism, credentials));
  }

  /** AUTHENTICATE with a mechanism the harness's SASL library does not implement (ANONYMOUS, …). */
  authenticateOther(mechanism: string): Promise<LoginAttempt> {
    return this.attempt(this.client.authenticateOther(mechanism));
  }

  /** The session is left as it is, without credentials. */
  sendNoCredentials(): void {
    this.login = { status: 'none', text: 'no credentials sent' };
  }

  /** STARTTLS with a LOGIN pipelined behind it, before the handshake (STD-03). */
  async pipelineLogin(identifier: string, password: string): Promise<void> {
    this.injectionDropped = await this.client.starttlsWithPipelinedLogin(identifier, password);
    this.login = { status: 'none', text: 'pipelined LOGIN' };
  }

  /** Why no TLS session followed the injection (undefined when one did), and the server's answer to it inside TLS, if any. */
  async pipelined(): Promise<[dropped: string | undefined, answered: string | undefined]> {
    return [this.injectionDropped, this.injectionDropped === undefined ? await this.client.pipelinedAnswer() : undefined];
  }

  private loginShown(): string {
    return `authentication ${this.login?.status ?? 'not tried'} "${this.login?.text ?? ''}"`;
  }

  /** The session as the mailbox conditions take it: how the login went, and the INBOX it opened when it logged in. */
  async session(how = this.loginShown()): Promise<[Session, InboxView]> {
    const loggedIn = this.login?.status === 'OK';
    return [{ loggedIn, how }, loggedIn ? await this.client.inbox() : { status: 'closed', messageIds: [] }];
  }

  /** Logs in by each identifier in turn, each in a TLS session of its own, and keeps the sessions (EVVM-AUTH-02). */
  async loginByEachIdentifier(identifiers: readonly string[], password: string): Promise<void> {
    for (const identifier of identifiers) {
      await (await this.openTls()).passwordLogin(identifier, password);
      const [session, view] = await this.session(`logged in as ${identifier}: ${this.loginShown()}`);
      this.identifierSessions.push({ identifier, ...session, view });
    }
  }

  /** What the session shows of being authenticated. */
  async state(): Promise<SessionState> {
    const greeting = this.client.greeting;
    return { ...(greeting ? { greeting } : {}), selected: await this.client.select('INBOX'), ...(this.client.connectError ? { connectError: this.client.connectError } : {}) };
  }

  /** What the wire showed: TLS with the client certificate, and the login. */
  wire(): WireSession {
    return { secure: this.current?.client?.secure === true, ...(this.login ? { login: this.login } : {}) };
  }

  /** Opens the mailbox of `identifier` in the namespace of identifiers, and reads what it holds. */
  async openByIdentifier(identifier: string): Promise<OpenedByIdentifier> {
    const selected = await this.client.selectByIdentifier(identifier);
    return { identifier, selected, messageIds: selected === 'OK' ? await this.client.messageIds() : [] };
  }

  /** Only asks to open the mailbox of `identifier` in the namespace of identifiers. */
  async selectByIdentifier(identifier: string): Promise<Omit<OpenedByIdentifier, 'messageIds'>> {
    return { identifier, selected: await this.client.selectByIdentifier(identifier) };
  }

  async logout(): Promise<void> {
    await this.client.logout();
    this.client.close();
  }

  close(): void {
    this.current?.close();
  }
}
