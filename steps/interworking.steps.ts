import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { IdentifierKind } from '../harness/topology/accounts';
import type { CertificateFlaw } from '../simulators/crypto/pki/types';
import type { SmtpAuthMechanism } from '../simulators/protocol/smtp/client';
import type { LinkName, Party, PeerCertificate } from '../harness/roles/interworking';
import { InterworkingScenario, mutualAuthNotRequired } from '../harness/roles/interworking-scenario';
import { auth, delivery, signatures, smtpAuth } from '../harness/conditions/interworking';
import { SEND_STEP_TIMEOUT_MS } from '../harness/profile/sections/iut/smtp-peer';

// Steps of features/interworking and EVVM-AUTH-06..08: glue in the spec's words; InterworkingScenario drives the roles and the SMTP test sender.

const PARTIES: Record<string, Party> = { 'Forwarding Gateway': 'forwardingGateway', 'Non-OMA VM Service': 'nonOmaVm', 'peer EVVM Server': 'interServer', 'EVVM Server': 'evvmServer' };
defineParameterType({ name: 'party', regexp: new RegExp(Object.keys(PARTIES).join('|')), transformer: (s: string): Party => PARTIES[s]! });

// The client-certificate vocabulary: what a sender presents (the server-certificate flaws are {serverFlaw}, support/parameters.ts).
const PEER_CERTS: Record<string, PeerCertificate> = { missing: 'missing', 'issued by an untrusted CA': 'untrusted-ca', expired: 'expired', revoked: 'revoked', 'issued for another host': 'wrong-host' };
defineParameterType({ name: 'peerCertificate', regexp: new RegExp(Object.keys(PEER_CERTS).join('|')), transformer: (s: string) => PEER_CERTS[s]! });

// a Non-OMA VM Service or peer EVVM Server under test sends by its send trigger, which may take minutes
const IUT_SENDS = { timeout: SEND_STEP_TIMEOUT_MS };

const iw = (w: EvvmWorld): InterworkingScenario => clauseState(w, 'interworking', () => new InterworkingScenario(w.topology));

// --- the service provider's policy, the roles in service, adversaries ---

Given(/^the service provider's policy requires mutual authentication (?:with the (Forwarding Gateway|Non-OMA VM Service)|between EVVM Servers)$/, function (this: EvvmWorld, party?: string) {
  const why = mutualAuthNotRequired(this.profile, party ? (PARTIES[party] as LinkName) : 'interServer');
  return why ? this.notApplicable(why) : undefined;
});
Given('the {party} is in service', function (this: EvvmWorld, party: Party) {
  return iw(this).inService(party);
});
Given('the peer EVVM Server re-encodes the voicemail it relays', async function (this: EvvmWorld) {
  (await this.topology.role('evvm-server-peer')).reEncodeRelays(true);
});
Given('an impostor {party} presents a certificate that is {serverFlaw}', function (this: EvvmWorld, party: Party, flaw: CertificateFlaw) {
  return iw(this).placeImpostor(party, flaw);
});
Given('a peer EVVM Server that does not offer STARTTLS stands where the peer should be', function (this: EvvmWorld) {
  return iw(this).placeImpostor('interServer', 'no-starttls');
});
Given('{string} forwards her voicemail to {string}', function (this: EvvmWorld, mailbox: string, to: string) {
  return iw(this).setForwarding(mailbox, to);
});

// --- deposits, relays and senders ---

When(/^a caller leaves a voicemail for "([^"]*)"(, signed by the EVVM Server at deposit)?$/, function (this: EvvmWorld, mailbox: string, signed?: string) {
  return iw(this).leaveVoicemail(mailbox, !!signed);
});
When(/^the peer EVVM Server relays a voicemail( signed by the peer EVVM Server)? from "([^"]*)" to "([^"]*)"( over implicit TLS| through the impostor)?$/, IUT_SENDS, function (this: EvvmWorld, signed: string | undefined, from: string, to: string, how?: string) {
  return iw(this).peerRelays(from, to, 'valid', { signed: !!signed, transport: how === ' over implicit TLS' ? 'implicit-tls' : 'starttls', throughImpostor: how === ' through the impostor' });
});
When('a peer EVVM Server whose certificate is {peerCertificate} relays a voicemail from {string} to {string}', function (this: EvvmWorld, certificate: PeerCertificate, from: string, to: string) {
  return iw(this).peerRelays(from, to, certificate);
});
When('a sender posing as the peer EVVM Server relays a voicemail from {string} to {string} without TLS', function (this: EvvmWorld, from: string, to: string) {
  return iw(this).senderDelivers({ iface: 'interServer' }, 'interServer', 'valid', { from, to }, { noTls: true });
});
When('a test client deposits a voicemail from {string} for {string} without authenticating', function (this: EvvmWorld, from: string, to: string) {
  return iw(this).senderDelivers({ iface: 'deposit' }, 'evvmServer', 'missing', { from, to });
});
When('a sender whose certificate is {peerCertificate} hands the {party} a voicemail for {string}', function (this: EvvmWorld, certificate: PeerCertificate, party: LinkName, to: string) {
  return iw(this).senderDelivers({ party }, 'evvmServer', certificate, { from: iw(this).address('alice'), to });
});
When(/^the Non-OMA VM Service sends a VPIM voicemail from "([^"]*)" to "([^"]*)"( through the impostor)?$/, IUT_SENDS, function (this: EvvmWorld, from: string, to: string, impostor?: string) {
  return iw(this).nonOmaSends(from, to, 'valid', !!impostor);
});
When('a Non-OMA VM Service whose certificate is {peerCertificate} sends a VPIM voicemail from {string} to {string}', function (this: EvvmWorld, certificate: PeerCertificate, from: string, to: string) {
  return iw(this).nonOmaSends(from, to, certificate);
});
When('the Forwarding Gateway reports a forwarding result for {string}', async function (this: EvvmWorld, mailbox: string) {
  const why = await iw(this).gatewayReports(mailbox, 'valid');
  return why ? this.notApplicable(why) : undefined;
});
When('a Forwarding Gateway whose certificate is {peerCertificate} reports a forwarding result for {string}', async function (this: EvvmWorld, certificate: PeerCertificate, mailbox: string) {
  const why = await iw(this).gatewayReports(mailbox, certificate);
  return why ? this.notApplicable(why) : undefined;
});

// --- outcomes: what arrived where, who authenticated whom, signatures on the way ---

Then('the Forwarding Gateway forwards it to {string}', async function (this: EvvmWorld, to: string) {
  this.verify(delivery.gatewayForwarded, to, await iw(this).forwardedTo(to), iw(this).messageId, await iw(this).outbound());
});
Then('the Non-OMA VM Service receives it as a VPIM voice message for {string}', async function (this: EvvmWorld, to: string) {
  this.verify(delivery.nonOmaReceivedVpim, to, await iw(this).vpimReceivedFor(to), iw(this).messageId);
});
Then('the peer EVVM Server stores it in the mailbox {string}', async function (this: EvvmWorld, to: string) {
  this.verify(delivery.peerStoredVoicemail, to, await iw(this).peerMailbox(to), iw(this).messageId, await iw(this).outbound());
});
Then('the mailbox {string} holds that voicemail', async function (this: EvvmWorld, mailbox: string) {
  this.verify(delivery.mailboxHoldsVoicemail, mailbox, await iw(this).held(mailbox), iw(this).lastSentIfAny());
});
Then('the mailbox {string} holds that voicemail as a VPIM voice message', async function (this: EvvmWorld, mailbox: string) {
  this.verify(delivery.mailboxHoldsVpim, await iw(this).held(mailbox), iw(this).lastSent());
});
Then('the mailbox {string} does not hold that voicemail', async function (this: EvvmWorld, mailbox: string) {
  this.verify(delivery.nothingDelivered, mailbox, await iw(this).held(mailbox), iw(this).lastSent());
});
Then(/^the EVVM Server accepts (the|no) forwarding result$/, async function (this: EvvmWorld, which: string) {
  this.verify(which === 'the' ? delivery.forwardingResultAccepted : delivery.noForwardingResult, iw(this).lastSent(), await iw(this).inbound('forwarding-result'));
});
Then('the impostor receives no voicemail', async function (this: EvvmWorld) {
  const impostor = iw(this).impostor!;
  this.verify(delivery.impostorGotNothing, impostor.actor, await impostor.received(), await impostor.sessions());
});
Then('the {party} refused the sender and {word} nothing', async function (this: EvvmWorld, party: LinkName, _verb: string) {
  this.verify(delivery.senderRefused, iw(this).lastSent(), await iw(this).taken(party));
});
Then('the EVVM Server refused the mail transaction with {int}', function (this: EvvmWorld, code: number) {
  this.verify(delivery.mailTransactionRefused, iw(this).lastSent(), code);
});
Then('the EVVM Server refused the originator', function (this: EvvmWorld) {
  this.verify(delivery.foreignOriginatorRefused, iw(this).lastSent());
});
Then('the EVVM Server refused the recipient as relaying denied', async function (this: EvvmWorld) {
  this.verify(delivery.noOpenRelay, iw(this).lastSent(), await iw(this).inbound('relayed'));
});
Then('the EVVM Server authenticated the {party} by its certificate', async function (this: EvvmWorld, party: Party) {
  this.verify(auth.serverAuthenticatedPeer, await iw(this).evvmServerJudgements(party));
});
Then('the {party} authenticated the EVVM Server by its certificate', async function (this: EvvmWorld, party: Party) {
  this.verify(auth.peerAuthenticatedServer, await iw(this).partyJudgements(party));
});
Then('the EVVM Server refused the {party} and recorded why', async function (this: EvvmWorld, party: Party) {
  this.verify(auth.serverRefusedPeer, await iw(this).evvmServerJudgements(party));
});
Then('the {party} refused the impostor and recorded why', function (this: EvvmWorld, party: Party) {
  this.verify(auth.peerRefusedImpostor, iw(this).sentBy(party).at(-1));
});
Then('the EVVM Server stopped before sending the envelope in plaintext', async function (this: EvvmWorld) {
  this.verify(auth.noPlaintextRelay, await iw(this).outbound('interServer'));
});
Then('the EVVM Server sent the envelope only inside a mutually authenticated TLS session', async function (this: EvvmWorld) {
  this.verify(auth.envelopeInsideMutualTls, await iw(this).outbound('interServer'));
});
Then('the mailbox {string} holds that voicemail flagged as having a broken signature', async function (this: EvvmWorld, mailbox: string) {
  this.verify(signatures.brokenSignatureFlagged, await iw(this).held(mailbox));
});
Then('the copy delivered to {string} still carries a valid signature of the EVVM Server', async function (this: EvvmWorld, to: string) {
  this.verify(signatures.signatureSurvivesGateway, await iw(this).verified(await iw(this).forwardedCopy(to)));
});
Then('the copy in the mailbox {string} still carries a valid signature of the EVVM Server', async function (this: EvvmWorld, to: string) {
  this.verify(signatures.signatureSurvivesPeerRelay, await iw(this).verified(await iw(this).peerCopy(to)));
});
Then('the peer EVVM Server did not flag it', async function (this: EvvmWorld) {
  this.verify(signatures.notFlagged, await iw(this).peerCopy());
});
Then('the copy in the mailbox {string} does not carry a valid signature', async function (this: EvvmWorld, mailbox: string) {
  this.verify(signatures.relayReEncoded, await iw(this).verified((await iw(this).held(mailbox))[0]));
});

// --- SMTP AUTH on the deposit interface (STD-01) ---

When("a test client opens an SMTP session on the EVVM Server's deposit interface", async function (this: EvvmWorld) {
  const session = await iw(this).openSession();
  this.verify(smtpAuth.smtpGreeting, session.greeting);
  await session.hello();
});
When('the test client upgrades the SMTP session with STARTTLS', async function (this: EvvmWorld) {
  const session = iw(this).session!;
  this.verify(smtpAuth.smtpStarttls, await session.starttls(), session.secure);
  await session.hello();
});
When('the test client authenticates by AUTH {word} as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, mechanism: string, kind: IdentifierKind, mailbox: string, owner: string) {
  iw(this).authReply = await iw(this).session!.authenticate(mechanism as SmtpAuthMechanism, this.identifier(kind, mailbox), this.account(owner).password);
});
Then('the EVVM Server offers STARTTLS before TLS', function (this: EvvmWorld) {
  this.verify(smtpAuth.starttlsOffered, iw(this).session!.ehlo);
});
Then('the SMTP authentication succeeds', function (this: EvvmWorld) {
  this.verify(smtpAuth.smtpAuthAfterTls, iw(this).authReply!);
});
Then('the SMTP authentication is refused with {int}', function (this: EvvmWorld, code: number) {
  this.verify(smtpAuth.noPlaintextAuth, iw(this).authReply!, code);
});
Then('the SMTP session is not authenticated', async function (this: EvvmWorld) {
  this.verify(smtpAuth.sessionNotAuthenticated, await iw(this).session!.mailFrom(iw(this).address('alice')));
});
Then('the test client can deposit a voicemail for {string}', async function (this: EvvmWorld, mailbox: string) {
  const deposit = await iw(this).depositInSession('alice', mailbox);
  this.verify(smtpAuth.authenticatedDeposit, deposit, (await iw(this).held(mailbox)).length);
});
