import { Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { IdentifierKind } from '../harness/topology/accounts';
import { randomPin, VvmTestClient } from '../harness/equipment/vvm-test-client';
import type { Answer } from '../harness/conditions/vvm/imap';
import * as imap from '../harness/conditions/vvm/imap';
import * as sms from '../harness/conditions/vvm/sms';
import { evvmClientNotUnderTest, starttlsNotDeclared, xchangeTuiPwdNotDeclared } from '../harness/conditions/vvm/declared';
import * as starttls from '../harness/conditions/vvm/starttls';
import { mailboxCredentials, serverRecords, syncWithEvvmServer } from '../harness/roles/authentication';
import { clientCommands, noStatusOnGreetings, onlyAllowedFlagsSet, type ClientCommands } from '../harness/conditions/vvm/client-commands';
import * as digest from '../harness/conditions/vvm/digest';
import { tlsTransport } from '../harness/conditions/authentication/declared';
import type { ClientAccount } from '../simulators/evvm-client/evvm-client';
import { HarnessError } from '../harness/engine/outcomes';
import { noPasswordMethod } from '../harness/conditions/authentication/declared';
import { SmsScenario } from '../harness/roles/sms-scenario';
import { missing } from '../harness/topology/external';

// Steps of features/vvm (VVM-01..08): glue in the spec's words. The test client (harness/equipment/vvm-test-client)
// and the SMS roles (harness/roles/sms-scenario) act; the conditions (harness/conditions/vvm) judge.

interface VvmState {
  client: VvmTestClient;
  answer?: Answer;
  /** the capability lists before and inside TLS (VVM-03) */
  capabilities?: { before: string[]; inside: string[] };
  /** the TUI PIN a scenario set, to change it back */
  newPin?: string;
  /** what the EVVM Server received from the EVVM Client while it synced its box (VVM-05, VVM-06) */
  sent?: ClientCommands;
}

const vvm = (w: EvvmWorld): VvmState =>
  clauseState(w, 'vvm', () => ({
    client: w.closing(new VvmTestClient(() => w.topology.role('evvm-server'), w.profile, w.transcript, (failed) => w.verify(imap.vvmTlsUp, failed))),
  }));
/** the same scenario state the SMS clause's steps use (steps/sms.steps.ts) */
const smsOf = (w: EvvmWorld): SmsScenario => clauseState(w, 'sms', () => new SmsScenario(w));
const pinOf = (w: EvvmWorld, mailbox: string): string => w.account(mailbox).tuiPin ?? missing(`TUI PIN of the test account "${mailbox}" (iut.accounts[].tuiPin)`);
const pwLen = (w: EvvmWorld) => w.profile.capabilities.evvmServer.xchangeTuiPwd!;

const login = (w: EvvmWorld, identifier: string, password: string) =>
  w.ifApplicable(noPasswordMethod(w.profile), async () => {
    await vvm(w).client.login(identifier, password);
  });
const lastLogin = (w: EvvmWorld) => vvm(w).client.session.login ?? { status: 'none', text: 'no login was attempted' };

// --- VVM-01: refusal texts ---
Given('the mailbox {string} is provisioned as blocked', function (this: EvvmWorld, mailbox: string) {
  this.verify(imap.blockedAccount, mailbox, this.account(mailbox).blocked);
});
When('a VVM test client logs in as the {identifierKind} of {string} with the password of {string}', function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  return login(this, this.identifier(kind, mailbox), this.account(owner).password);
});
When('a VVM test client logs in as the {identifierKind} of {string} with a wrong password', function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  return login(this, this.identifier(kind, mailbox), `${this.account(mailbox).password}x`);
});
When('a VVM test client logs in as the unassociated identifier {string} with the password of {string}', function (this: EvvmWorld, identifier: string, owner: string) {
  return login(this, identifier, this.account(owner).password);
});
Then('the login is accepted', function (this: EvvmWorld) { this.verify(imap.loginAccepted, lastLogin(this)); });
Then('the login is refused with the VVM text {string}', function (this: EvvmWorld, text: string) { this.verify(imap.vvmRefusalText, lastLogin(this), text); });

// --- the session the VVM commands run in (VVM-04..06) ---
Given('a VVM test client has logged in as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  if ((await login(this, this.identifier(kind, mailbox), this.account(owner).password)) === 'skipped') return 'skipped';
  this.verify(imap.vvmSessionOpen, lastLogin(this));
  return undefined;
});

// --- VVM-02: LOGIN or DIGEST-MD5, rspauth verified ---
const digestAccount = (w: EvvmWorld, mailbox: string): ClientAccount => ({ ...mailboxCredentials(w.account(mailbox)), saslMechanism: 'DIGEST-MD5' });
const digestLogin = async (w: EvvmWorld, identifier: string, password: string) => {
  await vvm(w).client.session.openTls();
  await vvm(w).client.session.authenticate('DIGEST-MD5', { authcid: identifier, password });
};
Given('the EVVM Server declares the legacy SASL mechanism DIGEST-MD5', function (this: EvvmWorld) {
  const declared = this.profile.capabilities.evvmServer.sasl.includes('DIGEST-MD5');
  if (declared) this.note('DIGEST-MD5 is historic (RFC 6331): tested because the EVVM Server declares it, and reported as legacy');
  return this.ifApplicable(declared ? undefined : 'DIGEST-MD5 is legacy (RFC 6331) and the EVVM Server does not declare it (capabilities.evvmServer.sasl): its absence is no failure');
});
When('a VVM test client authenticates with DIGEST-MD5 as the {identifierKind} of {string} with the password of {string}', function (this: EvvmWorld, kind: IdentifierKind, mailbox: string, owner: string) {
  return digestLogin(this, this.identifier(kind, mailbox), this.account(owner).password);
});
When('a VVM test client authenticates with DIGEST-MD5 as the {identifierKind} of {string} with a wrong password', function (this: EvvmWorld, kind: IdentifierKind, mailbox: string) {
  return digestLogin(this, this.identifier(kind, mailbox), `${this.account(mailbox).password}x`);
});
Then('the EVVM Server proved the password with rspauth and the session is authenticated', function (this: EvvmWorld) { this.verify(digest.digestSessionProven, lastLogin(this)); });
Then('DIGEST-MD5 refuses it', function (this: EvvmWorld) { this.verify(digest.digestRefused, lastLogin(this)); });
Given("an impostor IMAP server holds the EVVM Server's certificate but not the passwords", async function (this: EvvmWorld) {
  this.adversary = await (await this.topology.role('imap-adversaries')).unprovenDigestServer();
});
When('the EVVM Client configured for DIGEST-MD5 retrieves the voicemail of {string} from the EVVM Server', async function (this: EvvmWorld, mailbox: string) {
  const transport = tlsTransport(this.profile);
  const endpoint = (await this.topology.role('evvm-server')).endpoint(transport)!;
  this.retrieval = await (await this.topology.role('evvm-client')).retrieveVoicemail({ ...endpoint, transport }, digestAccount(this, mailbox));
});
When('the EVVM Client configured for DIGEST-MD5 retrieves the voicemail of {string} from the impostor', async function (this: EvvmWorld, mailbox: string) {
  this.retrieval = await (await this.topology.role('evvm-client')).retrieveVoicemail({ ...this.adversary!.endpoint('implicit-tls'), transport: 'implicit-tls' }, digestAccount(this, mailbox));
});
Then('the EVVM Client read the voicemail of {string} by DIGEST-MD5', function (this: EvvmWorld, mailbox: string) {
  this.verify(digest.clientReadByDigest, this.retrieval!, this.account(mailbox).voicemail.messageId);
});
Then('the EVVM Client ended the session at the wrong rspauth', async function (this: EvvmWorld) {
  this.verify(digest.sessionEndedOnBadRspauth, this.retrieval!, await this.adversary!.clientBytes());
});

// --- VVM-03: STARTTLS and the capabilities asked again ---
Given('the EVVM Server declares STARTTLS', function (this: EvvmWorld) { return this.ifApplicable(starttlsNotDeclared(this.profile)); });
Given('the EVVM Client is the one under test', function (this: EvvmWorld) { return this.ifApplicable(evvmClientNotUnderTest(this.profile)); });
When('a VVM test client upgrades a connection to the EVVM Server with STARTTLS and asks for the capabilities again', async function (this: EvvmWorld) {
  vvm(this).capabilities = await vvm(this).client.capabilitiesAcrossStarttls();
});
Then('the capabilities inside TLS offer a way to authenticate', function (this: EvvmWorld) {
  this.verify(starttls.authenticationOfferedInsideTls, vvm(this).capabilities!.inside);
});
Then("the capabilities inside TLS are not the clear channel's", function (this: EvvmWorld) {
  const { before, inside } = vvm(this).capabilities!;
  this.verify(starttls.clearListNotCarriedIntoTls, before, inside, this.profile.capabilities.evvmServer.loginCommand);
});
Then('the EVVM Client asked for the capabilities again inside TLS before it authenticated', async function (this: EvvmWorld) {
  const seen = await serverRecords(await this.topology.role('evvm-server'));
  if (!seen) throw new HarnessError("the EVVM Server's records are needed and the scenario should not have run against an implementation under test");
  this.verify(starttls.capabilityAskedAgainInsideTls, seen.connections);
});
Then('the EVVM Client logged in inside TLS although the clear channel disabled LOGIN', function (this: EvvmWorld) {
  this.verify(starttls.loggedInDespiteClearList, this.retrieval!);
});

// --- VVM-04: XCHANGE_TUI_PWD ---
Given('the EVVM Server declares XCHANGE_TUI_PWD with a pw_len range', function (this: EvvmWorld) {
  return this.ifApplicable(xchangeTuiPwdNotDeclared(this.profile));
});
const change = async (w: EvvmWorld, newPin: string, oldPin: string) => {
  vvm(w).answer = await vvm(w).client.changeTuiPassword(newPin, oldPin);
};
When('it changes the TUI password of {string} to a new one of the maximum length', async function (this: EvvmWorld, mailbox: string) {
  vvm(this).newPin = randomPin(pwLen(this).max);
  await change(this, vvm(this).newPin!, pinOf(this, mailbox));
});
When(/^it changes the TUI password of "([^"]*)" to a new one (one digit shorter than|one digit longer than) the pw_len range$/, async function (this: EvvmWorld, mailbox: string, outside: string) {
  const { min, max } = pwLen(this);
  await change(this, randomPin(outside.includes('shorter') ? min - 1 : max + 1), pinOf(this, mailbox));
});
When('it changes the TUI password of {string} giving a wrong old one', async function (this: EvvmWorld, mailbox: string) {
  const own = pinOf(this, mailbox);
  // the own PIN with its first digit changed: same length, not the PIN
  await change(this, randomPin(pwLen(this).max), `${(Number(own[0]) + 1) % 10}${own.slice(1)}`);
});
When('it changes the TUI password of {string} to one with a letter in it', async function (this: EvvmWorld, mailbox: string) {
  await change(this, `${randomPin(pwLen(this).max - 1)}a`, pinOf(this, mailbox));
});
When('a VVM test client that has not logged in changes the TUI password of {string}', async function (this: EvvmWorld, mailbox: string) {
  await vvm(this).client.openWithoutLogin();
  await change(this, randomPin(pwLen(this).max), pinOf(this, mailbox));
});
Then(/^the change is answered (OK|NO) "([^"]*)"$/, function (this: EvvmWorld, status: 'OK' | 'NO', text: string) {
  this.verify(imap.vvmAnswer, vvm(this).answer!, status, text);
});
Then('the change is refused', function (this: EvvmWorld) { this.verify(imap.commandRefused, vvm(this).answer!); });
Then('the old TUI password of {string} no longer changes it', async function (this: EvvmWorld, mailbox: string) {
  const own = pinOf(this, mailbox);
  this.verify(imap.tuiPasswordReplaced, await vvm(this).client.changeTuiPassword(own, own));
});
Then('the TUI password of {string} can be changed back to the old one', async function (this: EvvmWorld, mailbox: string) {
  this.verify(imap.vvmAnswer, await vvm(this).client.changeTuiPassword(pinOf(this, mailbox), vvm(this).newPin!), 'OK', 'password changed successfully');
});
Then('the TUI password of {string} is unchanged', async function (this: EvvmWorld, mailbox: string) {
  const own = pinOf(this, mailbox);
  this.verify(imap.tuiPasswordUnchanged, await vvm(this).client.changeTuiPassword(own, own));
});

// --- VVM-05: restricted flags ---
When('it sets the flag {string} on the voicemail of {string}', async function (this: EvvmWorld, flag: string, _mailbox: string) {
  vvm(this).answer = await vvm(this).client.setFlag(flag);
});
Then('the flag is stored', function (this: EvvmWorld) { this.verify(imap.vvmAnswer, vvm(this).answer!, 'OK', vvm(this).answer!.text); });
Then('the flag is refused with {string}', function (this: EvvmWorld, text: string) { this.verify(imap.vvmAnswer, vvm(this).answer!, 'NO', text); });
Then('the voicemail carries the flag {string}', async function (this: EvvmWorld, flag: string) { this.verify(imap.flagSet, await vvm(this).client.flags(), flag); });
Then('the voicemail does not carry the flag {string}', async function (this: EvvmWorld, flag: string) { this.verify(imap.flagNotSet, await vvm(this).client.flags(), flag); });

// --- VVM-06: STATUS on Greetings ---
When('it asks for the STATUS of the folder {string}', async function (this: EvvmWorld, folder: string) {
  vvm(this).answer = await vvm(this).client.statusOf(folder);
});
Then('the STATUS is answered', function (this: EvvmWorld) { this.verify(imap.vvmAnswer, vvm(this).answer!, 'OK', vvm(this).answer!.text); });
Then('the STATUS is refused with {string}', function (this: EvvmWorld, text: string) { this.verify(imap.vvmAnswer, vvm(this).answer!, 'NO', text); });

// --- VVM-05/06 on the EVVM Client: what its normal use of the box sent the EVVM Server ---
When('the EVVM Client syncs the voicemail box of {string} with the EVVM Server', async function (this: EvvmWorld, mailbox: string) {
  vvm(this).sent = await clientCommands(await syncWithEvvmServer(this.topology, tlsTransport(this.profile), mailboxCredentials(this.account(mailbox))));
});
// one scenario each: a client's conformant use and the violation's absence are the same judgement of the same commands
// (the requirement's positive scenarios are the EVVM Server's answers above)
Then(/^the EVVM Client set no flag but \\Seen, \\Deleted and \$CNS-Greeting-On$/, function (this: EvvmWorld) {
  this.verify(onlyAllowedFlagsSet, vvm(this).sent!);
});
Then('the EVVM Client asked for no STATUS of the Greetings folder', function (this: EvvmWorld) {
  this.verify(noStatusOnGreetings, vvm(this).sent!);
});

// --- VVM-07: the case-sensitive MO STATUS ---
Then(/^the handset of "([^"]*)" received (a|no) STATUS in reply$/, async function (this: EvvmWorld, name: string, which: string) {
  this.verify(which === 'a' ? sms.statusAnswered : sms.noStatusAnswered, await smsOf(this).since(name), smsOf(this).policy.clientPrefix);
});
Then('the EVVM Server did not take {string} for a command', async function (this: EvvmWorld, text: string) {
  this.verify(sms.moNotACommand, await (await this.topology.role('evvm-server-sms')).observations(), text);
});

// --- VVM-08: Activate ---
Given('the VVM service of {string} is deactivated', async function (this: EvvmWorld, name: string) {
  await smsOf(this).mo(name, 'Deactivate');
});
Given('the VVM service of {string} is activated again', async function (this: EvvmWorld, name: string) {
  await smsOf(this).activate(name);
});
Then('the STATUS in reply to Activate reports the handset of {string} new or ready', async function (this: EvvmWorld, name: string) {
  this.verify(sms.activatedStatus, await smsOf(this).since(name), smsOf(this).policy.clientPrefix);
});
Then('the handset of {string} is notified of the new voicemail', async function (this: EvvmWorld, name: string) {
  this.verify(sms.notifiedAfterActivate, await smsOf(this).since(name), smsOf(this).policy.clientPrefix, smsOf(this).deposit?.uid);
});
Then('the handset of {string} received the failure reply of Activate, without credentials', async function (this: EvvmWorld, name: string) {
  this.verify(sms.activateFailureReply, await smsOf(this).since(name), smsOf(this).policy.clientPrefix);
});
