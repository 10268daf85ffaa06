import { After, defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { Transport } from '../harness/topology/roles';
import type { CertificateFlaw } from '../simulators/crypto/pki/types';
import type { MechanismName } from '../simulators/protocol/sasl/types';
import { InconclusiveError } from '../harness/engine/outcomes';
import { findCredentials } from '../harness/evidence/credentials';
import { CpmClient, type Attempt, type PskVersion } from '../simulators/message-storage/cpm-client';
import type { MessageStorageRole, MssAccount, RogueMessageStorage } from '../harness/topology/embedded/message-storage';
import type { StoreResult } from '../simulators/evvm-server/message-storage-client';
import { loginOverTls, messageStorageSessionAuthenticated, pipelinedCommandDiscarded, type MailboxOwner } from '../harness/conditions/authentication';
import { transportNotDeclared } from '../harness/conditions/authentication/declared';

// Steps of features/message-storage (CPM-MS-AUTH-01..06, STD-02/03 on the Message Storage Server) and of
// EVVM-AUTH-05: the harness plays the CPM client and the EVVM Server; the Message Storage Server is the
// simulator or a vendor's IUT. Every check relies on what the harness sees on the wire.

defineParameterType({ name: 'pskVersion', regexp: /TLSv1\.2|TLSv1\.3/, transformer: (s: string) => s as PskVersion });

interface StorageState {
  clients: CpmClient[];
  client?: CpmClient;
  attempt?: Attempt;
  capabilitiesBeforeTls?: string[];
  /** users subscribed in this scenario, with the password from their client configuration */
  subscribed: Map<string, MssAccount>;
  pskSession?: boolean;
  store?: { messageId: string; result: StoreResult };
  rogue?: RogueMessageStorage;
  /** whose mailbox the latest authentication must open; undefined when the credential names no account (SASL EXTERNAL) */
  owner?: string;
  /** why no TLS session followed a STARTTLS with a pipelined command */
  injectionDropped?: string;
}

const state = (w: EvvmWorld): StorageState => clauseState(w, 'message-storage', (): StorageState => ({ clients: [], subscribed: new Map() }));

After(function (this: EvvmWorld) {
  for (const c of state(this).clients) c.close();
});

const mss = (w: EvvmWorld): Promise<MessageStorageRole> => w.topology.role('message-storage');
const caps = (w: EvvmWorld) => w.profile.capabilities.messageStorage;
const PASSWORD_MECHANISMS: MechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'CRAM-MD5', 'LOGIN'];

/** Implicit TLS when offered (STD-04), else STARTTLS. */
function preferred(store: MessageStorageRole): Transport {
  return store.endpoint('implicit-tls') ? 'implicit-tls' : 'starttls';
}

/**
 * Opens the CPM client's connection: TLS up (implicit or STARTTLS) unless `clear`. An unreachable server
 * answers nothing, so the scenario is inconclusive; a refused handshake is an answer (no connection).
 */
async function connect(
  w: EvvmWorld,
  o: { transport?: Transport; certificate?: 'valid' | 'untrusted-ca' | 'missing'; clear?: boolean; psk?: { version: PskVersion; identity?: string; key?: Buffer } } = {},
): Promise<CpmClient> {
  const s = state(w);
  const store = await mss(w);
  const transport = o.psk ? 'implicit-tls' : (o.transport ?? preferred(store));
  const endpoint = o.psk ? store.pskEndpoint() : store.endpoint(transport);
  if (!endpoint) throw new InconclusiveError(`the Message Storage Server offers no ${o.psk ? 'PSK-TLS' : transport} endpoint`);
  const certificate = o.certificate === 'missing' ? undefined : store.clientCredential(o.certificate ?? 'valid');
  let psk: { identity: string; key: Buffer; version: PskVersion } | undefined;
  if (o.psk) {
    const provisioned = store.psk();
    if (!provisioned) throw new InconclusiveError('the Message Storage Server has no provisioned PSK-TLS identity');
    psk = { identity: o.psk.identity ?? provisioned.identity, key: o.psk.key ?? provisioned.key, version: o.psk.version };
    w.transcript.secret(psk.key);
  }
  s.client?.close();
  const client = await CpmClient.open({
    endpoint,
    transport,
    trustAnchorPem: store.trustAnchorPem,
    ...(certificate ? { certificate } : {}),
    ...(psk ? { psk } : {}),
    transcript: w.transcript,
    timeoutMs: store.timeoutMs,
  });
  s.clients.push(client);
  s.client = client;
  if (client.unreachable) throw new InconclusiveError(`the Message Storage Server at ${endpoint.host}:${endpoint.port} did not answer (${client.connectError}): nothing can be judged`);
  if (transport === 'starttls' && !o.clear && client.client) {
    const failed = await client.starttls();
    w.check('StarttlsUpgrade', failed === undefined, failed ?? 'TLS established with STARTTLS');
  }
  return client;
}

/**
 * Authenticates with a password by LOGIN when declared, else by a declared SASL mechanism that carries one;
 * undefined when the server declares neither (the scenario is then not applicable).
 */
async function signIn(w: EvvmWorld, client: CpmClient, username: string, password: string): Promise<Attempt | undefined> {
  if (caps(w).loginCommand) return client.login(username, password);
  const mech = PASSWORD_MECHANISMS.find((m) => caps(w).sasl.includes(m));
  return mech ? client.authenticate(mech, { authcid: username, password }) : undefined;
}

/**
 * Keeps the server's answer. A temporary failure (RFC 5530 UNAVAILABLE) says nothing about the rule under
 * test either way: inconclusive, neither a refusal nor a failure.
 */
function answered(w: EvvmWorld, attempt: Attempt): Attempt {
  if (attempt.timedOut) throw new InconclusiveError(`the Message Storage Server did not answer in time: ${attempt.text}`);
  if (attempt.code === 'UNAVAILABLE') throw new InconclusiveError(`the Message Storage Server answered a temporary failure: ${attempt.status} [UNAVAILABLE] ${attempt.text}`);
  state(w).attempt = attempt;
  return attempt;
}

/** SELECT INBOX: whether the session is authenticated, as the server shows it. No answer decides nothing. */
async function selectInbox(client: CpmClient): Promise<'OK' | 'NO' | 'BAD' | 'closed'> {
  const r = await client.command('SELECT INBOX');
  if (r === 'timeout') throw new InconclusiveError('the Message Storage Server did not answer SELECT INBOX in time');
  return r;
}

/** A value the profile must provide for this step; without it the harness cannot drive the step. */
function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new InconclusiveError(`the profile names no ${what}: the harness cannot drive this step`);
  return value;
}

/** The named account's mailbox, and only it, is what the session opened (see harness/conditions/authentication/mailbox.ts). */
async function checkOwnMailbox(w: EvvmWorld, condition: typeof loginOverTls, client: CpmClient, attempt: Attempt | undefined): Promise<void> {
  const store = await mss(w);
  const owner = state(w).owner;
  const toOwner = (a: MssAccount): MailboxOwner => ({ name: a.name, ...(a.marker ? { marker: a.marker } : {}) });
  const view = attempt?.status === 'OK' ? await client.inbox() : { status: 'closed' as const, messageIds: [] };
  w.verify(
    condition,
    { loggedIn: attempt?.status === 'OK', how: `authentication ${attempt?.status ?? 'not tried'} "${attempt?.text ?? ''}"${client.connectError ? ` (${client.connectError})` : ''}` },
    view,
    owner === undefined ? undefined : toOwner(store.account(owner)),
    store.knownAccounts().map(toOwner),
    (name) => `the profile names no messageId for "${name}" (iut.accounts[].messageId), a message only that account's INBOX holds`,
  );
}

const NO_PASSWORD_METHOD = 'the Message Storage Server declares neither LOGIN nor a SASL mechanism that carries a password';

async function signedIn(w: EvvmWorld, client: CpmClient, username: string, password: string): Promise<'skipped' | undefined> {
  const attempt = await signIn(w, client, username, password);
  if (!attempt) return w.notApplicable(NO_PASSWORD_METHOD);
  answered(w, attempt);
  return undefined;
}

// ---- the Message Storage Server and the profile ----

Given('the Message Storage Server serves the CPM users {string} and {string}', async function (this: EvvmWorld, a: string, b: string) {
  const store = await mss(this);
  store.account(a);
  store.account(b);
});

Given('the Message Storage Server declares the SASL mechanism {mechanism}', function (this: EvvmWorld, mechanism: MechanismName) {
  if (!caps(this).sasl.includes(mechanism)) return this.notApplicable(`the Message Storage Server does not declare SASL ${mechanism}`);
  return undefined;
});

Given('the Message Storage Server declares the LOGIN command', function (this: EvvmWorld) {
  if (!caps(this).loginCommand) return this.notApplicable('the Message Storage Server does not declare the LOGIN command (capabilities.messageStorage.loginCommand)');
  return undefined;
});

Given('the Message Storage Server declares pre-configured passwords', function (this: EvvmWorld) {
  if (!caps(this).preconfiguredPassword) return this.notApplicable('the Message Storage Server does not declare pre-configured passwords (capabilities.messageStorage.preconfiguredPassword)');
  return undefined;
});

Given('the Message Storage Server declares PSK-TLS on {pskVersion}', function (this: EvvmWorld, version: PskVersion) {
  if (!caps(this).pskTls.includes(version)) return this.notApplicable(`the Message Storage Server does not declare PSK-TLS on ${version} (capabilities.messageStorage.pskTls)`);
  return undefined;
});

Given("the service provider's policy requires TLS on the Message Storage Server", function (this: EvvmWorld) {
  if (!this.profile.policy.messageStorage.requireTls) return this.notApplicable('policy.messageStorage.requireTls is false: CPM makes TLS optional, and the service provider does not require it');
  if (!caps(this).transports.includes('starttls')) return this.notApplicable('the Message Storage Server declares no STARTTLS port: it has no clear channel to refuse on');
  return undefined;
});

Given("the service provider's policy requires client certificates on the Message Storage Server", function (this: EvvmWorld) {
  const policy = this.profile.policy.messageStorage.clientCertificate;
  if (policy !== 'required') return this.notApplicable(`policy.messageStorage.clientCertificate is "${policy}", not "required"`);
  return undefined;
});

// ---- the CPM client ----

When('a CPM client authenticates to the Message Storage Server with SASL {mechanism} as {string}', async function (this: EvvmWorld, mechanism: MechanismName, name: string) {
  const account = (await mss(this)).account(name);
  const client = await connect(this);
  state(this).owner = name;
  answered(this, await client.authenticate(mechanism, { authcid: account.username, password: account.password }));
});

When('a CPM client authenticates to the Message Storage Server with SASL {mechanism} as {string} with a wrong password', async function (this: EvvmWorld, mechanism: MechanismName, name: string) {
  const account = (await mss(this)).account(name);
  const client = await connect(this);
  answered(this, await client.authenticate(mechanism, { authcid: account.username, password: account.password + 'x' }));
});

When('a CPM client presents its certificate and authenticates to the Message Storage Server with SASL EXTERNAL', async function (this: EvvmWorld) {
  const client = await connect(this);
  answered(this, await client.authenticate('EXTERNAL', { authcid: '' }));
});

When('a CPM client authenticates to the Message Storage Server with the unsupported SASL mechanism {string}', async function (this: EvvmWorld, mechanism: string) {
  const client = await connect(this);
  answered(this, await client.authenticateOther(mechanism));
});

When('a CPM client logs in to the Message Storage Server over {transport} as {string}', async function (this: EvvmWorld, transport: Transport, name: string) {
  if (await this.ifApplicable(transportNotDeclared(this.profile, 'messageStorage', transport))) return 'skipped';
  const account = (await mss(this)).account(name);
  const client = await connect(this, { transport });
  state(this).owner = name;
  answered(this, await client.login(account.username, account.password));
  return undefined;
});

When('a CPM client logs in to the Message Storage Server as {string}', async function (this: EvvmWorld, name: string) {
  const account = (await mss(this)).account(name);
  state(this).owner = name;
  return signedIn(this, await connect(this), account.username, account.password);
});

When('a CPM client logs in to the Message Storage Server as {string} with a wrong password', async function (this: EvvmWorld, name: string) {
  const account = (await mss(this)).account(name);
  return signedIn(this, await connect(this), account.username, account.password + 'x');
});

When('a CPM client logs in to the Message Storage Server as the unknown user {string} with the password of {string}', async function (this: EvvmWorld, username: string, owner: string) {
  const account = (await mss(this)).account(owner);
  return signedIn(this, await connect(this), username, account.password);
});

When('a CPM client logs in to the Message Storage Server as {string} with the password of {string}', async function (this: EvvmWorld, name: string, owner: string) {
  const store = await mss(this);
  return signedIn(this, await connect(this), store.account(name).username, store.account(owner).password);
});

When('a CPM client logs in to the Message Storage Server as {string} with the TUI PIN of {string}', async function (this: EvvmWorld, name: string, owner: string) {
  const store = await mss(this);
  const pin = need(store.account(owner).tuiPin, `TUI PIN for "${owner}" (iut.accounts[].tuiPinEnv)`);
  return signedIn(this, await connect(this), store.account(name).username, pin);
});

When('a CPM client logs in to the Message Storage Server with the SIP credentials of {string}', async function (this: EvvmWorld, name: string) {
  const sip = need((await mss(this)).account(name).sip, `SIP credentials for "${name}" (iut.accounts[].sipUri, sipPasswordEnv)`);
  return signedIn(this, await connect(this), sip.uri, sip.password);
});

When('a CPM client logs in to the Message Storage Server as {string} with the SIP password of {string}', async function (this: EvvmWorld, name: string, owner: string) {
  const store = await mss(this);
  const sip = need(store.account(owner).sip, `SIP credentials for "${owner}" (iut.accounts[].sipUri, sipPasswordEnv)`);
  return signedIn(this, await connect(this), store.account(name).username, sip.password);
});

When('a CPM client presenting a client certificate that is {clientFlaw} logs in to the Message Storage Server as {string}', async function (this: EvvmWorld, flaw: 'missing' | 'untrusted-ca', name: string) {
  const account = (await mss(this)).account(name);
  const client = await connect(this, { certificate: flaw });
  // a refused handshake is the answer: the login below then finds no connection
  return signedIn(this, client, account.username, account.password);
});

When('a CPM client connects to the Message Storage Server over {transport}', async function (this: EvvmWorld, transport: Transport) {
  if (await this.ifApplicable(transportNotDeclared(this.profile, 'messageStorage', transport))) return 'skipped';
  await connect(this, { transport });
  return undefined;
});

When("a CPM client connects to the Message Storage Server's STARTTLS port", async function (this: EvvmWorld) {
  if (await this.ifApplicable(transportNotDeclared(this.profile, 'messageStorage', 'starttls'))) return 'skipped';
  const client = await connect(this, { transport: 'starttls', clear: true });
  state(this).capabilitiesBeforeTls = await client.capabilities();
  return undefined;
});

When('the CPM client upgrades with STARTTLS', async function (this: EvvmWorld) {
  const failed = await state(this).client!.starttls();
  this.check('StarttlsUpgrade', failed === undefined, failed ?? 'TLS established with STARTTLS');
});

When('the CPM client authenticates by {authMethod} as {string} on that connection', async function (this: EvvmWorld, method: 'LOGIN' | 'AUTHENTICATE PLAIN', name: string) {
  if (method === 'LOGIN' && !caps(this).loginCommand) return this.notApplicable('the Message Storage Server does not declare the LOGIN command');
  if (method === 'AUTHENTICATE PLAIN' && !caps(this).sasl.includes('PLAIN')) return this.notApplicable('the Message Storage Server does not declare SASL PLAIN');
  const account = (await mss(this)).account(name);
  const client = state(this).client!;
  state(this).owner = name;
  answered(this, method === 'LOGIN' ? await client.login(account.username, account.password) : await client.authenticate('PLAIN', { authcid: account.username, password: account.password }));
  return undefined;
});

When('the CPM client pipelines a LOGIN as {string} right behind STARTTLS', async function (this: EvvmWorld, name: string) {
  if (!caps(this).loginCommand) return this.notApplicable('the Message Storage Server does not declare the LOGIN command');
  const account = (await mss(this)).account(name);
  this.transcript.secret(account.password);
  const client = state(this).client!;
  const failed = await client.starttls(`inj1 LOGIN "${account.username.replace(/["\\]/g, '\\$&')}" "${account.password.replace(/["\\]/g, '\\$&')}"`);
  // one round trip: a replayed command is answered before this
  if (!failed && (await client.command('NOOP')) === 'timeout') throw new InconclusiveError('the Message Storage Server did not answer NOOP after STARTTLS');
  state(this).injectionDropped = failed;
  state(this).attempt = { status: 'none', text: 'pipelined LOGIN' };
  return undefined;
});

When('a CPM client connects to the Message Storage Server over PSK-TLS on {pskVersion} with the provisioned identity and key', async function (this: EvvmWorld, version: PskVersion) {
  const client = await connect(this, { psk: { version } });
  state(this).pskSession = client.secure;
});

When('a CPM client connects to the Message Storage Server over PSK-TLS on {pskVersion} with an unknown identity and the provisioned key', async function (this: EvvmWorld, version: PskVersion) {
  const client = await connect(this, { psk: { version, identity: `unprovisioned-${Date.now().toString(36)}` } });
  state(this).pskSession = client.secure && client.greeting !== 'BYE';
});

When('a CPM client connects to the Message Storage Server over PSK-TLS on {pskVersion} with the provisioned identity and a wrong key', async function (this: EvvmWorld, version: PskVersion) {
  const right = (await mss(this)).psk();
  const wrong = Buffer.from((right?.key ?? Buffer.alloc(32)).map((b) => b ^ 0x5a));
  const client = await connect(this, { psk: { version, key: wrong } });
  state(this).pskSession = client.secure && client.greeting !== 'BYE';
});

When('the CPM system subscribes the user {string}', async function (this: EvvmWorld, name: string) {
  state(this).subscribed.set(name, await (await mss(this)).subscribe(name));
});

When('the CPM system subscribes the users {string} and {string}', async function (this: EvvmWorld, a: string, b: string) {
  const store = await mss(this);
  for (const name of [a, b]) state(this).subscribed.set(name, await store.subscribe(name));
});

When('a CPM client logs in to the Message Storage Server as {string} with the password from its configuration', async function (this: EvvmWorld, name: string) {
  const account = state(this).subscribed.get(name)!;
  state(this).owner = name;
  return signedIn(this, await connect(this), account.username, account.password);
});

When('a CPM client logs in to the Message Storage Server as {string} with the pre-configured password of {string}', async function (this: EvvmWorld, name: string, owner: string) {
  const s = state(this);
  const user = s.subscribed.get(name) ?? (await mss(this)).account(name);
  return signedIn(this, await connect(this), user.username, s.subscribed.get(owner)!.password);
});

// ---- what the CPM client observed ----

Then('the Message Storage session is authenticated', async function (this: EvvmWorld) {
  const s = state(this);
  await checkOwnMailbox(this, messageStorageSessionAuthenticated, s.client!, s.attempt);
});

Then('the Message Storage Server refuses the authentication', function (this: EvvmWorld) {
  const a = state(this).attempt!;
  this.check('AuthenticationRefused', a.status !== 'OK', `the Message Storage Server answered ${a.status} "${a.text}"`);
});

Then('the Message Storage session is not authenticated', async function (this: EvvmWorld) {
  const client = state(this).client!;
  const selected = await selectInbox(client);
  const authenticated = client.greeting === 'PREAUTH' || selected === 'OK';
  this.check('NoMessageStorageSession', !authenticated, `greeting ${client.greeting ?? 'none'}, SELECT INBOX answered ${selected}`, { connectError: client.connectError });
});

Then("the CPM client authenticated the Message Storage Server's certificate", function (this: EvvmWorld) {
  const client = state(this).client!;
  this.check('ClientAuthenticatedStorageServer', client.serverAuthenticated, client.serverAuthenticated ? `the certificate chained to the trust anchor and named the server (${client.tlsProtocol})` : `server not authenticated: ${client.connectError ?? 'no verified TLS'}`);
});

Then('the CPM client can then log in as {string}', async function (this: EvvmWorld, name: string) {
  const account = (await mss(this)).account(name);
  const client = state(this).client!;
  const got = await signIn(this, client, account.username, account.password);
  if (!got) return this.notApplicable(NO_PASSWORD_METHOD);
  state(this).owner = name;
  await checkOwnMailbox(this, loginOverTls, client, answered(this, got));
  return undefined;
});

Then('the Message Storage Server offers neither {string} nor {string} before TLS', function (this: EvvmWorld, a: string, b: string) {
  const before = state(this).capabilitiesBeforeTls ?? [];
  this.check('NoPasswordMechanismBeforeTls', before.length > 0 && !before.includes(a) && !before.includes(b), `CAPABILITY before TLS: ${before.join(' ') || '(none)'}`);
});

Then("the Message Storage Server's capabilities before TLS include {string} and {string}", function (this: EvvmWorld, a: string, b: string) {
  const before = state(this).capabilitiesBeforeTls ?? [];
  this.check('CapabilitiesBeforeTls', before.includes(a) && before.includes(b), `CAPABILITY before TLS: ${before.join(' ') || '(none)'}`);
});

Then("the Message Storage Server's capabilities after TLS no longer include {string}", async function (this: EvvmWorld, cap: string) {
  const after = await state(this).client!.capabilities();
  // without a LOGIN command at all, LOGINDISABLED stays: the rule is about TLS, not about LOGIN
  const expectGone = cap !== 'LOGINDISABLED' || caps(this).loginCommand;
  this.check('CapabilitiesAfterTls', after.length > 0 && (!expectGone || !after.includes(cap)), `CAPABILITY after TLS: ${after.join(' ') || '(none)'}`);
});

Then('the pipelined LOGIN was not executed inside TLS', function (this: EvvmWorld) {
  const s = state(this);
  this.verify(pipelinedCommandDiscarded, s.injectionDropped, s.client!.anomalies.find((a) => a.includes('inj1')));
});

Then('the PSK-TLS handshake authenticated both ends', function (this: EvvmWorld) {
  const s = state(this);
  const ok = s.pskSession === true && s.client?.greeting === 'OK';
  this.check('PskTlsSession', ok, ok ? `PSK-TLS established (${s.client!.tlsProtocol}): both ends proved the key` : `no PSK-TLS session: ${s.client?.connectError ?? `greeting ${s.client?.greeting ?? 'none'}`}`);
});

Then('no PSK-TLS session is established', function (this: EvvmWorld) {
  const s = state(this);
  this.check('NoPskTlsSession', s.pskSession !== true, s.pskSession ? `a PSK-TLS session was established (${s.client!.tlsProtocol})` : `handshake refused: ${s.client?.connectError ?? 'no session'}`);
});

Then('the pre-configured passwords of {string} and {string} differ', function (this: EvvmWorld, a: string, b: string) {
  const s = state(this);
  const differ = s.subscribed.get(a)!.password !== s.subscribed.get(b)!.password;
  this.check('DistinctPreconfiguredPasswords', differ, differ ? 'each subscriber got its own password' : `"${a}" and "${b}" got the same pre-configured password`);
});

// ---- EVVM-AUTH-05: the EVVM Server as IMAP client of the Message Storage Server ----

Given('the EVVM Server keeps its voicemail in the Message Storage Server', async function (this: EvvmWorld) {
  await this.topology.role('evvm-server-storage');
});

async function storeFor(w: EvvmWorld, name: string, change: (t: ReturnType<MessageStorageRole['storageTarget']>, store: MessageStorageRole) => void = () => undefined): Promise<void> {
  const store = await mss(w);
  const target = store.storageTarget(name);
  change(target, store);
  const stored = await (await w.topology.role('evvm-server-storage')).depositAndStore(name, target);
  state(w).store = stored;
  if (stored.result.unreachable || stored.result.timedOut) throw new InconclusiveError(`the Message Storage Server at ${stored.result.target} did not answer (${stored.result.error}): nothing can be judged`);
}

When('a voicemail for {string} is deposited and the EVVM Server stores it in the Message Storage Server', async function (this: EvvmWorld, name: string) {
  await storeFor(this, name);
});

When('the EVVM Server presents a client certificate that is {clientFlaw} and stores a voicemail for {string} in the Message Storage Server', async function (this: EvvmWorld, flaw: 'missing' | 'untrusted-ca', name: string) {
  await storeFor(this, name, (target, store) => {
    if (flaw === 'missing') delete target.certificate;
    else target.certificate = store.clientCredential('untrusted-ca')!;
  });
});

When('the EVVM Server stores a voicemail for {string} in the Message Storage Server with a wrong password', async function (this: EvvmWorld, name: string) {
  await storeFor(this, name, (target) => {
    target.account = { ...target.account, password: target.account.password + 'x' };
  });
});

Then("the EVVM Server authenticated the Message Storage Server's certificate", function (this: EvvmWorld) {
  const r = state(this).store!.result;
  this.check('EvvmServerAuthenticatedStorage', r.serverAuthenticated, r.serverAuthenticated ? `certificate verified (${r.tls?.protocol})` : `not authenticated: ${r.error ?? 'no verified TLS'}`, { tls: r.tls });
});

Then('the Message Storage Server accepted the EVVM Server', function (this: EvvmWorld) {
  const r = state(this).store!.result;
  const mutual = this.profile.policy.messageStorage.clientCertificate === 'required';
  const ok = r.loggedIn && (!mutual || r.clientCertificatePresented);
  this.check('StorageAcceptedEvvmServer', ok, ok ? `logged in${r.clientCertificatePresented ? ' after presenting its client certificate' : ''}` : `not accepted: ${r.error ?? (r.clientCertificatePresented ? 'no session' : 'no client certificate presented although the policy requires mutual authentication')}`);
});

Then('the voicemail is in the Message Storage of {string}', function (this: EvvmWorld, _name: string) {
  const { messageId, result } = state(this).store!;
  this.check('VoicemailStored', result.stored && result.confirmed, result.confirmed ? `${messageId} stored and read back` : `not stored: ${result.error ?? 'not found after APPEND'}`);
});

Then('the Message Storage Server did not accept the EVVM Server', function (this: EvvmWorld) {
  const r = state(this).store!.result;
  this.check('StorageRefusedEvvmServer', !r.loggedIn && !r.stored, r.loggedIn ? 'the Message Storage Server let the EVVM Server in' : `refused: ${r.error ?? 'no session'}`);
});

Given('a rogue Message Storage Server presents a certificate that is {serverFlaw}', async function (this: EvvmWorld, flaw: CertificateFlaw) {
  state(this).rogue = await (await this.topology.role('message-storage-adversaries')).rogue(flaw);
});

When('a voicemail for {string} is deposited and the EVVM Server stores it on the rogue server', async function (this: EvvmWorld, name: string) {
  const rogue = state(this).rogue!;
  this.transcript.secret(rogue.credential);
  state(this).store = await (await this.topology.role('evvm-server-storage')).depositAndStore(name, rogue.target());
});

Then('no credential reached the rogue Message Storage Server', async function (this: EvvmWorld) {
  const rogue = state(this).rogue!;
  const bytes = await rogue.clientBytes();
  const found = findCredentials(bytes, [rogue.credential]);
  const clean = found.commands.length === 0 && found.secretsSeen === 0;
  this.check('NoCredentialReachedRogueStorage', clean, clean ? `${rogue.actor} received ${bytes.length} bytes and no credential` : `${rogue.actor} received ${found.commands.join(', ') || 'the password'}`, { bytesReceived: bytes.length, ...found });
});

Then('the EVVM Server stored nothing on the rogue server', function (this: EvvmWorld) {
  const r = state(this).store!.result;
  this.check('NothingStoredOnRogue', !r.stored, r.stored ? 'the EVVM Server stored the voicemail on the rogue server' : `the EVVM Server stopped: ${r.error ?? 'no session'}`);
});
