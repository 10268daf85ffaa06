import { Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import type { IdentifierKind } from '../harness/topology/accounts';
import type { Transport } from '../harness/topology/roles';
import type { CertificateFlaw } from '../simulators/crypto/pki/types';
import { findCredentials } from '../harness/evidence/credentials';
import { quote, type LoginAttempt } from '../harness/equipment/test-client';
import type { MechanismName } from '../simulators/protocol/sasl/types';
import type { TestAccount } from '../harness/topology/accounts';
import type { InboxView } from '../simulators/protocol/imap/client/outcome-client';
import { checkMailbox, type MailboxOwner } from './support/mailbox';
import { checkInjectionNotExecuted } from './support/starttls';
import { transportNotDeclared } from './support/declared';
import { clauseState } from './support/state';
import { IDENTIFIER_KINDS } from '../harness/topology/accounts';

// Steps of features/authentication: thin glue in the spec's words; the roles do the work.

/** A mailbox is known by its voicemail's Message-ID (seeded by the simulator, declared by a vendor). */
const owner = (a: TestAccount): MailboxOwner => ({ name: a.name, ...(a.voicemail.messageId ? { marker: a.voicemail.messageId } : {}) });
const noMarker = (name: string): string => `the profile names no messageId for "${name}" (iut.accounts[].messageId), a voicemail only that mailbox holds`;

/** The session reached the mailbox of `mailbox` and no other (support/mailbox.ts). */
function checkOwnMailbox(w: EvvmWorld, condition: string, mailbox: string, session: { loggedIn: boolean; how: string }, view: InboxView): void {
  checkMailbox(w, condition, session, view, owner(w.account(mailbox)), w.topology.accounts.map(owner), noMarker);
}

/** The test client's session: the INBOX it opens, when it logged in. */
async function testClientInbox(w: EvvmWorld): Promise<InboxView> {
  return w.login?.status === 'OK' ? w.testClient!.inbox() : { status: 'closed', messageIds: [] };
}

/** Implicit TLS when the EVVM Server declares it (STD-04), else STARTTLS: these scenarios need TLS, not a transport. */
const tlsTransport = (w: EvvmWorld): Transport => (w.profile.capabilities.evvmServer.transports.includes('implicit-tls') ? 'implicit-tls' : 'starttls');

/**
 * Opens the test client with TLS up on a declared transport. With a valid certificate a failed STARTTLS
 * upgrade is a failure (a refusal on no connection would pass by accident); with a flawed one it is the answer.
 */
async function openTlsSession(w: EvvmWorld, certificate: EvvmWorld['clientCertificate']): Promise<void> {
  const transport = tlsTransport(w);
  await w.openTestClient(transport, certificate);
  if (transport !== 'starttls' || !w.testClient!.client) return;
  const failed = await w.testClient!.starttls();
  if (certificate === 'valid') w.check('StarttlsUpgrade', failed === undefined, failed ?? 'TLS established with STARTTLS');
}

/** Mechanisms that carry a password, in the order the test client prefers them when LOGIN is not declared. */
const PASSWORD_MECHANISMS: MechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'CRAM-MD5', 'LOGIN'];

/** LOGIN when the EVVM Server declares it, else a declared SASL mechanism that carries a password. */
const passwordMethod = (w: EvvmWorld): 'LOGIN' | MechanismName | undefined =>
  w.profile.capabilities.evvmServer.loginCommand ? 'LOGIN' : PASSWORD_MECHANISMS.find((m) => w.profile.capabilities.evvmServer.sasl.includes(m));

/** Not applicable, decided before connecting, when the EVVM Server declares no way to log in with a password. */
function noPasswordMethod(w: EvvmWorld): 'skipped' | undefined {
  if (passwordMethod(w)) return undefined;
  return w.notApplicable('the EVVM Server declares neither the LOGIN command nor a SASL mechanism that carries a password (capabilities.evvmServer)');
}

/** Logs the test client in with a password by the declared method: a refusal of an undeclared one would prove nothing. */
function passwordLogin(w: EvvmWorld, identifier: string, password: string): Promise<LoginAttempt> {
  const method = passwordMethod(w)!;
  return method === 'LOGIN' ? w.testClient!.login(identifier, password) : w.testClient!.authenticate(method, { authcid: identifier, password });
}

const loginShown = (w: EvvmWorld): string => `authentication ${w.login?.status ?? 'not tried'} "${w.login?.text ?? ''}"`;

Given('the EVVM Server serves the mailboxes {string} and {string}, each holding a voicemail', async function (this: EvvmWorld, a: string, b: string) {
  await this.topology.evvmServer();
  this.account(a);
  this.account(b);
});

Given('the mailbox {string} is blocked', function (this: EvvmWorld, mailbox: string) {
  this.check('BlockedTestAccount', this.account(mailbox).blocked, `the test account "${mailbox}" is provisioned blocked`);
});

Given("the service provider's policy requires client certificates on the EVVM Server", function (this: EvvmWorld) {
  const policy = this.profile.policy.evvmServer.clientCertificate;
  if (policy !== 'required') return this.notApplicable(`policy.evvmServer.clientCertificate is "${policy}", not "required"`);
  return undefined;
});

Given('the EVVM Server declares the SASL mechanism {mechanism}', function (this: EvvmWorld, mechanism: string) {
  if (!this.profile.capabilities.evvmServer.sasl.includes(mechanism as never)) return this.notApplicable(`the EVVM Server does not declare SASL ${mechanism}`);
  return undefined;
});

Given('the EVVM Server declares SASL authorization identities for the identifiers of a mailbox', function (this: EvvmWorld) {
  if (!this.profile.capabilities.evvmServer.identifierAuthzid) return this.notApplicable('the EVVM Server does not declare SASL authorization identities for the identifiers of a mailbox (capabilities.evvmServer.identifierAuthzid): the spec defines no such mechanism');
  return undefined;
});

Given('the EVVM Server declares the mailbox namespace of identifiers', function (this: EvvmWorld) {
  if (!this.profile.capabilities.evvmServer.identifierNamespace) return this.notApplicable('the EVVM Server does not declare the mailbox namespace "#id/<identifier>/INBOX" (capabilities.evvmServer.identifierNamespace): the spec defines no such namespace');
  return undefined;
});

// --- the EVVM Client (imapflow) ---

When('the EVVM Client logs in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  this.retrieval = await this.retrieveFromEvvmServer(tlsTransport(this), this.identifier(kind, mailbox), this.account(owner).password);
});

When('the EVVM Client retrieves the voicemail of {string} from the EVVM Server over {transport}', async function (this: EvvmWorld, mailbox: string, transport: Transport) {
  if (transportNotDeclared(this, 'evvmServer', transport)) return 'skipped';
  this.retrieval = await this.retrieveFromEvvmServer(transport, this.identifier('MSISDN', mailbox), this.account(mailbox).password);
  return undefined;
});

When('the EVVM Client retrieves the voicemail of {string} from the rogue server over {transport}', async function (this: EvvmWorld, mailbox: string, transport: Transport) {
  this.retrieval = await this.retrieveFrom(this.adversary!.endpoint(transport), transport, mailbox);
});

When('the EVVM Client retrieves the voicemail of {string} through the man in the middle', async function (this: EvvmWorld, mailbox: string) {
  this.retrieval = await this.retrieveFrom(this.adversary!.endpoint('starttls'), 'starttls', mailbox);
});

Then('the EVVM Client reads the voicemail of {string}', function (this: EvvmWorld, mailbox: string) {
  const r = this.retrieval!;
  const got = r.voicemails.flatMap((v) => /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(v.raw.toString('latin1'))?.[1] ?? []);
  const how = r.loggedIn ? `the EVVM Client retrieved ${got.length} voicemail(s)` : `not logged in: ${r.error ?? 'unknown'}`;
  checkOwnMailbox(this, 'ClientReadsOwnVoicemail', mailbox, { loggedIn: r.loggedIn, how }, { status: r.loggedIn ? 'OK' : 'closed', messageIds: got });
});

Then('the EVVM Client does not see the voicemail of {string}', function (this: EvvmWorld, mailbox: string) {
  const other = this.account(mailbox).voicemail.messageId;
  const leaked = this.retrieval!.voicemails.some((v) => v.raw.toString('latin1').includes(other));
  this.check('MailboxIsolation', !leaked, leaked ? `the voicemail of "${mailbox}" was served` : `no voicemail of "${mailbox}" was served`);
});

Then("the EVVM Client authenticated the EVVM Server's certificate", function (this: EvvmWorld) {
  const r = this.retrieval!;
  this.check('ClientAuthenticatedServer', r.serverAuthenticated, r.serverAuthenticated ? 'the server certificate chained to the trust anchor and named the server' : `server not authenticated: ${r.error ?? 'no verified TLS'}`, { tls: r.tls });
});

Then('the EVVM Client did not authenticate the server', function (this: EvvmWorld) {
  const r = this.retrieval!;
  this.check('ClientRefusedServer', !r.loggedIn, r.loggedIn ? 'the client logged in to a server it should not have trusted' : `the client stopped: ${r.error ?? 'no session'}`, { tls: r.tls });
});

// --- adversaries ---

Given('a rogue IMAP server presents a certificate that is {serverFlaw}', async function (this: EvvmWorld, flaw: CertificateFlaw) {
  this.adversary = await this.topology.rogueImapServer(flaw);
});

Given('a man in the middle strips STARTTLS between the EVVM Client and the EVVM Server', async function (this: EvvmWorld) {
  if (transportNotDeclared(this, 'evvmServer', 'starttls')) return 'skipped';
  this.adversary = await this.topology.starttlsStripper(true);
  return undefined;
});

Given('a man in the middle strips STARTTLS but passes LOGINDISABLED between the EVVM Client and the EVVM Server', async function (this: EvvmWorld) {
  if (transportNotDeclared(this, 'evvmServer', 'starttls')) return 'skipped';
  this.adversary = await this.topology.starttlsStripper(false);
  return undefined;
});

Then(/^no credential (?:reached the rogue server|crossed the man in the middle)$/, async function (this: EvvmWorld) {
  const bytes = await this.adversary!.clientBytes();
  const found = findCredentials(bytes, this.topology.accounts.map((a) => a.password));
  const clean = found.commands.length === 0 && found.secretsSeen === 0;
  this.check('NoCredentialReachedAdversary', clean, clean ? `${this.adversary!.actor} received ${bytes.length} bytes and no credential` : `${this.adversary!.actor} received ${found.commands.join(', ') || 'a password'}`, { bytesReceived: bytes.length, ...found });
});

Then('no LOGIN command crossed the man in the middle', async function (this: EvvmWorld) {
  const found = findCredentials(await this.adversary!.clientBytes(), []);
  const logins = found.commands.filter((c) => c.startsWith('LOGIN'));
  this.check('NoLoginUnderLoginDisabled', logins.length === 0, logins.length ? 'the client sent LOGIN although LOGINDISABLED was advertised' : 'no LOGIN was sent');
});

// --- test clients (harness equipment) ---

When('a test client logs in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  this.login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(owner).password);
  return undefined;
});

/** One session per identifier of a mailbox: what each login showed, and the INBOX it opened. */
const identifierSessions = (w: EvvmWorld) => clauseState(w, 'authentication', () => [] as Array<{ identifier: string; how: string; loggedIn: boolean; view: InboxView }>);

When('a test client logs in by each identifier of {string} with the password of {string}', async function (this: EvvmWorld, mailbox: string, owner: string) {
  if (noPasswordMethod(this)) return 'skipped';
  for (const kind of IDENTIFIER_KINDS) {
    const identifier = this.identifier(kind, mailbox);
    await openTlsSession(this, 'valid');
    this.login = await passwordLogin(this, identifier, this.account(owner).password);
    identifierSessions(this).push({ identifier, how: `logged in as ${identifier}: ${loginShown(this)}`, loggedIn: this.login.status === 'OK', view: await testClientInbox(this) });
  }
  return undefined;
});

When('a test client logs in as the {identifierKind} of {string} with a wrong password', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  this.login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(mailbox).password + 'x');
  return undefined;
});

When('a test client logs in as the unassociated identifier {string} with the password of {string}', async function (this: EvvmWorld, identifier: string, owner: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  this.login = await passwordLogin(this, identifier, this.account(owner).password);
  return undefined;
});

When('a test client authenticates with SASL {mechanism} as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, mechanism: 'PLAIN', kind: IdentifierKind, mailbox: string, owner: string) {
  await openTlsSession(this, 'valid');
  this.login = await this.testClient!.authenticate(mechanism, { authcid: this.identifier(kind, mailbox), password: this.account(owner).password });
});

When('a test client authenticates with SASL PLAIN as the {identifierKind} of {string} acting as the {identifierKind} of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, asKind: IdentifierKind, asMailbox: string) {
  await openTlsSession(this, 'valid');
  this.login = await this.testClient!.authenticate('PLAIN', { authcid: this.identifier(kind, mailbox), password: this.account(mailbox).password, authzid: this.identifier(asKind, asMailbox) });
});

When('a test client presents a valid client certificate and logs in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  this.login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(owner).password);
  return undefined;
});

When('a test client presents a valid client certificate and logs in as the {identifierKind} of {string} with a wrong password', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  this.login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(mailbox).password + 'x');
  return undefined;
});

When('a test client presents a client certificate that is {clientFlaw} and logs in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, cert: EvvmWorld['clientCertificate'], kind: IdentifierKind, mailbox: string, owner: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, cert);
  this.login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(owner).password);
  return undefined;
});

When('a test client presents a valid client certificate and authenticates with SASL EXTERNAL', async function (this: EvvmWorld) {
  await openTlsSession(this, 'valid');
  this.login = await this.testClient!.authenticate('EXTERNAL', { authcid: '' });
});

When('a test client presents a valid client certificate and authenticates with the SASL mechanism {string}', async function (this: EvvmWorld, mechanism: string) {
  await openTlsSession(this, 'valid');
  this.login = await this.testClient!.authenticateOther(mechanism);
});

Given('a test client presenting the EVVM Client certificate has logged in as the {identifierKind} of {string} and logged out', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  if (noPasswordMethod(this)) return 'skipped';
  await openTlsSession(this, 'valid');
  const login = await passwordLogin(this, this.identifier(kind, mailbox), this.account(mailbox).password);
  this.check('LoginBeforeLogout', login.status === 'OK', `login answered ${login.status} ${login.text}`);
  await this.testClient!.logout();
  this.testClient!.close();
  return undefined;
});

When('it connects again with the same certificate and no credentials', async function (this: EvvmWorld) {
  await openTlsSession(this, 'valid');
  this.login = { status: 'none', text: 'no credentials sent' };
});

Then('the session is authenticated for the mailbox {string}', async function (this: EvvmWorld, mailbox: string) {
  checkOwnMailbox(this, 'SessionAuthenticatedForMailbox', mailbox, { loggedIn: this.login?.status === 'OK', how: loginShown(this) }, await testClientInbox(this));
});

Then('the login is refused, with the VVM text {string} as secondary evidence', function (this: EvvmWorld, text: string) {
  // the refusal decides; the exact text is VVM-01's secondary evidence (AOSP, not a SHALL), noted for it
  const l = this.login!;
  if (l.status !== 'OK' && l.text !== text) this.note(`VVM-01 (secondary evidence, not judged here): the refusal text is "${l.text}", VVM clients expect "${text}"`);
  this.check('LoginRefused', l.status !== 'OK', `the server answered ${l.status} "${l.text}"`);
});

Then('the login is refused', function (this: EvvmWorld) {
  const l = this.login!;
  this.check('LoginRefused', l.status !== 'OK', `the server answered ${l.status} "${l.text}"`);
});

Then('the session is not authenticated', async function (this: EvvmWorld) {
  const greeting = this.testClient!.greeting;
  const selected = await this.testClient!.select('INBOX');
  const authenticated = greeting === 'PREAUTH' || selected === 'OK';
  this.check('NoAuthenticatedSession', !authenticated, `greeting ${greeting ?? 'none'}, SELECT INBOX answered ${selected}`, { connectError: this.testClient!.connectError });
});

Then('every one of those sessions reached the mailbox of {string}, with the same UIDVALIDITY', function (this: EvvmWorld, mailbox: string) {
  const sessions = identifierSessions(this);
  for (const s of sessions) checkOwnMailbox(this, 'SameMailboxByEveryIdentifier', mailbox, s, s.view);
  // UIDVALIDITY is optional in a SELECT answer: compared where given (RFC 9051 §7.1)
  const validities = new Set(sessions.flatMap((s) => s.view.uidValidity ?? []));
  this.check('SameUidValidityByEveryIdentifier', validities.size <= 1, `UIDVALIDITY by identifier: ${sessions.map((s) => `${s.identifier}=${s.view.uidValidity ?? 'not given'}`).join(', ')}`);
});

Then('the session opens the mailbox of {string} by each of its identifiers', async function (this: EvvmWorld, mailbox: string) {
  const account = this.account(mailbox);
  for (const id of Object.values(account.identifiers)) {
    const selected = await this.testClient!.select(`#id/${id}/INBOX`);
    const ids = selected === 'OK' ? await this.testClient!.messageIds() : [];
    this.check('OtherIdentifierAuthenticated', ids.includes(account.voicemail.messageId), `SELECT "#id/${id}/INBOX" answered ${selected}`, { identifier: id, got: ids });
  }
});

Then('the session cannot open the mailbox of {string} by any of its identifiers', async function (this: EvvmWorld, mailbox: string) {
  for (const id of Object.values(this.account(mailbox).identifiers)) {
    const selected = await this.testClient!.select(`#id/${id}/INBOX`);
    this.check('ForeignIdentifierNotAuthenticated', selected !== 'OK', `SELECT "#id/${id}/INBOX" answered ${selected}`, { identifier: id });
  }
});

Then('the EVVM Server accepted the client certificate', async function (this: EvvmWorld) {
  const seen = await this.serverObservations();
  if (!seen) {
    // an implementation under test keeps its records to itself: judge by what the wire showed
    const accepted = this.testClient?.client?.secure === true && this.login?.status === 'OK';
    return this.check('ServerAcceptedClientCertificate', accepted, accepted ? 'TLS with the client certificate and an authenticated session' : `no session with the client certificate: ${this.login?.text ?? 'not connected'}`);
  }
  const last = seen.connections.filter((c) => c.clientCertificate).at(-1)?.clientCertificate;
  return this.check('ServerAcceptedClientCertificate', last?.authorized === true, last ? `authorized=${last.authorized} ${last.authorizationError ?? ''}` : 'no client certificate observed', { clientCertificate: last });
});

Then('the EVVM Server recorded why it refused the client certificate', async function (this: EvvmWorld) {
  const seen = await this.serverObservations();
  if (!seen) return this.note('the server\'s reason is not observable on an implementation under test; the refusal itself was checked on the wire');
  const refused = seen.connections.filter((c) => c.clientCertificate && !c.clientCertificate.authorized);
  const why = refused.map((c) => c.clientCertificate!.authorizationError ?? 'no reason');
  return this.check('ServerRecordedCertificateRefusal', refused.length > 0, refused.length ? `refused: ${why.join(', ')}` : 'the server recorded no refused client certificate', { reasons: why });
});

// --- STARTTLS and LOGINDISABLED (STD-02, STD-03) ---

When("a test client connects to the EVVM Server's STARTTLS port", async function (this: EvvmWorld) {
  if (transportNotDeclared(this, 'evvmServer', 'starttls')) return 'skipped';
  await this.openTestClient('starttls', 'valid');
  this.capabilitiesBeforeTls = await this.testClient!.capabilities();
  return undefined;
});

When('the test client upgrades with STARTTLS', async function (this: EvvmWorld) {
  const failed = await this.testClient!.starttls();
  this.check('StarttlsUpgrade', failed === undefined, failed ?? 'TLS established');
});

Then('the capabilities before TLS include {string} and {string}', function (this: EvvmWorld, a: string, b: string) {
  const caps = this.capabilitiesBeforeTls ?? [];
  this.check('CapabilitiesBeforeTls', caps.includes(a) && caps.includes(b), `CAPABILITY before TLS: ${caps.join(' ')}`);
});

Then('the capabilities after TLS do not include {string}', async function (this: EvvmWorld, cap: string) {
  // a server without LOGIN keeps LOGINDISABLED after TLS, rightly (RFC 9051 §7.2.2)
  if (cap === 'LOGINDISABLED' && !this.profile.capabilities.evvmServer.loginCommand) return this.notApplicable('the EVVM Server does not declare the LOGIN command (capabilities.evvmServer.loginCommand): LOGINDISABLED stays after TLS');
  const caps = await this.testClient!.capabilities();
  this.check('CapabilitiesAfterTls', caps.length > 0 && !caps.includes(cap), `CAPABILITY after TLS: ${caps.join(' ')}`);
  return undefined;
});

Then('the test client can log in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  this.login = await this.testClient!.login(this.identifier(kind, mailbox), this.account(owner).password);
  checkOwnMailbox(this, 'LoginAfterTls', mailbox, { loggedIn: this.login.status === 'OK', how: `LOGIN after TLS answered ${this.login.status} "${this.login.text}"` }, await testClientInbox(this));
});

When('the test client authenticates by {authMethod} as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, method: 'LOGIN' | 'AUTHENTICATE PLAIN', kind: IdentifierKind, mailbox: string, owner: string) {
  // AUTHENTICATE PLAIN is base IMAP (RFC 3501 §6.1.1, RFC 9051): judged without a declaration; LOGIN may be disabled
  if (method === 'LOGIN' && !this.profile.capabilities.evvmServer.loginCommand) return this.notApplicable('the EVVM Server does not declare the LOGIN command (capabilities.evvmServer.loginCommand)');
  const id = this.identifier(kind, mailbox);
  const password = this.account(owner).password;
  this.login = method === 'LOGIN' ? await this.testClient!.login(id, password) : await this.testClient!.authenticate('PLAIN', { authcid: id, password });
  return undefined;
});

When('the test client pipelines a LOGIN as the {identifierKind} of {string} right behind STARTTLS', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  this.injectionDropped = await this.testClient!.starttlsWithInjection(`inj1 LOGIN ${quote(this.identifier(kind, mailbox))} ${quote(this.account(mailbox).password)}`);
  this.login = { status: 'none', text: 'pipelined LOGIN' };
});

Then('the pipelined command was not executed inside TLS', async function (this: EvvmWorld) {
  // on the wire: after the handshake nothing answers the pipelined tag
  const answered = this.injectionDropped === undefined ? await this.testClient!.answerTo('inj1') : undefined;
  checkInjectionNotExecuted(this, this.injectionDropped, answered);
  const seen = await this.serverObservations();
  if (!seen) return;
  const executed = seen.authentications.filter((a) => a.outcome === 'success');
  this.check('PipelinedCommandDiscarded', executed.length === 0, executed.length ? `the server executed the pipelined ${executed[0]!.method}` : 'the server authenticated nobody', { authentications: seen.authentications.length });
});
