import { After, defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import { loginOverTls, messageStorageSessionAuthenticated } from '../harness/conditions/authentication/mailbox';
import { capabilitiesAfterTls, capabilitiesBeforeTls, pipelinedCommandDiscarded, starttlsUpgrade } from '../harness/conditions/authentication/starttls';
import { transportNotDeclared } from '../harness/conditions/authentication/declared';
import type { Transport } from '../harness/topology/roles';
import type { CertificateFlaw } from '../simulators/crypto/pki/types';
import type { MechanismName } from '../simulators/protocol/sasl/types';
import { CpmTestClient, OTHER_PASSWORDS, type CpmConnection, type OtherPassword, type PskVersion } from '../harness/equipment/cpm-test-client';
import { decided, noMarker, sipOf, type MessageStorageRole, type RogueMessageStorage, type StorageTarget, type StoredVoicemail } from '../harness/roles/message-storage';
import * as session from '../harness/conditions/message-storage/session';
import * as capabilities from '../harness/conditions/message-storage/capabilities';
import { distinctPreconfiguredPasswords } from '../harness/conditions/message-storage/subscription';
import * as stored from '../harness/conditions/message-storage/evvm-server-storage';
import * as offered from '../harness/conditions/declaration/offered';
import { capabilityName } from '../harness/declaration/capabilities';

// Steps of features/message-storage (CPM-MS-AUTH-01..06, STD-02/03 on the Message Storage Server) and of EVVM-AUTH-05:
// the harness plays the CPM client (harness/equipment/cpm-test-client.ts) and the EVVM Server; the Message Storage
// Server is the simulator or a vendor's IUT. Every condition judges what the harness saw on the wire.

type PskOffer = Omit<NonNullable<CpmConnection['psk']>, 'version'>;
const PSK_OFFERS: Record<string, PskOffer> = {
  'the provisioned identity and key': {}, 'an unknown identity and the provisioned key': { identity: 'unknown' }, 'the provisioned identity and a wrong key': { key: 'wrong' },
};
defineParameterType({ name: 'pskOffer', regexp: new RegExp(Object.keys(PSK_OFFERS).join('|')), transformer: (s: string) => PSK_OFFERS[s]! });
defineParameterType({ name: 'pskVersion', regexp: /TLSv1\.2|TLSv1\.3/, transformer: (s: string) => s as PskVersion });

const state = (w: EvvmWorld) => clauseState(w, 'message-storage', (): { cpm?: CpmTestClient; store?: StoredVoicemail; rogue?: RogueMessageStorage } => ({}));
After(function (this: EvvmWorld) {
  state(this).cpm?.close();
});
const mss = (w: EvvmWorld): Promise<MessageStorageRole> => w.topology.role('message-storage');
const caps = (w: EvvmWorld) => w.profile.capabilities.messageStorage;
const unless = (w: EvvmWorld, declared: boolean, reason: string) => (declared ? undefined : w.notApplicable(reason));
const wrong = (password: string) => password + 'x';
/** The scenario's CPM client (test equipment); every STARTTLS upgrade it makes is judged. */
const cpm = async (w: EvvmWorld): Promise<CpmTestClient> =>
  (state(w).cpm ??= new CpmTestClient(await mss(w), w.transcript, caps(w), (failed) => w.verify(starttlsUpgrade, failed, 'TLS established with STARTTLS')));
const account = async (w: EvvmWorld, name: string) => (await cpm(w)).account(name);

/** Signs in with a password (`how`: on a new connection, else on the current one); not applicable when the server declares no way. */
async function signedIn(w: EvvmWorld, username: string, password: string, owner?: string, how?: CpmConnection): Promise<'skipped' | undefined> {
  if (await (await cpm(w)).signIn(username, password, owner, how)) return undefined;
  return w.notApplicable('the Message Storage Server declares neither LOGIN nor a SASL mechanism that carries a password');
}

/** The session the latest authentication opened is the named account's own mailbox, and only it. */
async function checkOwnMailbox(w: EvvmWorld, condition: typeof loginOverTls): Promise<void> {
  const m = await (await cpm(w)).mailboxSession();
  w.verify(condition, m.session, m.view, m.own, m.accounts, noMarker);
}

// ---- the Message Storage Server and the profile ----
Given('the Message Storage Server serves the CPM users {string} and {string}', async function (this: EvvmWorld, a: string, b: string) {
  for (const name of [a, b]) await account(this, name);
});
Given('the Message Storage Server declares the SASL mechanism {mechanism}', function (this: EvvmWorld, mechanism: MechanismName) {
  return unless(this, caps(this).sasl.includes(mechanism), `the Message Storage Server does not declare SASL ${mechanism}`) ?? this.offeredAsDeclared(offered.declaredSaslMechanismOffered, capabilityName.sasl(mechanism));
});
Given('the Message Storage Server declares the LOGIN command', function (this: EvvmWorld) {
  return unless(this, caps(this).loginCommand, 'the Message Storage Server does not declare the LOGIN command (capabilities.messageStorage.loginCommand)') ?? this.offeredAsDeclared(offered.declaredLoginCommandOffered, capabilityName.loginCommand);
});
Given('the Message Storage Server declares pre-configured passwords', function (this: EvvmWorld) {
  return unless(this, caps(this).preconfiguredPassword, 'the Message Storage Server does not declare pre-configured passwords (capabilities.messageStorage.preconfiguredPassword)');
});
Given('the Message Storage Server declares PSK-TLS on {pskVersion}', function (this: EvvmWorld, version: PskVersion) {
  return unless(this, caps(this).pskTls.includes(version), `the Message Storage Server does not declare PSK-TLS on ${version} (capabilities.messageStorage.pskTls)`) ?? this.offeredAsDeclared(offered.declaredPskTlsOffered, capabilityName.pskTls(version));
});
Given("the service provider's policy requires TLS on the Message Storage Server", function (this: EvvmWorld) {
  if (!this.profile.policy.messageStorage.requireTls) return this.notApplicable('policy.messageStorage.requireTls is false: CPM makes TLS optional, and the service provider does not require it');
  return unless(this, caps(this).transports.includes('starttls'), 'the Message Storage Server declares no STARTTLS port: it has no clear channel to refuse on');
});
Given("the service provider's policy requires client certificates on the Message Storage Server", function (this: EvvmWorld) {
  const policy = this.profile.policy.messageStorage.clientCertificate;
  return unless(this, policy === 'required', `policy.messageStorage.clientCertificate is "${policy}", not "required"`);
});

// ---- the CPM client ----
const DOES: Record<string, (w: EvvmWorld, c: CpmTestClient) => unknown> = {
  'a CPM client presents its certificate and authenticates to the Message Storage Server with SASL EXTERNAL': (_, c) => c.authenticate('EXTERNAL', { authcid: '' }),
  "a CPM client connects to the Message Storage Server's STARTTLS port": (w, c) => w.ifApplicable(transportNotDeclared(w.profile, 'messageStorage', 'starttls'), () => c.connectClear()),
  'the CPM client upgrades with STARTTLS': async (w, c) => w.verify(starttlsUpgrade, await c.connection.starttls(), 'TLS established with STARTTLS'),
};
for (const [phrase, act] of Object.entries(DOES)) When(phrase, async function (this: EvvmWorld) { return act(this, await cpm(this)); });

When('a CPM client authenticates to the Message Storage Server with SASL {mechanism} as {string}', async function (this: EvvmWorld, mechanism: MechanismName, name: string) {
  const { username, password } = await account(this, name);
  await (await cpm(this)).authenticate(mechanism, { authcid: username, password }, name);
});
When('a CPM client authenticates to the Message Storage Server with SASL {mechanism} as {string} with a wrong password', async function (this: EvvmWorld, mechanism: MechanismName, name: string) {
  const { username, password } = await account(this, name);
  await (await cpm(this)).authenticate(mechanism, { authcid: username, password: wrong(password) });
});
When('a CPM client authenticates to the Message Storage Server with the unsupported SASL mechanism {string}', async function (this: EvvmWorld, mechanism: string) {
  await (await cpm(this)).authenticateOther(mechanism);
});
When('a CPM client logs in to the Message Storage Server over {transport} as {string}', async function (this: EvvmWorld, transport: Transport, name: string) {
  return this.ifApplicable(transportNotDeclared(this.profile, 'messageStorage', transport), async () => (await cpm(this)).login(await account(this, name), { transport }));
});
/** as a user, with its own password, a wrong one, or another password of it or of another user */
const LOGS_IN_AS = new RegExp(`^a CPM client logs in to the Message Storage Server as "([^"]+)"(?: with (a wrong password|the password from its configuration)| with the (${OTHER_PASSWORDS.join('|')}) of "([^"]+)")?$`);
When(LOGS_IN_AS, async function (this: EvvmWorld, name: string, tried: string | null, other: OtherPassword | null, owner: string | null) {
  const c = await cpm(this);
  const { username, password } = c.account(name);
  return signedIn(this, username, other ? c.passwordOf(other, owner!) : tried === 'a wrong password' ? wrong(password) : password, name, {});
});
When('a CPM client logs in to the Message Storage Server as the unknown user {string} with the password of {string}', async function (this: EvvmWorld, username: string, owner: string) {
  return signedIn(this, username, (await account(this, owner)).password, undefined, {});
});
When('a CPM client logs in to the Message Storage Server with the SIP credentials of {string}', async function (this: EvvmWorld, name: string) {
  const sip = sipOf(await account(this, name));
  return signedIn(this, sip.uri, sip.password, undefined, {});
});
When('a CPM client presenting a client certificate that is {clientFlaw} logs in to the Message Storage Server as {string}', async function (this: EvvmWorld, flaw: 'missing' | 'untrusted-ca', name: string) {
  const { username, password } = await account(this, name);
  return signedIn(this, username, password, name, { certificate: flaw }); // a refused handshake is the answer: the login finds no connection
});
When('a CPM client connects to the Message Storage Server over {transport}', async function (this: EvvmWorld, transport: Transport) {
  return this.ifApplicable(transportNotDeclared(this.profile, 'messageStorage', transport), async () => (await cpm(this)).connect({ transport }));
});
When('the CPM client authenticates by {authMethod} as {string} on that connection', async function (this: EvvmWorld, method: 'LOGIN' | 'AUTHENTICATE PLAIN', name: string) {
  if (method === 'LOGIN') return unless(this, caps(this).loginCommand, 'the Message Storage Server does not declare the LOGIN command') ?? (await cpm(this)).login(await account(this, name));
  return unless(this, caps(this).sasl.includes('PLAIN'), 'the Message Storage Server does not declare SASL PLAIN') ?? (await cpm(this)).authenticatePlain(await account(this, name));
});
When('the CPM client pipelines a LOGIN as {string} right behind STARTTLS', async function (this: EvvmWorld, name: string) {
  return unless(this, caps(this).loginCommand, 'the Message Storage Server does not declare the LOGIN command') ?? (await cpm(this)).pipelineLogin(await account(this, name));
});
When('a CPM client connects to the Message Storage Server over PSK-TLS on {pskVersion} with {pskOffer}', async function (this: EvvmWorld, version: PskVersion, offer: PskOffer) {
  await (await cpm(this)).connectPsk({ version, ...offer });
});
When(/^the CPM system subscribes the users? "([^"]+)"(?: and "([^"]+)")?$/, async function (this: EvvmWorld, a: string, b: string | null) {
  for (const name of b ? [a, b] : [a]) await (await cpm(this)).subscribe(name);
});

// ---- what the CPM client observed, each judged by a condition ----
const OBSERVED: Record<string, (w: EvvmWorld, c: CpmTestClient) => unknown> = {
  'the Message Storage session is authenticated': (w) => checkOwnMailbox(w, messageStorageSessionAuthenticated),
  'the Message Storage Server refuses the authentication': (w, c) => w.verify(session.authenticationRefused, c.attempt!),
  'the Message Storage session is not authenticated': async (w, { connection }) => w.verify(session.noMessageStorageSession, connection, await connection.selectInbox()),
  "the CPM client authenticated the Message Storage Server's certificate": (w, { connection: c }) => w.verify(session.clientAuthenticatedStorageServer, c.serverAuthenticated, c),
  'the pipelined LOGIN was not executed inside TLS': (w, c) => w.verify(pipelinedCommandDiscarded, c.injectionDropped, c.connection.pipelinedLoginAnswer),
  'the PSK-TLS handshake authenticated both ends': (w, c) => w.verify(session.pskTlsSession, c.pskSession, c.connection),
  'no PSK-TLS session is established': (w, c) => w.verify(session.noPskTlsSession, c.pskSession, c.connection),
};
for (const [phrase, judge] of Object.entries(OBSERVED)) Then(phrase, async function (this: EvvmWorld) { await judge(this, await cpm(this)); });
Then('the CPM client can then log in as {string}', async function (this: EvvmWorld, name: string) {
  const { username, password } = await account(this, name);
  return (await signedIn(this, username, password, name)) ?? checkOwnMailbox(this, loginOverTls);
});
Then('the Message Storage Server offers neither {string} nor {string} before TLS', async function (this: EvvmWorld, a: string, b: string) {
  this.verify(capabilities.noPasswordMechanismBeforeTls, (await cpm(this)).capabilitiesBeforeTls, a, b);
});
Then("the Message Storage Server's capabilities before TLS include {string} and {string}", async function (this: EvvmWorld, a: string, b: string) {
  this.verify(capabilitiesBeforeTls, (await cpm(this)).capabilitiesBeforeTls, a, b);
});
Then("the Message Storage Server's capabilities after TLS no longer include {string}", async function (this: EvvmWorld, capability: string) {
  this.verify(capabilitiesAfterTls, await (await cpm(this)).connection.capabilities(), capability, capability !== 'LOGINDISABLED' || caps(this).loginCommand);
});
Then('the pre-configured passwords of {string} and {string} differ', async function (this: EvvmWorld, a: string, b: string) {
  const c = await cpm(this);
  this.verify(distinctPreconfiguredPasswords, c.account(a), c.account(b));
});

// ---- EVVM-AUTH-05: the EVVM Server as IMAP client of the Message Storage Server ----
const storage = (w: EvvmWorld) => w.topology.role('evvm-server-storage');
/** The EVVM Server stores a voicemail for `name` as configured (`spoil` departs from its genuine configuration). */
async function storeFor(w: EvvmWorld, name: string, spoil: (t: StorageTarget, store: MessageStorageRole) => StorageTarget = (t) => t): Promise<void> {
  const store = await mss(w);
  state(w).store = decided(await (await storage(w)).depositAndStore(name, spoil(store.storageTarget(name), store)));
}
const STORE_OBSERVED: Record<string, (w: EvvmWorld, s: StoredVoicemail) => void> = {
  "the EVVM Server authenticated the Message Storage Server's certificate": (w, s) => w.verify(stored.evvmServerAuthenticatedStorage, s.result),
  'the Message Storage Server accepted the EVVM Server': (w, s) => w.verify(stored.storageAcceptedEvvmServer, s.result, w.profile.policy.messageStorage.clientCertificate === 'required'),
  'the Message Storage Server did not accept the EVVM Server': (w, s) => w.verify(stored.storageRefusedEvvmServer, s.result),
  'the EVVM Server stored nothing on the rogue server': (w, s) => w.verify(stored.nothingStoredOnRogue, s.result),
};
for (const [phrase, judge] of Object.entries(STORE_OBSERVED)) Then(phrase, function (this: EvvmWorld) { judge(this, state(this).store!); });
Given('the EVVM Server keeps its voicemail in the Message Storage Server', async function (this: EvvmWorld) { await storage(this); });
Given('a rogue Message Storage Server presents a certificate that is {serverFlaw}', async function (this: EvvmWorld, flaw: CertificateFlaw) {
  state(this).rogue = await (await this.topology.role('message-storage-adversaries')).rogue(flaw);
});
When('a voicemail for {string} is deposited and the EVVM Server stores it in the Message Storage Server', function (this: EvvmWorld, name: string) {
  return storeFor(this, name);
});
When('the EVVM Server presents a client certificate that is {clientFlaw} and stores a voicemail for {string} in the Message Storage Server', function (this: EvvmWorld, flaw: 'missing' | 'untrusted-ca', name: string) {
  return storeFor(this, name, ({ certificate: _, ...t }, store) => (flaw === 'missing' ? t : { ...t, certificate: store.clientCredential('untrusted-ca')! }));
});
When('the EVVM Server stores a voicemail for {string} in the Message Storage Server with a wrong password', function (this: EvvmWorld, name: string) {
  return storeFor(this, name, (t) => ({ ...t, account: { ...t.account, password: wrong(t.account.password) } }));
});
When('a voicemail for {string} is deposited and the EVVM Server stores it on the rogue server', async function (this: EvvmWorld, name: string) {
  state(this).store = await (await storage(this)).depositAndStore(name, state(this).rogue!.target());
});
Then('the voicemail is in the Message Storage of {string}', function (this: EvvmWorld, _name: string) { this.verify(stored.voicemailStored, state(this).store!); });
Then('no credential reached the rogue Message Storage Server', async function (this: EvvmWorld) {
  const rogue = state(this).rogue!;
  this.verify(stored.noCredentialReachedRogueStorage, rogue.actor, await rogue.clientBytes(), rogue.credential);
});
