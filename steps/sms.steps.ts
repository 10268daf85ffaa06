import { randomBytes } from 'node:crypto';
import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { SmsDevice } from '../harness/topology/embedded/sms';
import type { BindOutcome, Esme, SubmitOutcome } from '../simulators/protocol/smpp/esme';
import type { ClientVvmState } from '../simulators/evvm-client/sms/vvm-sms-client';
import { CREDENTIAL_FIELDS } from '../simulators/protocol/vvm-sms/fields';
import { notificationKeys, splitNotification } from '../simulators/protocol/vvm-sms/parse';
import { redactVvmSecrets } from '../simulators/protocol/vvm-sms/encode';
import { registerSecret } from '../evidence/secrets';

// Steps of features/sms-notification (EVVM-SMS-C01..C09, candidates): thin glue in the spec's words;
// the roles of harness/topology/embedded/sms.ts do the work, and every When waits for the SMS path to
// go quiet (no sleeps).

interface Mark {
  received: number;
  notifications: number;
  syncs: number;
  state: ClientVvmState;
}

const sms = (w: EvvmWorld) =>
  clauseState(w, 'sms', () => ({
    marks: new Map<string, Mark>(),
    deactivation: undefined as { received: number; serverNotifications: number } | undefined,
    deposit: undefined as { uid: number; messageId: string } | undefined,
    submit: undefined as SubmitOutcome | undefined,
    bind: undefined as BindOutcome | undefined,
    /** the text a spoofer or test ESME sent, to find (or not) on the handset */
    sent: undefined as string | undefined,
    testEsme: undefined as Esme | undefined,
    strangers: 0,
  }));

async function device(w: EvvmWorld, name: string): Promise<SmsDevice> {
  return (await w.topology.role('evvm-client-sms')).device(name);
}

// what a device observed, asked of wherever it runs
const receivedBy = async (w: EvvmWorld, name: string) => (await device(w, name)).received();
const syncsOf = async (w: EvvmWorld, name: string) => (await device(w, name)).syncs();
const stateOf = async (w: EvvmWorld, name: string) => (await device(w, name)).state();

async function settled(w: EvvmWorld): Promise<void> {
  await (await w.topology.role('smsc')).settled();
}

/** Remembers where a device stood, so Then steps judge only what happened since. */
async function mark(w: EvvmWorld, name: string): Promise<SmsDevice> {
  const d = await device(w, name);
  const [received, notifications, syncs, state] = await Promise.all([d.received(), d.notifications(), d.syncs(), d.state()]);
  sms(w).marks.set(name, { received: received.length, notifications: notifications.length, syncs: syncs.length, state });
  return d;
}

function since(w: EvvmWorld, name: string): Mark {
  return sms(w).marks.get(name) ?? { received: 0, notifications: 0, syncs: 0, state: { provisioned: false, voicemails: [], newCount: 0 } };
}

const policy = (w: EvvmWorld) => w.profile.policy.sms;

/** A well-formed SYNC for a voicemail that was never deposited. */
function syncText(w: EvvmWorld): string {
  return `${policy(w).clientPrefix}:SYNC:ev=NM;id=4242;c=1;t=v;s=+15557777;dt=22/11/2026 09:00 +0000;l=30`;
}

/** A STATUS that points the client at the rogue server, with an attacker's account. */
function redirectingStatus(w: EvvmWorld, name: string, mailbox: string): string {
  const rogue = w.adversary!.endpoint('implicit-tls');
  const pw = `spoof${randomBytes(6).toString('hex')}`;
  w.transcript.secret(pw);
  registerSecret(pw);
  return `${policy(w).clientPrefix}:STATUS:st=R;rc=0;srv=${name};ipt=${rogue.port};u=${w.account(mailbox).identifiers.MSISDN};pw=${pw}`;
}

async function lastNotification(d: SmsDevice, from: number) {
  const list = (await d.notifications()).slice(from);
  return list[list.length - 1];
}

/** The STATUS texts a handset received, newest last. */
async function statusTexts(w: EvvmWorld, d: SmsDevice): Promise<string[]> {
  return (await d.received()).map((r) => r.text).filter((t) => t.startsWith(`${policy(w).clientPrefix}:STATUS:`));
}

function sameVoicemails(a: ClientVvmState, b: ClientVvmState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// --- the network ---

Given('the SMSC serves the EVVM Server and the handset of {string}', async function (this: EvvmWorld, a: string) {
  await this.topology.role('evvm-server-sms');
  await mark(this, a);
});

Given('the SMSC serves the EVVM Server and the handsets of {string} and {string}', async function (this: EvvmWorld, a: string, b: string) {
  await this.topology.role('evvm-server-sms');
  await mark(this, a);
  await mark(this, b);
});

Given('a handset {string} whose number has no mailbox', async function (this: EvvmWorld, name: string) {
  const clients = await this.topology.role('evvm-client-sms');
  // numbers of the test network that no mailbox has: +15550991, +15550992, …
  await clients.stranger(name, `tel:+155509${90 + ++sms(this).strangers}`);
  await mark(this, name);
});

Given('a handset {string} whose number has no mailbox but ends in the same seven digits as the MSISDN of {string}', async function (this: EvvmWorld, name: string, owner: string) {
  const digits = this.account(owner).identifiers.MSISDN.replace(/[^0-9]/g, '');
  await (await this.topology.role('evvm-client-sms')).stranger(name, `tel:+44700${digits.slice(-7)}`);
  await mark(this, name);
});

Given("the service provider's policy requires notifications on an application port", function (this: EvvmWorld) {
  if (policy(this).applicationPort === 0) return this.notApplicable('policy.sms.applicationPort is 0: notifications are legacy text SMS');
  if (!this.profile.capabilities.sms.portAddressing) return this.notApplicable('the EVVM Server does not declare application port addressing');
  return undefined;
});

Given('the EVVM Server declares the MO command {string}', function (this: EvvmWorld, command: 'Activate' | 'Deactivate' | 'STATUS') {
  if (!this.profile.capabilities.sms.moCommands.includes(command)) return this.notApplicable(`the EVVM Server does not declare the MO command ${command}`);
  return undefined;
});

Given('the EVVM Client of {string} has activated the VVM service', async function (this: EvvmWorld, name: string) {
  const d = await device(this, name);
  await d.activate();
  await settled(this);
  const s = await d.state();
  this.check('ClientActivated', s.provisioned && s.reportedStatus === 'R', s.provisioned ? `the EVVM Client holds its account and ${s.voicemails.length} voicemail(s)` : `the EVVM Client is not provisioned (status ${s.reportedStatus ?? 'none'})`, { state: s });
  await mark(this, name);
});

// --- MO commands ---

When('the EVVM Client of {string} activates the VVM service', async function (this: EvvmWorld, name: string) {
  await (await mark(this, name)).activate();
  await settled(this);
});

When('the EVVM Client of {string} deactivates the VVM service', async function (this: EvvmWorld, name: string) {
  const d = await mark(this, name);
  const server = await (await this.topology.role('evvm-server-sms')).observations();
  sms(this).deactivation = { received: (await d.received()).length, serverNotifications: server.notifications.length };
  await d.deactivate();
  await settled(this);
});

When('the handset of {string} asks the EVVM Server for its STATUS', async function (this: EvvmWorld, name: string) {
  await (await mark(this, name)).requestStatus();
  await settled(this);
});

When('the handset of {string} sends {string} to the EVVM Server', async function (this: EvvmWorld, name: string, text: string) {
  const server = await this.topology.role('evvm-server-sms');
  await (await mark(this, name)).send(server.shortCode, text);
  await settled(this);
});

// --- the EVVM Server's notifications ---

When('a voicemail is deposited in the mailbox {string}', async function (this: EvvmWorld, mailbox: string) {
  await mark(this, mailbox);
  sms(this).deposit = await (await this.topology.role('evvm-server-sms')).depositVoicemail(this.account(mailbox));
  await settled(this);
});

When('the EVVM Server signals a {word} update to {string}', async function (this: EvvmWorld, kind: string, mailbox: string) {
  await mark(this, mailbox);
  const server = await this.topology.role('evvm-server-sms');
  const msisdn = this.account(mailbox).identifiers.MSISDN;
  if (kind === 'mailbox') await server.mailboxUpdated(msisdn);
  else if (kind === 'greetings') await server.greetingsUpdated(msisdn);
  else throw new Error(`no "${kind}" update in VVM (mailbox, greetings)`);
  await settled(this);
});

// --- spoofers ---

When('an SMS spoofer sends {string} a STATUS pointing at the rogue server from its own number', async function (this: EvvmWorld, mailbox: string) {
  await mark(this, mailbox);
  const text = (sms(this).sent = redirectingStatus(this, 'evvm-server.op.example', mailbox));
  sms(this).submit = await (await this.topology.role('sms-spoofer')).viaSmsc({ to: this.account(mailbox).identifiers.MSISDN, text, port: policy(this).applicationPort || undefined });
  await settled(this);
});

When("an SMS spoofer sends {string} a STATUS pointing at the rogue server claiming the EVVM Server's number", async function (this: EvvmWorld, mailbox: string) {
  await mark(this, mailbox);
  const text = (sms(this).sent = redirectingStatus(this, 'evvm-server.op.example', mailbox));
  sms(this).submit = await (await this.topology.role('sms-spoofer')).viaSmsc({ to: this.account(mailbox).identifiers.MSISDN, text, claimedOriginator: policy(this).shortCode, port: policy(this).applicationPort || undefined });
  await settled(this);
});

When("a fake base station sends {string} a STATUS pointing at the rogue server by the name {string} from the EVVM Server's number", async function (this: EvvmWorld, mailbox: string, name: string) {
  const d = await mark(this, mailbox);
  const text = redirectingStatus(this, name, mailbox);
  await (await this.topology.role('sms-spoofer')).overTheAir(d, { originator: policy(this).shortCode, text, ...(policy(this).applicationPort ? { port: policy(this).applicationPort } : {}) });
  await settled(this);
});

When('an SMS spoofer sends {string} a SYNC for a new voicemail from its own number', async function (this: EvvmWorld, mailbox: string) {
  await mark(this, mailbox);
  const text = (sms(this).sent = syncText(this));
  sms(this).submit = await (await this.topology.role('sms-spoofer')).viaSmsc({ to: this.account(mailbox).identifiers.MSISDN, text, port: policy(this).applicationPort || undefined });
  await settled(this);
});

When('the handset of {string} sends {string} a SYNC for a new voicemail', async function (this: EvvmWorld, sender: string, mailbox: string) {
  await mark(this, mailbox);
  const port = policy(this).applicationPort;
  sms(this).submit = await (await device(this, sender)).send(this.account(mailbox).identifiers.MSISDN, syncText(this), port ? { port } : {});
  await settled(this);
});

defineParameterType({
  name: 'smsBearer',
  regexp: /as a text SMS|as a data SMS to another port|as a data SMS with 8-bit port addressing/,
  transformer: (s: string) => s,
});

When("a fake base station sends {string} a SYNC for a new voicemail from the EVVM Server's number {smsBearer}", async function (this: EvvmWorld, mailbox: string, bearer: string) {
  const d = await mark(this, mailbox);
  const port = policy(this).applicationPort;
  const bearerOf: Record<string, { port?: number; portBits?: 8 | 16 }> = {
    'as a text SMS': {},
    'as a data SMS to another port': { port: port === 16999 ? port - 1 : port + 1 },
    'as a data SMS with 8-bit port addressing': { port: port & 0xff, portBits: 8 },
  };
  await (await this.topology.role('sms-spoofer')).overTheAir(d, { originator: policy(this).shortCode, text: syncText(this), ...bearerOf[bearer] });
  await settled(this);
});

When("a fake base station sends {string} the notification {string} from the EVVM Server's number", async function (this: EvvmWorld, mailbox: string, template: string) {
  const d = await mark(this, mailbox);
  const imap = (await this.topology.evvmServer()).endpoint('implicit-tls') ?? (await this.topology.evvmServer()).endpoint('starttls');
  const text = template
    .replace(/\{srv\}/g, imap?.servername ?? 'evvm-server.op.example')
    .replace(/\{ipt\}/g, String(imap?.port ?? 993))
    .replace(/\{msisdn\}/g, this.account(mailbox).identifiers.MSISDN)
    .replace(/^\/\/VVM:/, `${policy(this).clientPrefix}:`);
  const port = policy(this).applicationPort;
  await (await this.topology.role('sms-spoofer')).overTheAir(d, { originator: policy(this).shortCode, text, ...(port ? { port } : {}) });
  await settled(this);
});

// --- what the EVVM Client did ---

Then("the EVVM Client of {string} accepted a {word} from the EVVM Server's number", async function (this: EvvmWorld, name: string, event: string) {
  const d = await device(this, name);
  const got = (await d.notifications()).slice(since(this, name).notifications);
  const hit = got.find((n) => n.verdict === 'accepted' && n.event === event && n.originator.replace(/^\+/, '') === policy(this).shortCode);
  this.check('ClientAcceptedNotification', !!hit, hit ? `accepted ${event} from ${hit.originator}: ${hit.action ?? ''}` : `no ${event} from ${policy(this).shortCode} was accepted`, { notifications: got });
});

Then('the EVVM Client of {string} synchronised with the EVVM Server', async function (this: EvvmWorld, name: string) {
  const d = await device(this, name);
  const syncs = (await d.syncs()).slice(since(this, name).syncs);
  const ok = syncs.find((s) => s.serverAuthenticated && s.loggedIn && !s.error);
  this.check('ClientSynchronised', !!ok, ok ? `authenticated IMAP sync (${ok.trigger}): ${ok.voicemails} voicemail(s)` : 'no authenticated IMAP synchronisation followed', { syncs });
});

Then('the EVVM Client of {string} did not synchronise', async function (this: EvvmWorld, name: string) {
  const syncs = (await syncsOf(this, name)).slice(since(this, name).syncs);
  this.check('NoSynchronisation', syncs.length === 0, syncs.length ? `the SMS made the EVVM Client connect to ${syncs.map((s) => `${s.host}:${s.port}`).join(', ')}` : 'the EVVM Client made no IMAP connection', { syncs });
});

Then('the EVVM Client of {string} authenticated the EVVM Server before it logged in', async function (this: EvvmWorld, name: string) {
  const syncs = (await syncsOf(this, name)).slice(since(this, name).syncs);
  const last = syncs[syncs.length - 1];
  const ok = !!last && last.serverAuthenticated && last.loggedIn;
  this.check('ClientAuthenticatedServerFirst', ok, last ? `server authenticated: ${last.serverAuthenticated} (as ${last.servername}), logged in: ${last.loggedIn}${last.error ? `, ${last.error}` : ''}` : 'the EVVM Client made no IMAP connection', { syncs });
});

Then('the EVVM Client of {string} uses the EVVM Server', async function (this: EvvmWorld, name: string) {
  const s = await stateOf(this, name);
  const genuine = (await this.topology.evvmServer()).endpoint('implicit-tls') ?? (await this.topology.evvmServer()).endpoint('starttls');
  const ok = s.provisioned && s.server?.port === genuine?.port && s.server?.host === genuine?.servername;
  this.check('ClientKeepsEvvmServer', ok, s.server ? `the EVVM Client's account points at ${s.server.host}:${s.server.port}` : 'the EVVM Client has no account', { genuine: genuine ? `${genuine.servername}:${genuine.port}` : undefined });
});

Then('the EVVM Client of {string} did not log in to the rogue server', async function (this: EvvmWorld, name: string) {
  const port = this.adversary!.endpoint('implicit-tls').port;
  const toRogue = (await syncsOf(this, name)).slice(since(this, name).syncs).filter((s) => s.port === port);
  const loggedIn = toRogue.filter((s) => s.loggedIn);
  this.check('NoLoginAtRogue', loggedIn.length === 0, loggedIn.length ? `the EVVM Client logged in to the rogue server (as ${loggedIn[0]!.servername})` : toRogue.length ? `the EVVM Client refused the rogue server: ${toRogue.map((s) => s.error ?? 'not authenticated').join('; ')}` : 'the EVVM Client did not connect to the rogue server', { attempts: toRogue });
});

Then('the EVVM Client of {string} ignored the SMS because its originator is not allow-listed', async function (this: EvvmWorld, name: string) {
  const n = await lastNotification(await device(this, name), since(this, name).notifications);
  const ok = n?.verdict === 'dropped' && /originator/.test(n.reason ?? '');
  this.check('OriginatorNotAllowListed', ok, n ? `${n.verdict}${n.reason ? `: ${n.reason}` : ''}${n.action ? `; ${n.action}` : ''}` : 'the handset received no SMS', { notification: n });
});

Then('the EVVM Client of {string} ignored the SMS because it is not addressed to the VVM application port', async function (this: EvvmWorld, name: string) {
  const n = await lastNotification(await device(this, name), since(this, name).notifications);
  const ok = n?.verdict === 'dropped' && /port|text SMS|header/.test(n.reason ?? '');
  this.check('NotOnApplicationPort', ok, n ? `${n.verdict}${n.reason ? `: ${n.reason}` : ''}${n.action ? `; ${n.action}` : ''}` : 'the handset received no SMS', { notification: n });
});

Then('the EVVM Client of {string} rejected the SMS as malformed', async function (this: EvvmWorld, name: string) {
  const n = await lastNotification(await device(this, name), since(this, name).notifications);
  const ok = n?.verdict === 'malformed';
  this.check('MalformedNotificationRejected', ok, n ? `${n.verdict}${n.reason ? `: ${n.reason}` : ''}${n.action ? `; ${n.action}` : ''}` : 'the handset received no SMS', { notification: n });
});

Then('the state of the EVVM Client of {string} did not change', async function (this: EvvmWorld, name: string) {
  const before = since(this, name).state;
  const now = await stateOf(this, name);
  this.check('ClientStateUnchanged', sameVoicemails(before, now), sameVoicemails(before, now) ? 'account and voicemail list as before' : 'the SMS changed the EVVM Client state', { before, now });
});

Then('the voicemails of the EVVM Client of {string} equal the mailbox {string} on the EVVM Server', async function (this: EvvmWorld, name: string, mailbox: string) {
  const server = await (await this.topology.role('evvm-server-sms')).mailbox(this.account(mailbox).identifiers.MSISDN);
  const client = await stateOf(this, name);
  const key = (v: { uid: number; messageId?: string }): string => `${v.uid} ${v.messageId ?? '(no Message-ID)'}`;
  const want = server.map(key).sort();
  const got = client.voicemails.map((v) => key(v) + (v.placeholder ? ' (from the SMS only)' : '')).sort();
  const ok = JSON.stringify(want) === JSON.stringify(got) && client.newCount <= server.length;
  this.check('ClientEqualsImapState', ok, ok ? `${got.length} voicemail(s), as on the server` : `the EVVM Client shows ${got.length} voicemail(s) (${client.newCount} new), the server holds ${want.length}`, { server: want, client: got, newCount: client.newCount });
});

// --- what the handsets received ---

Then('the handset of {string} received the SYNC as a data SMS to the VVM application port', async function (this: EvvmWorld, name: string) {
  const got = (await receivedBy(this, name)).slice(since(this, name).received).filter((r) => r.text.startsWith(`${policy(this).clientPrefix}:SYNC:`));
  const ok = got.some((r) => r.port?.destination === policy(this).applicationPort && r.port.bits === 16 && r.originator === policy(this).shortCode);
  this.check('SyncOnApplicationPort', ok, got.length ? `SYNC received ${got.map((r) => (r.port ? `on port ${r.port.destination} (${r.port.bits}-bit)` : 'as a text SMS')).join(', ')} from ${got.map((r) => r.originator).join(', ')}` : 'no SYNC received', { port: policy(this).applicationPort });
});

Then('the handset of {string} received a SYNC for the new voicemail', async function (this: EvvmWorld, name: string) {
  const uid = sms(this).deposit?.uid;
  const got = (await receivedBy(this, name)).slice(since(this, name).received).map((r) => r.text).filter((t) => t.startsWith(`${policy(this).clientPrefix}:SYNC:`));
  const ok = got.some((t) => splitNotification(t)?.pairs.some(([k, v]) => k === 'id' && v === String(uid)));
  this.check('SyncForNewVoicemail', ok, ok ? `SYNC for UID ${uid} received` : `no SYNC for UID ${uid} received`, { received: got });
});

Then('the handset of {string} received no SYNC after the deactivation', async function (this: EvvmWorld, name: string) {
  const from = sms(this).deactivation?.received ?? 0;
  const got = (await receivedBy(this, name)).slice(from).map((r) => r.text).filter((t) => t.startsWith(`${policy(this).clientPrefix}:SYNC:`));
  this.check('NoSyncAfterDeactivate', got.length === 0, got.length ? `${got.length} SYNC received after Deactivate` : 'no SYNC received after Deactivate', { received: got });
});

Then('the EVVM Server submitted no SYNC for {string} after the deactivation', async function (this: EvvmWorld, mailbox: string) {
  const o = await (await this.topology.role('evvm-server-sms')).observations();
  const msisdn = this.account(mailbox).identifiers.MSISDN;
  const after = o.notifications.slice(sms(this).deactivation?.serverNotifications ?? 0).filter((n) => n.kind === 'SYNC' && n.to === msisdn);
  this.check('ServerSentNoSyncAfterDeactivate', after.length === 0, after.length ? `the EVVM Server submitted ${after.length} SYNC after Deactivate` : 'the EVVM Server submitted no SYNC after Deactivate', { submitted: after });
});

Then('the STATUS that the handset of {string} received reports the status {string}', async function (this: EvvmWorld, name: string, st: string) {
  const texts = (await statusTexts(this, await device(this, name))).slice(-1);
  const got = texts.length ? splitNotification(texts[0]!)?.pairs.find(([k]) => k === 'st')?.[1] : undefined;
  this.check('StatusReported', got === st, texts.length ? `STATUS st=${got ?? '(none)'}` : 'no STATUS received', { status: texts.map(redactVvmSecrets) });
});

Then('the STATUS that the handset of {string} received carries no credentials', async function (this: EvvmWorld, name: string) {
  const text = (await statusTexts(this, await device(this, name))).slice(-1)[0];
  const keys = text ? notificationKeys(text) : [];
  const leaked = CREDENTIAL_FIELDS.filter((k) => keys.includes(k));
  this.check('NoCredentialsInStatus', !!text && leaked.length === 0, !text ? 'no STATUS received' : leaked.length ? `the STATUS carries ${leaked.join(', ')}` : `the STATUS carries only ${keys.join(', ')}`, { status: text ? redactVvmSecrets(text) : undefined });
});

Then('the STATUS that the handset of {string} received carries the credentials of {string}', async function (this: EvvmWorld, name: string, mailbox: string) {
  const text = (await statusTexts(this, await device(this, name))).slice(-1)[0];
  const pairs = text ? (splitNotification(text)?.pairs ?? []) : [];
  const account = this.account(mailbox);
  const ok = pairs.some(([k, v]) => k === 'u' && v === account.identifiers.MSISDN) && pairs.some(([k, v]) => k === 'pw' && v === account.password);
  this.check('StatusCarriesOwnCredentials', ok, ok ? `the STATUS names the account ${account.identifiers.MSISDN} and its password` : 'the STATUS does not carry the account of the mailbox', { status: text ? redactVvmSecrets(text) : undefined });
});

Then('no password of any mailbox reached the handset of {string}', async function (this: EvvmWorld, name: string) {
  const texts = (await receivedBy(this, name)).map((r) => r.text);
  const owners = this.topology.accounts.filter((a) => texts.some((t) => t.includes(a.password))).map((a) => a.name);
  this.check('NoPasswordToOtherHandset', owners.length === 0, owners.length ? `the password of ${owners.join(', ')} reached this handset` : `${texts.length} SMS received, no mailbox password among them`, { received: texts.map(redactVvmSecrets) });
});

Then('the handset of {string} received nothing from the SMS spoofer', async function (this: EvvmWorld, name: string) {
  const text = sms(this).sent;
  const got = (await receivedBy(this, name)).slice(since(this, name).received).filter((r) => r.text === text);
  this.check('SpoofedSmsNotDelivered', got.length === 0, got.length ? `delivered with the originator ${got.map((r) => r.originator).join(', ')}` : 'the spoofed SMS was not delivered');
});

Then('the handset of {string} received nothing from the test ESME', async function (this: EvvmWorld, name: string) {
  const text = sms(this).sent;
  const got = (await receivedBy(this, name)).slice(since(this, name).received).filter((r) => r.text === text);
  this.check('NothingDeliveredWithoutBind', got.length === 0, got.length ? `the test ESME's SYNC was delivered with the originator ${got.map((r) => r.originator).join(', ')}` : "the test ESME's SYNC was not delivered");
});

// --- the EVVM Server's subscribers ---

Then('the EVVM Server reports {string} as not activated', async function (this: EvvmWorld, mailbox: string) {
  const s = await (await this.topology.role('evvm-server-sms')).subscriber(this.account(mailbox).identifiers.MSISDN);
  this.check('SubscriberDeactivated', !!s && !s.notifications && s.state !== 'R', s ? `status ${s.state}, notifications ${s.notifications ? 'on' : 'off'}` : 'no such subscriber', { subscriber: s });
});

Then('the EVVM Server notifies {string}', async function (this: EvvmWorld, mailbox: string) {
  const s = await (await this.topology.role('evvm-server-sms')).subscriber(this.account(mailbox).identifiers.MSISDN);
  this.check('SubscriberStillNotified', !!s && s.notifications && s.state === 'R', s ? `status ${s.state}, notifications ${s.notifications ? 'on' : 'off'}` : 'no such subscriber', { subscriber: s });
});

// --- the SMSC (EVVM-SMS-C01, C09) ---

Then('the SMSC refused the claimed originating address', async function (this: EvvmWorld) {
  const r = sms(this).submit;
  const smsc = await this.topology.role('smsc');
  const claims = (await smsc.observations()).submissions.filter((s) => s.claimedSource === policy(this).shortCode && s.systemId !== smsc.evvmServerSystemId);
  this.check('SmscSetsOriginator', r?.statusName === 'ESME_RINVSRCADR', `the spoofer's submit_sm claiming ${policy(this).shortCode} was answered ${r?.statusName ?? 'nothing'}`, { submissions: claims.map((s) => ({ systemId: s.systemId, claimed: s.claimedSource, source: s.source, status: s.status })) });
});

Then('the EVVM Server is bound to the SMSC as its own system_id, over TLS where the policy requires it', async function (this: EvvmWorld) {
  const smsc = await this.topology.role('smsc');
  const binds = (await smsc.observations()).binds.filter((b) => b.systemId === smsc.evvmServerSystemId && b.status === 'ESME_ROK');
  const tlsRequired = policy(this).smppTls;
  const ok = binds.length > 0 && (!tlsRequired || binds.every((b) => b.secure));
  this.check('ServerBindAuthenticated', ok, binds.length ? `bound as ${smsc.evvmServerSystemId} ${binds.map((b) => (b.secure ? 'over TLS' : 'over plain TCP')).join(', ')}${tlsRequired ? ' (policy: TLS)' : ''}` : 'the EVVM Server is not bound', { binds });
});

When('a test ESME binds as a transceiver with the EVVM Server\'s system_id and a wrong password', async function (this: EvvmWorld) {
  const smsc = await this.topology.role('smsc');
  const esme = (sms(this).testEsme = await smsc.openTestEsme());
  sms(this).bind = await esme.bind('transceiver', { systemId: smsc.evvmServerSystemId, password: 'wrong-pw' });
});

When('a test ESME binds as a transceiver with the system_id {string} and a wrong password', async function (this: EvvmWorld, systemId: string) {
  const esme = (sms(this).testEsme = await (await this.topology.role('smsc')).openTestEsme());
  sms(this).bind = await esme.bind('transceiver', { systemId, password: 'wrong-pw' });
});

Then('the bind is refused with {string}', function (this: EvvmWorld, status: string) {
  const b = sms(this).bind;
  this.check('BindRefused', b?.statusName === status, `bind_transceiver_resp ${b?.statusName ?? 'none'}`, { expected: status });
});

async function testSubmit(w: EvvmWorld, mailbox: string): Promise<void> {
  await mark(w, mailbox);
  const state = sms(w);
  state.testEsme ??= await (await w.topology.role('smsc')).openTestEsme();
  const port = policy(w).applicationPort;
  const text = (state.sent = syncText(w));
  state.submit = await state.testEsme.submit({
    sourceAddr: policy(w).shortCode,
    destAddr: w.account(mailbox).identifiers.MSISDN.replace(/[^0-9]/g, ''),
    ...(port ? { esmClass: 0x40, dataCoding: 0x04 } : {}),
    shortMessage: Buffer.concat([port ? Buffer.from([6, 5, 4, port >> 8, port & 0xff, 0, 0]) : Buffer.alloc(0), Buffer.from(text, 'latin1')]),
  });
  await settled(w);
}

When('a test ESME submits a SYNC to {string} without binding', async function (this: EvvmWorld, mailbox: string) {
  await testSubmit(this, mailbox);
});

When('the test ESME submits a SYNC to {string}', async function (this: EvvmWorld, mailbox: string) {
  await testSubmit(this, mailbox);
});

Then('the submit_sm is refused with {string}', function (this: EvvmWorld, status: string) {
  const r = sms(this).submit;
  this.check('SubmitRefused', r?.statusName === status, `submit_sm_resp ${r?.statusName ?? 'none'}`, { expected: status });
});
