import { Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import { IDENTIFIER_KINDS, type IdentifierKind } from '../harness/topology/accounts';
import type { Transport } from '../harness/topology/roles';
import type { CertificateFlaw } from '../simulators/crypto/pki/types';
import type { MechanismName } from '../simulators/protocol/sasl/types';
import { mailboxCredentials, retrieveFrom, retrieveFromEvvmServer, serverRecords, type ClientCredentialKind } from '../harness/roles/authentication';
import { EvvmServerTestClient } from '../harness/equipment/evvm-server-test-client';
import * as declared from '../harness/conditions/authentication/declared';
import * as judge from '../harness/conditions/authentication';
import { CLIENT_STEP_TIMEOUT_MS } from '../harness/profile/sections/iut/evvm-client';
import * as offered from '../harness/conditions/declaration/offered';
import { capabilityName } from '../harness/declaration/capabilities';

// Steps of features/authentication (EVVM-AUTH-01..04, STD-02, STD-03): glue in the spec's words; the roles,
// the test client (harness/equipment) and the conditions (harness/conditions/authentication) do the work.

/** A client under test acts when its trigger makes it (an operator may take minutes): it bounds its own wait. */
const CLIENT_ACTS = { timeout: CLIENT_STEP_TIMEOUT_MS };
const upgraded = (w: EvvmWorld) => (failed: string | undefined) => w.verify(judge.starttlsUpgrade, failed, 'TLS established with STARTTLS');
/** The harness's test client facing the EVVM Server, made on first use; a STARTTLS upgrade it makes with a valid certificate is judged. */
const tester = (w: EvvmWorld): EvvmServerTestClient =>
  clauseState(w, 'authentication', () => w.closing(new EvvmServerTestClient(() => w.topology.role('evvm-server'), w.profile, w.transcript, upgraded(w))));

/** The mailboxes the conditions judge a session against: `mailbox`'s, and every test account's. */
const mailboxes = (w: EvvmWorld, mailbox: string) => judge.evvmServerMailboxes(w.account(mailbox), w.topology.accounts);
const password = (w: EvvmWorld, owner: string) => w.account(owner).password;
const starttlsDeclared = (w: EvvmWorld) => declared.transportNotDeclared(w.profile, 'evvmServer', 'starttls');
const adversaries = (w: EvvmWorld) => w.topology.role('imap-adversaries');
const retrieveOwn = async (w: EvvmWorld, over: Transport, mailbox: string) => (w.retrieval = await retrieveFromEvvmServer(w.topology, over, mailboxCredentials(w.account(mailbox))));
const records = async (w: EvvmWorld) => serverRecords(await w.topology.role('evvm-server'));

/** The test client, with TLS up and presenting `certificate`, logs in with a password by the declared method. */
const passwordLogin = (w: EvvmWorld, certificate: ClientCredentialKind, identifier: string, secret: string) =>
  w.ifApplicable(declared.noPasswordMethod(w.profile), async () => (await tester(w).openTls(certificate)).passwordLogin(identifier, secret));

// --- what the EVVM Server serves and declares ---
Given('the EVVM Server serves the mailboxes {string} and {string}, each holding a voicemail', async function (this: EvvmWorld, a: string, b: string) {
  await this.topology.role('evvm-server').then(() => [a, b].forEach((m) => this.account(m)));
});
Given('the mailbox {string} is blocked', function (this: EvvmWorld, mailbox: string) { this.verify(judge.blockedTestAccount, this.account(mailbox)); });
Given('the EVVM Server declares the SASL mechanism {mechanism}', async function (this: EvvmWorld, mechanism: MechanismName) {
  return (await this.ifApplicable(declared.saslNotDeclared(this.profile, mechanism))) ?? this.offeredAsDeclared(offered.declaredSaslMechanismOffered, capabilityName.sasl(mechanism));
});
for (const [phrase, notDeclared] of [
  ["the service provider's policy requires client certificates on the EVVM Server", declared.clientCertificatesNotRequired],
  ['the EVVM Server declares SASL authorization identities for the identifiers of a mailbox', declared.identifierAuthzidNotDeclared],
  ['the EVVM Server declares the mailbox namespace of identifiers', declared.identifierNamespaceNotDeclared],
] as const) Given(phrase, function (this: EvvmWorld) { return this.ifApplicable(notDeclared(this.profile)); });

// --- the EVVM Client, and the adversaries it must not trust ---
When('the EVVM Client logs in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  this.retrieval = await retrieveFromEvvmServer(this.topology, declared.tlsTransport(this.profile), { username: this.identifier(kind, mailbox), password: password(this, owner) });
});
When('the EVVM Client retrieves the voicemail of {string} from the EVVM Server over {transport}', CLIENT_ACTS, function (this: EvvmWorld, mailbox: string, transport: Transport) {
  return this.ifApplicable(declared.transportNotDeclared(this.profile, 'evvmServer', transport), () => retrieveOwn(this, transport, mailbox));
});
When('the EVVM Client retrieves the voicemail of {string} from the rogue server over {transport}', CLIENT_ACTS, async function (this: EvvmWorld, mailbox: string, transport: Transport) {
  this.retrieval = await retrieveFrom(this.topology, { ...this.adversary!.endpoint(transport), transport }, this.account(mailbox));
});
When('the EVVM Client retrieves the voicemail of {string} through the man in the middle', CLIENT_ACTS, async function (this: EvvmWorld, mailbox: string) {
  this.retrieval = await retrieveFrom(this.topology, { ...this.adversary!.endpoint('starttls'), transport: 'starttls' }, this.account(mailbox));
});
Then('the EVVM Client reads the voicemail of {string}', function (this: EvvmWorld, mailbox: string) {
  this.verify(judge.clientReadsOwnVoicemail, ...judge.retrievalSession(this.retrieval!), ...mailboxes(this, mailbox));
});
Then('the EVVM Client does not see the voicemail of {string}', function (this: EvvmWorld, mailbox: string) {
  this.verify(judge.mailboxIsolation, this.account(mailbox), this.retrieval!);
});
Then("the EVVM Client authenticated the EVVM Server's certificate", function (this: EvvmWorld) { this.verify(judge.clientAuthenticatedServer, this.retrieval!); });
Then('the EVVM Client did not authenticate the server', function (this: EvvmWorld) { this.verify(judge.clientRefusedServer, this.retrieval!); });

Given('a rogue IMAP server presents a certificate that is {serverFlaw}', async function (this: EvvmWorld, flaw: CertificateFlaw) {
  this.adversary = await (await adversaries(this)).rogueImapServer(flaw);
});
for (const [phrase, strip] of [['a man in the middle strips STARTTLS', true], ['a man in the middle strips STARTTLS but passes LOGINDISABLED', false]] as const) {
  Given(`${phrase} between the EVVM Client and the EVVM Server`, function (this: EvvmWorld) {
    return this.ifApplicable(starttlsDeclared(this), async () => (this.adversary = await (await adversaries(this)).starttlsStripper(strip)));
  });
}
Then(/^no credential (?:reached the rogue server|crossed the man in the middle)$/, async function (this: EvvmWorld) {
  this.verify(judge.noCredentialReachedAdversary, this.adversary!.actor, await this.adversary!.clientBytes(), this.topology.accounts.map((a) => a.password));
});
Then('no LOGIN command crossed the man in the middle', async function (this: EvvmWorld) {
  this.verify(judge.noLoginUnderLoginDisabled, await this.adversary!.clientBytes());
});

// --- the harness's test client ---
for (const presents of ['', 'presents a valid client certificate and ']) {
  When(`a test client ${presents}logs in as the {identifierKind} of {string} with the password of {string}`, function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
    return passwordLogin(this, 'valid', this.identifier(kind, mailbox), password(this, owner));
  });
  When(`a test client ${presents}logs in as the {identifierKind} of {string} with a wrong password`, function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
    return passwordLogin(this, 'valid', this.identifier(kind, mailbox), `${password(this, mailbox)}x`);
  });
}
When('a test client presents a client certificate that is {clientFlaw} and logs in as the {identifierKind} of {string} with the password of {string}', function (this: EvvmWorld, cert: ClientCredentialKind, kind: IdentifierKind, mailbox: string, owner: string) {
  return passwordLogin(this, cert, this.identifier(kind, mailbox), password(this, owner));
});
When('a test client logs in as the unassociated identifier {string} with the password of {string}', function (this: EvvmWorld, identifier: string, owner: string) {
  return passwordLogin(this, 'valid', identifier, password(this, owner));
});
When('a test client logs in by each identifier of {string} with the password of {string}', function (this: EvvmWorld, mailbox: string, owner: string) {
  const identifiers = IDENTIFIER_KINDS.map((kind) => this.identifier(kind, mailbox));
  return this.ifApplicable(declared.noPasswordMethod(this.profile), () => tester(this).loginByEachIdentifier(identifiers, password(this, owner)));
});
When('a test client authenticates with SASL {mechanism} as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, mechanism: MechanismName, kind: IdentifierKind, mailbox: string, owner: string) {
  await (await tester(this).openTls()).authenticate(mechanism, { authcid: this.identifier(kind, mailbox), password: password(this, owner) });
});
When('a test client authenticates with SASL PLAIN as the {identifierKind} of {string} acting as the {identifierKind} of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, asKind: IdentifierKind, asMailbox: string) {
  await (await tester(this).openTls()).authenticate('PLAIN', { authcid: this.identifier(kind, mailbox), password: password(this, mailbox), authzid: this.identifier(asKind, asMailbox) });
});
When('a test client presents a valid client certificate and authenticates with SASL EXTERNAL', async function (this: EvvmWorld) {
  await (await tester(this).openTls()).authenticate('EXTERNAL', { authcid: '' });
});
When('a test client presents a valid client certificate and authenticates with the SASL mechanism {string}', async function (this: EvvmWorld, mechanism: string) {
  await (await tester(this).openTls()).authenticateOther(mechanism);
});
Given('a test client presenting the EVVM Client certificate has logged in as the {identifierKind} of {string} and logged out', function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  return this.ifApplicable(declared.noPasswordMethod(this.profile), async () => {
    this.verify(judge.loginBeforeLogout, await (await tester(this).openTls()).passwordLogin(this.identifier(kind, mailbox), password(this, mailbox)));
    await tester(this).logout();
  });
});
When('it connects again with the same certificate and no credentials', async function (this: EvvmWorld) { (await tester(this).openTls()).sendNoCredentials(); });

Then('the session is authenticated for the mailbox {string}', async function (this: EvvmWorld, mailbox: string) {
  this.verify(judge.sessionAuthenticatedForMailbox, ...(await tester(this).session()), ...mailboxes(this, mailbox));
});
Then('the login is refused, with the VVM text {string} as secondary evidence', function (this: EvvmWorld, text: string) {
  const note = judge.vvmRefusalText(tester(this).login!, text);
  if (note) this.note(note);
  this.verify(judge.loginRefused, tester(this).login!);
});
Then('the login is refused', function (this: EvvmWorld) { this.verify(judge.loginRefused, tester(this).login!); });
Then('the session is not authenticated', async function (this: EvvmWorld) { this.verify(judge.noAuthenticatedSession, await tester(this).state()); });
Then('every one of those sessions reached the mailbox of {string}, with the same UIDVALIDITY', function (this: EvvmWorld, mailbox: string) {
  const sessions = tester(this).identifierSessions;
  for (const s of sessions) this.verify(judge.sameMailboxByEveryIdentifier, s, s.view, ...mailboxes(this, mailbox));
  this.verify(judge.sameUidValidityByEveryIdentifier, sessions);
});
Then('the session opens the mailbox of {string} by each of its identifiers', async function (this: EvvmWorld, mailbox: string) {
  for (const id of Object.values(this.account(mailbox).identifiers)) this.verify(judge.otherIdentifierAuthenticated, await tester(this).openByIdentifier(id), this.account(mailbox));
});
Then('the session cannot open the mailbox of {string} by any of its identifiers', async function (this: EvvmWorld, mailbox: string) {
  for (const id of Object.values(this.account(mailbox).identifiers)) this.verify(judge.foreignIdentifierNotAuthenticated, await tester(this).selectByIdentifier(id));
});
Then('the EVVM Server accepted the client certificate', async function (this: EvvmWorld) {
  this.verify(judge.serverAcceptedClientCertificate, await records(this), tester(this).wire());
});
Then('the EVVM Server recorded why it refused the client certificate', async function (this: EvvmWorld) {
  const seen = await records(this);
  if (seen) this.verify(judge.serverRecordedCertificateRefusal, seen);
  else this.note("the server's reason is not observable on an implementation under test; the refusal itself was checked on the wire");
});

// --- STARTTLS and LOGINDISABLED (STD-02, STD-03) ---
When("a test client connects to the EVVM Server's STARTTLS port", function (this: EvvmWorld) {
  return this.ifApplicable(starttlsDeclared(this), () => tester(this).openBeforeTls());
});
When('the test client upgrades with STARTTLS', async function (this: EvvmWorld) {
  this.verify(judge.starttlsUpgrade, await tester(this).client.starttls(), 'TLS established');
});
Then('the capabilities before TLS include {string} and {string}', function (this: EvvmWorld, a: string, b: string) {
  this.verify(judge.capabilitiesBeforeTls, tester(this).capabilitiesBeforeTls, a, b);
});
Then('the capabilities after TLS do not include {string}', function (this: EvvmWorld, cap: string) {
  return this.ifApplicable(declared.staysAfterTls(this.profile, cap), async () => this.verify(judge.capabilitiesAfterTls, await tester(this).client.capabilities(), cap));
});
Then('the test client can log in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  const l = await tester(this).loginBy('LOGIN', this.identifier(kind, mailbox), password(this, owner));
  this.verify(judge.loginAfterTls, ...(await tester(this).session(`LOGIN after TLS answered ${l.status} "${l.text}"`)), ...mailboxes(this, mailbox));
});
When('the test client authenticates by {authMethod} as the {identifierKind} of {string} with the password of {string}', function (this: EvvmWorld, method: 'LOGIN' | 'AUTHENTICATE PLAIN', kind: IdentifierKind, mailbox: string, owner: string) {
  return this.ifApplicable(declared.methodNotDeclared(this.profile, method), () => tester(this).loginBy(method, this.identifier(kind, mailbox), password(this, owner)));
});
When('the test client pipelines a LOGIN as the {identifierKind} of {string} right behind STARTTLS', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  await tester(this).pipelineLogin(this.identifier(kind, mailbox), password(this, mailbox));
});
Then('the pipelined command was not executed inside TLS', async function (this: EvvmWorld) {
  this.verify(judge.pipelinedCommandDiscarded, ...(await tester(this).pipelined()));
  const seen = await records(this);
  if (seen) this.verify(judge.pipelinedCommandNotAuthenticated, seen.authentications);
});
