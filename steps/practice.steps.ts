import { Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import * as allowList from '../harness/conditions/practice/allow-list';
import * as blacklist from '../harness/conditions/practice/blacklist';
import * as hostile from '../harness/conditions/practice/hostile-server';
import * as bind from '../harness/conditions/practice/smpp-bind';
import * as declared from '../harness/conditions/authentication/declared';
import { mailboxCredentials, serverRecords } from '../harness/roles/authentication';
import type { HostileCorpusRun } from '../harness/roles/practice';
import { SmsScenario } from '../harness/roles/sms-scenario';
import type { Transport } from '../harness/topology/roles';
import { HOSTILE_FAMILIES } from '../simulators/adversaries/hostile-imap-corpus';
import type { Retrieval } from '../simulators/evvm-client/evvm-client';
import type { BindOutcome } from '../simulators/protocol/smpp/esme';

// Steps of features/practice (PRAC-01..04): glue in the spec's words. The SMS roles (PRAC-01, PRAC-04) and
// the practice role (PRAC-02, PRAC-03, beside the EVVM Client) do the work; harness/conditions/practice judges.

const CORPUS_STEP_MS = 180_000;
const sms = (w: EvvmWorld): SmsScenario => clauseState(w, 'sms', () => new SmsScenario(w));
const practice = (w: EvvmWorld) => clauseState(w, 'practice', () => ({}) as { corpus?: HostileCorpusRun; retrieval?: Retrieval; bind?: BindOutcome; blacklisted?: string });
const operatorFilter = (w: EvvmWorld): allowList.OperatorFilter => ({ allowList: sms(w).policy.originatorAllowList, port: sms(w).policy.applicationPort });

// --- PRAC-01: the operator's originator allow-list and port ---

Then("the EVVM Client of {string} accepted it within the operator's allow-list and port", async function (this: EvvmWorld, name: string) {
  this.verify(allowList.acceptedWithinOperatorFilter, await sms(this).since(name), operatorFilter(this));
});

Then("the EVVM Client of {string} ignored it as outside the operator's allow-list and port", async function (this: EvvmWorld, name: string) {
  this.verify(allowList.ignoredOutsideOperatorFilter, await sms(this).since(name), operatorFilter(this));
});

// --- PRAC-02: a hostile IMAP server ---

// a thousand sessions take seconds on an idle machine, longer on a busy one: the step's own deadline allows for it
When('the EVVM Client meets a hostile IMAP server in {int} generated sessions of seed {int}', { timeout: CORPUS_STEP_MS }, async function (this: EvvmWorld, count: number, seed: number) {
  practice(this).corpus = await (await this.topology.role('practice')).hostileCorpus(seed, count);
});

Then('the EVVM Client failed closed in every session, without a crash or a hang and without partial state', function (this: EvvmWorld) {
  this.verify(hostile.hostileServerFailedClosed, practice(this).corpus!);
});

Then('the sessions covered every hostile behaviour', function (this: EvvmWorld) {
  this.verify(hostile.corpusCoversHostility, practice(this).corpus!, HOSTILE_FAMILIES);
});

Then('the EVVM Client retrieved the whole mailbox', function (this: EvvmWorld) {
  this.verify(hostile.wellBehavedServerRetrieved, this.retrieval!);
});

// --- PRAC-03: capability blacklisting ---

When(/^the EVVM Client of "([^"]*)" retrieves its voicemail over (implicit TLS|STARTTLS) with (no capability|STARTTLS|DIGEST-MD5) disabled by the operator's configuration$/, async function (this: EvvmWorld, mailbox: string, over: string, capability: string) {
  const transport: Transport = over === 'STARTTLS' ? 'starttls' : 'implicit-tls';
  return this.ifApplicable(declared.transportNotDeclared(this.profile, 'evvmServer', transport), async () => {
    const disabled = capability === 'no capability' ? [] : [capability];
    if (disabled.length) practice(this).blacklisted = capability;
    practice(this).retrieval = await (await this.topology.role('practice')).retrieveWithBlacklist(transport, mailboxCredentials(this.account(mailbox)), disabled);
  });
});

Then('the EVVM Client reported no downgrade and authenticated the EVVM Server', function (this: EvvmWorld) {
  this.verify(blacklist.noDowngradeWithoutBlacklist, practice(this).retrieval!);
});

Then('the EVVM Client reported the disabled capability as a downgrade', function (this: EvvmWorld) {
  this.verify(blacklist.blacklistReportedAsDowngrade, practice(this).retrieval!, practice(this).blacklisted!);
});

Then('no credential of {string} reached the EVVM Server without TLS', async function (this: EvvmWorld, mailbox: string) {
  const records = await serverRecords(await this.topology.role('evvm-server'));
  if (!records) return this.notApplicable("the EVVM Server under test shows no record of what reached it: the client's report decides");
  this.verify(blacklist.noCredentialsInClear, records, this.account(mailbox).password);
  return undefined;
});

// --- PRAC-04: SMPP bind field sizes ---

When(/^the test ESME binds with its own system_id and password(?:, (?:the (system_id|password)) (one octet|a hundred octets) too long)?$/, async function (this: EvvmWorld, field?: string, excess?: string) {
  const smsc = await this.topology.role('smsc');
  if (smsc.withoutBindFieldLimits) return this.notApplicable(smsc.withoutBindFieldLimits);
  const own = smsc.testEsmeAccount;
  const more = 'x'.repeat(excess === 'a hundred octets' ? 100 : 1);
  const credentials = { systemId: own.systemId + (field === 'system_id' ? more : ''), password: own.password + (field === 'password' ? more : '') };
  practice(this).bind = await (await smsc.openTestEsme()).bindAs(credentials);
  return undefined;
});

Then('the SMSC bound the test ESME', async function (this: EvvmWorld) {
  const own = (await this.topology.role('smsc')).testEsmeAccount;
  this.verify(bind.bindAtFieldLimitsAccepted, practice(this).bind, { systemId: own.systemId.length, password: own.password.length });
});

Then('the SMSC refused the bind with {string} and bound nobody as the test ESME', async function (this: EvvmWorld, status: string) {
  const smsc = await this.topology.role('smsc');
  this.verify(bind.overlongBindFieldRefused, practice(this).bind, status, await smsc.observations(), smsc.testEsmeAccount.systemId);
});
