import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import * as client from '../harness/conditions/sms/client';
import * as handset from '../harness/conditions/sms/handset';
import * as network from '../harness/conditions/sms/network';
import { MALFORMED, OTHER_BEARERS, underPrefix } from '../harness/equipment/forged-notifications';
import { SmsScenario, type Bearer } from '../harness/roles/sms-scenario';

// Steps of features/sms-notification (EVVM-SMS-C01..C09, candidates): glue in the spec's words. The
// scenario's SMS roles do the work (harness/roles/sms-scenario.ts); the conditions judge.

const sms = (w: EvvmWorld): SmsScenario => clauseState(w, 'sms', () => new SmsScenario(w));
const unless = (w: EvvmWorld, reason: string | undefined) => (reason === undefined ? undefined : w.notApplicable(reason));

const phrases = <T>(name: string, table: Readonly<Record<string, T>>) =>
  defineParameterType({ name, regexp: new RegExp(Object.keys(table).join('|')), transformer: (s: string) => table[s]! });
phrases('smsBearer', OTHER_BEARERS);
phrases('malformation', Object.fromEntries(Object.keys(MALFORMED).map((defect) => [defect, defect])));
phrases('vvmUpdate', { mailbox: 'mailbox', greetings: 'greetings' } as const);
phrases('moCommand', { 'activates the VVM service': 'Activate', 'deactivates the VVM service': 'Deactivate' } as const);
phrases<client.DeviceOutcome>('clientOutcome', {
  'synchronised with the EVVM Server': client.clientSynchronised,
  'did not synchronise': client.noSynchronisation,
  'authenticated the EVVM Server before it logged in': client.clientAuthenticatedServerFirst,
  'ignored the SMS because its originator is not allow-listed': client.originatorNotAllowListed,
  'ignored the SMS because it is not addressed to the VVM application port': client.notOnApplicationPort,
  'rejected the SMS as malformed': client.malformedNotificationRejected,
});

Given(/^the SMSC serves the EVVM Server and the handsets? of "([^"]*)"(?: and "([^"]*)")?$/, async function (this: EvvmWorld, a: string, b?: string) {
  await sms(this).serve(b ? [a, b] : [a]);
});

Given(/^a handset "([^"]*)" whose number has no mailbox(?: but ends in the same seven digits as the MSISDN of "([^"]*)")?$/, async function (this: EvvmWorld, name: string, owner?: string) {
  await sms(this).stranger(name, owner ?? undefined);
});

Given("the service provider's policy requires notifications on an application port", function (this: EvvmWorld) {
  return unless(this, sms(this).withoutApplicationPort());
});

Given('the EVVM Server declares the MO command {string}', function (this: EvvmWorld, command: 'Activate' | 'Deactivate' | 'STATUS') {
  return unless(this, sms(this).withoutMoCommand(command));
});

Given(/^the EVVM Client of "([^"]*)" has (activated|deactivated) the VVM service$/, async function (this: EvvmWorld, name: string, done: string) {
  if (done === 'activated') this.verify(client.clientActivated, await sms(this).activate(name));
  else this.verify(network.subscriberDeactivated, await sms(this).deactivate(name));
});

When('the EVVM Client of {string} {moCommand}', async function (this: EvvmWorld, name: string, command: 'Activate' | 'Deactivate') {
  await sms(this).mo(name, command);
});

When('the handset of {string} asks the EVVM Server for its STATUS', async function (this: EvvmWorld, name: string) {
  await sms(this).mo(name, 'STATUS');
});

When('the handset of {string} sends {string} to the EVVM Server', async function (this: EvvmWorld, name: string, text: string) {
  await sms(this).act(name, (d) => d.send(sms(this).policy.shortCode, text));
});

When('a voicemail is deposited in the mailbox {string}', async function (this: EvvmWorld, mailbox: string) {
  await sms(this).depositVoicemail(mailbox);
});

When('the EVVM Server signals a {vvmUpdate} update to {string}', async function (this: EvvmWorld, kind: 'mailbox' | 'greetings', mailbox: string) {
  await sms(this).signalUpdate(kind, mailbox);
});

When(/^an SMS spoofer sends "([^"]*)" a (STATUS pointing at the rogue server|SYNC for a new voicemail) (from its own number|claiming the EVVM Server's number)$/, async function (this: EvvmWorld, mailbox: string, what: string, from: string) {
  const text = what === 'SYNC for a new voicemail' ? sms(this).forgedSync() : await sms(this).redirectingStatus(mailbox);
  await sms(this).spoof(mailbox, text, from !== 'from its own number');
});

When('the handset of {string} sends {string} a SYNC for a new voicemail', async function (this: EvvmWorld, sender: string, mailbox: string) {
  await sms(this).fromHandset(sender, mailbox, sms(this).forgedSync());
});

When("a fake base station sends {string} a STATUS pointing at the rogue server by the name {string} from the EVVM Server's number", async function (this: EvvmWorld, mailbox: string, name: string) {
  await sms(this).onAir(mailbox, await sms(this).redirectingStatus(mailbox, name));
});

When("a fake base station sends {string} a SYNC for a new voicemail from the EVVM Server's number {smsBearer}", async function (this: EvvmWorld, mailbox: string, bearer: (port: number) => Bearer) {
  await sms(this).onAir(mailbox, sms(this).forgedSync(), bearer(sms(this).policy.applicationPort));
});

When("a fake base station sends {string} the notification {string} from the EVVM Server's number", async function (this: EvvmWorld, mailbox: string, text: string) {
  await sms(this).onAir(mailbox, underPrefix(text, sms(this).policy.clientPrefix));
});

When("a fake base station sends {string} a notification with {malformation} from the EVVM Server's number", async function (this: EvvmWorld, mailbox: string, defect: string) {
  await sms(this).onAir(mailbox, await sms(this).malformed(defect, mailbox));
});

When(/^a test ESME binds as a transceiver with (?:the EVVM Server's system_id|the system_id "([^"]*)") and a wrong password$/, async function (this: EvvmWorld, systemId?: string) {
  await sms(this).bindTestEsme(systemId ?? undefined);
});

When(/^(?:a|the) test ESME submits a SYNC to "([^"]*)"(?: without binding)?$/, async function (this: EvvmWorld, mailbox: string) {
  await sms(this).submitFromTestEsme(mailbox);
});

Then('the EVVM Client of {string} {clientOutcome}', async function (this: EvvmWorld, name: string, outcome: client.DeviceOutcome) {
  this.verify(outcome, await sms(this).since(name));
});

Then('the state of the EVVM Client of {string} did not change', async function (this: EvvmWorld, name: string) {
  this.verify(client.clientStateUnchanged, await sms(this).since(name));
});

Then("the EVVM Client of {string} accepted a {word} from the EVVM Server's number", async function (this: EvvmWorld, name: string, event: string) {
  this.verify(client.clientAcceptedNotification, await sms(this).since(name), event, sms(this).policy.shortCode);
});

Then('the EVVM Client of {string} uses the EVVM Server', async function (this: EvvmWorld, name: string) {
  this.verify(client.clientKeepsEvvmServer, (await sms(this).observed(name)).state, await sms(this).genuineImap());
});

Then('the EVVM Client of {string} did not log in to the rogue server', async function (this: EvvmWorld, name: string) {
  this.verify(client.noLoginAtRogue, await sms(this).since(name), sms(this).roguePort());
});

Then('the voicemails of the EVVM Client of {string} equal the mailbox {string} on the EVVM Server', async function (this: EvvmWorld, name: string, mailbox: string) {
  this.verify(client.clientEqualsImapState, (await sms(this).observed(name)).state, await sms(this).serverMailbox(mailbox));
});

Then('the handset of {string} received the SYNC as a data SMS to the VVM application port', async function (this: EvvmWorld, name: string) {
  this.verify(handset.syncOnApplicationPort, await sms(this).since(name), sms(this).policy);
});

Then('the handset of {string} received a SYNC for the new voicemail', async function (this: EvvmWorld, name: string) {
  this.verify(handset.syncForNewVoicemail, await sms(this).since(name), sms(this).policy.clientPrefix, sms(this).deposit?.uid);
});

Then('the handset of {string} received no SYNC after the deactivation', async function (this: EvvmWorld, name: string) {
  this.verify(handset.noSyncAfterDeactivate, await sms(this).sinceDeactivation(name), sms(this).policy.clientPrefix);
});

Then('the STATUS that the handset of {string} received reports the status {string}', async function (this: EvvmWorld, name: string, st: string) {
  this.verify(handset.statusReported, (await sms(this).observed(name)).received, sms(this).policy.clientPrefix, st);
});

Then(/^the STATUS that the handset of "([^"]*)" received carries (?:no credentials|the credentials of "([^"]*)")$/, async function (this: EvvmWorld, name: string, owner?: string) {
  const { received } = await sms(this).observed(name);
  if (owner) this.verify(handset.statusCarriesOwnCredentials, received, sms(this).policy.clientPrefix, this.account(owner));
  else this.verify(handset.noCredentialsInStatus, received, sms(this).policy.clientPrefix);
});

Then('no password of any mailbox reached the handset of {string}', async function (this: EvvmWorld, name: string) {
  this.verify(handset.noPasswordToOtherHandset, (await sms(this).observed(name)).received, this.topology.accounts);
});

Then(/^the handset of "([^"]*)" received nothing from the (SMS spoofer|test ESME)$/, async function (this: EvvmWorld, name: string, forger: string) {
  this.verify(forger === 'SMS spoofer' ? handset.spoofedSmsNotDelivered : handset.nothingDeliveredWithoutBind, await sms(this).since(name), sms(this).sent);
});

Then('the EVVM Server submitted no SYNC for {string} after the deactivation', async function (this: EvvmWorld, mailbox: string) {
  this.verify(network.serverSentNoSyncAfterDeactivate, await sms(this).serverSinceDeactivation(), sms(this).msisdn(mailbox));
});

Then(/^the EVVM Server (?:reports "([^"]*)" as not activated|notifies "([^"]*)")$/, async function (this: EvvmWorld, deactivated?: string, notified?: string) {
  const subscriber = await sms(this).subscriber((deactivated ?? notified)!);
  this.verify(deactivated ? network.subscriberDeactivated : network.subscriberStillNotified, subscriber);
});

Then('the SMSC refused the claimed originating address', async function (this: EvvmWorld) {
  this.verify(network.smscSetsOriginator, await sms(this).smscRecord(), sms(this).submit, sms(this).policy.shortCode);
});

Then('the EVVM Server is bound to the SMSC as its own system_id, over TLS where the policy requires it', async function (this: EvvmWorld) {
  this.verify(network.serverBindAuthenticated, await sms(this).smscRecord(), sms(this).policy.smppTls);
});

Then(/^the (bind|submit_sm) is refused with "([^"]*)"$/, function (this: EvvmWorld, what: string, status: string) {
  if (what === 'bind') this.verify(network.bindRefused, sms(this).bind, status);
  else this.verify(network.submitRefused, sms(this).submit, status);
});
