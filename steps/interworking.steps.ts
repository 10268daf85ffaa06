import { defineParameterType, Given, Then, When } from '@cucumber/cucumber';
import type { EvvmWorld } from './world';
import { clauseState } from './support/state';
import type { IdentifierKind } from '../harness/topology/accounts';
import type { ImpostorServer, Party, PeerCertificate, ServerCertificateFlaw } from '../harness/topology/embedded/interworking';
import type { DeliveryResult, EhloReply, SmtpConnection, SmtpReply } from '../simulators/protocol/smtp/client';
import { auth, data, ehlo, extension, mail, rcpt, starttls } from '../simulators/protocol/smtp/client';
import { randomUUID } from 'node:crypto';
import type { PeerJudgement } from '../simulators/protocol/smtp/types';
import { readVpim } from '../simulators/protocol/smtp/vpim';
import { SIGNATURE_INVALID_FLAG } from '../simulators/evvm-server/interworking';

// Steps of features/interworking and EVVM-AUTH-06..08: thin glue in the spec's words; the roles do the work.

const PARTIES: Record<string, Party> = {
  'Forwarding Gateway': 'forwardingGateway',
  'Non-OMA VM Service': 'nonOmaVm',
  'peer EVVM Server': 'interServer',
  'EVVM Server': 'evvmServer',
};
defineParameterType({ name: 'party', regexp: /Forwarding Gateway|Non-OMA VM Service|peer EVVM Server|EVVM Server/, transformer: (s: string): Party => PARTIES[s]! });

const PEER_CERTS: Record<string, PeerCertificate> = {
  'issued for another host': 'another-host',
  missing: 'missing',
  'issued by an untrusted CA': 'untrusted-ca',
  expired: 'expired',
  revoked: 'revoked',
};
defineParameterType({ name: 'peerCertificate', regexp: new RegExp(Object.keys(PEER_CERTS).join('|')), transformer: (s: string) => PEER_CERTS[s]! });

const SERVER_FLAWS: Record<string, ServerCertificateFlaw> = { 'issued for another host': 'another-host', 'issued by an untrusted CA': 'untrusted-ca', expired: 'expired' };
defineParameterType({ name: 'impostorFlaw', regexp: new RegExp(Object.keys(SERVER_FLAWS).join('|')), transformer: (s: string) => SERVER_FLAWS[s]! });

interface Sent {
  by: Party | 'sender';
  result: DeliveryResult;
}

const state = (w: EvvmWorld) =>
  clauseState(w, 'interworking', () => ({
    forwardingSet: false,
    relays: 0,
    messageId: undefined as string | undefined,
    sent: [] as Sent[],
    impostor: undefined as ImpostorServer | undefined,
    session: undefined as SmtpConnection | undefined,
    ehlo: undefined as EhloReply | undefined,
    authReply: undefined as SmtpReply | undefined,
  }));

const lastSent = (w: EvvmWorld): DeliveryResult => {
  const s = state(w).sent;
  if (s.length === 0) throw new Error('no delivery was attempted in this scenario');
  return s[s.length - 1]!.result;
};

const summary = (r: DeliveryResult) => ({ delivered: r.delivered, stage: r.stage, reason: r.reason, replies: r.replies.map((x) => `${x.command}: ${x.code} ${x.text}`) });

const LINK_OF: Record<Exclude<Party, 'evvmServer'>, 'forwardingGateway' | 'nonOmaVm' | 'interServer'> = { forwardingGateway: 'forwardingGateway', nonOmaVm: 'nonOmaVm', interServer: 'interServer' };

function link(party: Party): 'forwardingGateway' | 'nonOmaVm' | 'interServer' {
  if (party === 'evvmServer') throw new Error('the EVVM Server is not one of its own links');
  return LINK_OF[party];
}

/** Every verdict the EVVM Server reached on a link's other end in this scenario: as client and as server. */
async function homeJudgements(w: EvvmWorld, party: Party): Promise<PeerJudgement[]> {
  const o = await (await w.topology.role('evvm-server-smtp')).observations();
  const l = link(party);
  return [...o.outbound.filter((d) => d.link === l && d.result.server).map((d) => d.result.server!), ...o.sessions.filter((s) => s.iface === l && s.peer).map((s) => s.peer!)];
}

/** Every verdict a party reached on the EVVM Server in this scenario: on its listener and on what it sent. */
async function partyJudgements(w: EvvmWorld, party: Party): Promise<PeerJudgement[]> {
  const mine = state(w).sent.filter((s) => s.by === party && s.result.server).map((s) => s.result.server!);
  if (party === 'forwardingGateway') return [...(await (await w.topology.role('forwarding-gateway')).sessions()).flatMap((s) => (s.peer ? [s.peer] : [])), ...mine];
  if (party === 'nonOmaVm') return [...(await (await w.topology.role('non-oma-vm')).sessions()).flatMap((s) => (s.peer ? [s.peer] : [])), ...mine];
  const o = await (await w.topology.role('evvm-server-peer')).observations();
  return [...o.sessions.filter((s) => s.iface === 'interServer' && s.peer).map((s) => s.peer!), ...o.outbound.filter((d) => d.result.server).map((d) => d.result.server!), ...mine];
}

async function mailboxHolds(w: EvvmWorld, mailbox: string): Promise<Array<{ flags: string[]; raw: Buffer }>> {
  const id = state(w).messageId;
  const box = await (await w.topology.role('evvm-server-smtp')).mailbox(w.identifier('MSISDN', mailbox));
  return box.filter((m) => id !== undefined && m.raw.toString('latin1').includes(id));
}

// --- the service provider's policy ---

const POLICY_TEXT: Record<'forwardingGateway' | 'nonOmaVm', string> = { forwardingGateway: 'the Forwarding Gateway', nonOmaVm: 'the Non-OMA Standard VM Service' };

Given("the service provider's policy requires mutual authentication with the {party}", function (this: EvvmWorld, party: Party) {
  const l = link(party) as 'forwardingGateway' | 'nonOmaVm';
  if (!this.profile.policy.interfaces[l].mutualAuth) return this.notApplicable(`policy.interfaces.${l}.mutualAuth=false: the service provider's policy does not require mutual authentication with ${POLICY_TEXT[l]} (a SHOULD "subject to" policy; not exercised)`);
  return undefined;
});

Given("the service provider's policy requires mutual authentication between EVVM Servers", function (this: EvvmWorld) {
  // a SHALL "subject to" policy (spec.md Q3): turning it off is a waiver, reported as one
  if (!this.profile.policy.interfaces.interServer.mutualAuth) return this.notApplicable("waiver: policy.interfaces.interServer.mutualAuth=false (service provider's policy, spec.md Q3)");
  return undefined;
});

// --- the roles in service ---

Given('the Forwarding Gateway is in service', async function (this: EvvmWorld) {
  await this.topology.role('forwarding-gateway');
});

Given('the Non-OMA VM Service is in service', async function (this: EvvmWorld) {
  await this.topology.role('non-oma-vm');
});

Given('the peer EVVM Server is in service', async function (this: EvvmWorld) {
  await this.topology.role('evvm-server-peer');
});

Given('the peer EVVM Server re-encodes the voicemail it relays', async function (this: EvvmWorld) {
  (await this.topology.role('evvm-server-peer')).reEncodeRelays(true);
});

Given('an impostor {party} presents a certificate that is {impostorFlaw}', async function (this: EvvmWorld, party: Party, flaw: ServerCertificateFlaw) {
  state(this).impostor = await (await this.topology.role('interworking-equipment')).impostor(party, flaw);
});

Given('a peer EVVM Server that does not offer STARTTLS stands where the peer should be', async function (this: EvvmWorld) {
  state(this).impostor = await (await this.topology.role('interworking-equipment')).impostor('interServer', 'no-starttls');
});

Given('{string} forwards her voicemail to {string}', async function (this: EvvmWorld, mailbox: string, address: string) {
  await (await this.topology.role('evvm-server-smtp')).setForwarding(this.identifier('MSISDN', mailbox), address);
  state(this).forwardingSet = true;
});

// --- deposits and relays ---

async function leaveVoicemail(w: EvvmWorld, mailbox: string, signed: boolean): Promise<void> {
  const s = state(w);
  const home = await w.topology.role('evvm-server-smtp');
  const vm = await (await w.topology.role('interworking-equipment')).voicemail('+15557777@pstn.example', w.identifier('e-mail alias', mailbox), signed ? 'evvmServer' : undefined);
  s.messageId = vm.messageId;
  await home.leaveVoicemail(w.identifier('MSISDN', mailbox), vm.raw);
  // a forwarding rule makes the server relay it: wait for that relay to finish, whatever its result
  if (s.forwardingSet) await home.outbound(++s.relays);
}

When('a caller leaves a voicemail for {string}', function (this: EvvmWorld, mailbox: string) {
  return leaveVoicemail(this, mailbox, false);
});

When('a caller leaves a voicemail for {string}, signed by the EVVM Server at deposit', function (this: EvvmWorld, mailbox: string) {
  return leaveVoicemail(this, mailbox, true);
});

async function peerRelays(w: EvvmWorld, from: string, to: string, certificate: PeerCertificate, options: { transport?: 'starttls' | 'implicit-tls'; signed?: boolean } = {}): Promise<void> {
  const s = state(w);
  const address = to.includes('@') ? to : w.identifier('e-mail alias', to);
  const vm = await (await w.topology.role('interworking-equipment')).voicemail(from, address, options.signed ? 'interServer' : undefined);
  s.messageId = vm.messageId;
  const result = await (await w.topology.role('evvm-server-peer')).sendVoicemail({ from, to: address, raw: vm.raw }, certificate, options.transport ?? 'starttls');
  s.sent.push({ by: certificate === 'valid' ? 'interServer' : 'sender', result });
}

When('the peer EVVM Server relays a voicemail from {string} to {string}', function (this: EvvmWorld, from: string, to: string) {
  return peerRelays(this, from, to, 'valid');
});

When('the peer EVVM Server relays a voicemail from {string} to {string} over implicit TLS', function (this: EvvmWorld, from: string, to: string) {
  return peerRelays(this, from, to, 'valid', { transport: 'implicit-tls' });
});

When('the peer EVVM Server relays a voicemail signed by the peer EVVM Server from {string} to {string}', function (this: EvvmWorld, from: string, to: string) {
  return peerRelays(this, from, to, 'valid', { signed: true });
});

When('a peer EVVM Server whose certificate is {peerCertificate} relays a voicemail from {string} to {string}', function (this: EvvmWorld, certificate: PeerCertificate, from: string, to: string) {
  return peerRelays(this, from, to, certificate);
});

When('a sender posing as the peer EVVM Server relays a voicemail from {string} to {string} without TLS', async function (this: EvvmWorld, from: string, to: string) {
  const s = state(this);
  const eq = await this.topology.role('interworking-equipment');
  const vm = await eq.voicemail(from, this.identifier('e-mail alias', to));
  s.messageId = vm.messageId;
  const target = (await this.topology.role('evvm-server-smtp')).endpoint('interServer', 'starttls')!;
  s.sent.push({ by: 'sender', result: await eq.send(target, 'interServer', 'valid', { from, to: this.identifier('e-mail alias', to), raw: vm.raw }, { noTls: true }) });
});

When('a test client deposits a voicemail from {string} for {string} without authenticating', async function (this: EvvmWorld, from: string, to: string) {
  const s = state(this);
  const eq = await this.topology.role('interworking-equipment');
  const vm = await eq.voicemail(from, this.identifier('e-mail alias', to));
  s.messageId = vm.messageId;
  const target = (await this.topology.role('evvm-server-smtp')).endpoint('deposit', 'starttls')!;
  s.sent.push({ by: 'sender', result: await eq.send(target, 'evvmServer', 'missing', { from, to: this.identifier('e-mail alias', to), raw: vm.raw }) });
});

async function nonOmaSends(w: EvvmWorld, from: string, to: string, certificate: PeerCertificate, throughImpostor = false): Promise<void> {
  const s = state(w);
  s.messageId = `<vpim-${randomUUID().slice(0, 12)}@legacy-vm.example>`;
  const target = throughImpostor ? s.impostor!.endpoint('starttls') : undefined;
  const result = await (await w.topology.role('non-oma-vm')).sendVoicemail({ from, to: w.identifier('e-mail alias', to), messageId: s.messageId }, certificate, target);
  s.sent.push({ by: certificate === 'valid' ? 'nonOmaVm' : 'sender', result });
}

When('the Non-OMA VM Service sends a VPIM voicemail from {string} to {string}', function (this: EvvmWorld, from: string, to: string) {
  return nonOmaSends(this, from, to, 'valid');
});

When('a Non-OMA VM Service whose certificate is {peerCertificate} sends a VPIM voicemail from {string} to {string}', function (this: EvvmWorld, certificate: PeerCertificate, from: string, to: string) {
  return nonOmaSends(this, from, to, certificate);
});

When('the Non-OMA VM Service sends a VPIM voicemail from {string} to {string} through the impostor', function (this: EvvmWorld, from: string, to: string) {
  return nonOmaSends(this, from, to, 'valid', true);
});

When('the Forwarding Gateway reports a forwarding result for {string}', async function (this: EvvmWorld, mailbox: string) {
  state(this).sent.push({ by: 'forwardingGateway', result: await (await this.topology.role('forwarding-gateway')).reportResult(this.identifier('e-mail alias', mailbox), 'valid') });
});

When('a Forwarding Gateway whose certificate is {peerCertificate} reports a forwarding result for {string}', async function (this: EvvmWorld, certificate: PeerCertificate, mailbox: string) {
  state(this).sent.push({ by: 'sender', result: await (await this.topology.role('forwarding-gateway')).reportResult(this.identifier('e-mail alias', mailbox), certificate) });
});

When('a sender whose certificate is {peerCertificate} hands the {party} a voicemail for {string}', async function (this: EvvmWorld, certificate: PeerCertificate, party: Party, to: string) {
  const eq = await this.topology.role('interworking-equipment');
  const target = party === 'forwardingGateway' ? (await this.topology.role('forwarding-gateway')).endpoint('starttls') : (await this.topology.role('non-oma-vm')).endpoint('starttls');
  const vm = await eq.voicemail(this.identifier('e-mail alias', 'alice'), to);
  state(this).messageId = vm.messageId;
  state(this).sent.push({ by: 'sender', result: await eq.send(target, 'evvmServer', certificate, { from: this.identifier('e-mail alias', 'alice'), to, raw: vm.raw }) });
});

// --- outcomes ---

Then('the Forwarding Gateway forwards it to {string}', async function (this: EvvmWorld, address: string) {
  const id = state(this).messageId;
  const copies = (await (await this.topology.role('forwarding-gateway')).forwarded()).filter((d) => d.to === address);
  const out = (await (await this.topology.role('evvm-server-smtp')).observations()).outbound;
  this.check('GatewayForwarded', copies.some((c) => c.messageId === id), copies.length ? `forwarded ${copies.length} copy/copies to ${address}` : `nothing forwarded to ${address}`, { messageId: id, relays: out.map((o) => summary(o.result)) });
});

Then('the Non-OMA VM Service receives it as a VPIM voice message for {string}', async function (this: EvvmWorld, address: string) {
  const id = state(this).messageId;
  const got = (await (await this.topology.role('non-oma-vm')).received()).filter((r) => r.to.includes(address));
  const mine = got.find((r) => r.vpim.messageId === id);
  this.check('NonOmaReceivedVpim', !!mine && mine.vpim.ok, mine ? `VPIM ${mine.vpim.ok ? 'ok' : mine.vpim.problem}, audio ${mine.vpim.audioParts.join(', ')}` : `no voicemail for ${address} arrived`, { messageId: id, vpim: mine?.vpim });
});

Then('the peer EVVM Server stores it in the mailbox {string}', async function (this: EvvmWorld, address: string) {
  const peer = await this.topology.role('evvm-server-peer');
  const id = state(this).messageId!;
  const box = address === peer.mailboxAddress ? await peer.mailbox() : [];
  const relays = (await (await this.topology.role('evvm-server-smtp')).observations()).outbound.map((o) => summary(o.result));
  this.check('PeerStoredVoicemail', box.some((m) => m.raw.toString('latin1').includes(id)), `the mailbox ${address} holds ${box.length} message(s)`, { messageId: id, relays });
});

Then('the mailbox {string} holds that voicemail', async function (this: EvvmWorld, mailbox: string) {
  const held = await mailboxHolds(this, mailbox);
  const last = state(this).sent.at(-1)?.result;
  this.check('MailboxHoldsVoicemail', held.length === 1, `the mailbox "${mailbox}" holds ${held.length} copy/copies of it`, last ? summary(last) : undefined);
});

Then('the mailbox {string} holds that voicemail as a VPIM voice message', async function (this: EvvmWorld, mailbox: string) {
  const held = await mailboxHolds(this, mailbox);
  const last = lastSent(this);
  const vpim = held.length ? readVpim(held[0]!.raw) : undefined;
  this.check('MailboxHoldsVpim', last.delivered && !!vpim?.ok, vpim ? `stored as ${vpim.ok ? 'multipart/voice-message' : vpim.problem}` : 'no VPIM voicemail stored', summary(last));
});

Then('the mailbox {string} does not hold that voicemail', async function (this: EvvmWorld, mailbox: string) {
  const held = await mailboxHolds(this, mailbox);
  this.check('NothingDelivered', held.length === 0, `the mailbox "${mailbox}" holds ${held.length} copy/copies`, summary(lastSent(this)));
});

Then('the mailbox {string} holds that voicemail flagged as having a broken signature', async function (this: EvvmWorld, mailbox: string) {
  const held = await mailboxHolds(this, mailbox);
  this.check('BrokenSignatureFlagged', held.length === 1 && held[0]!.flags.includes(SIGNATURE_INVALID_FLAG), held.length ? `stored with flags [${held[0]!.flags.join(' ')}]` : 'not stored', { want: SIGNATURE_INVALID_FLAG });
});

Then('the EVVM Server accepts the forwarding result', async function (this: EvvmWorld) {
  const r = lastSent(this);
  const results = (await (await this.topology.role('evvm-server-smtp')).observations()).inbound.filter((m) => m.outcome === 'forwarding-result');
  this.check('ForwardingResultAccepted', r.delivered && results.length === 1, `${r.reason}; ${results.length} forwarding result(s) recorded`, summary(r));
});

Then('the EVVM Server accepts no forwarding result', async function (this: EvvmWorld) {
  const r = lastSent(this);
  const results = (await (await this.topology.role('evvm-server-smtp')).observations()).inbound.filter((m) => m.outcome === 'forwarding-result');
  this.check('NoForwardingResult', !r.delivered && results.length === 0, `${r.reason}; ${results.length} forwarding result(s) recorded`, summary(r));
});

Then('the EVVM Server authenticated the {party} by its certificate', async function (this: EvvmWorld, party: Party) {
  const js = await homeJudgements(this, party);
  const ok = js.length > 0 && js.every((j) => j.authenticated);
  this.check('ServerAuthenticatedPeer', ok, js.length ? js.map((j) => j.reason).join('; ') : 'no certificate was judged on this link', { judgements: js.map((j) => ({ subject: j.subject, identity: j.identity, chainError: j.chainError, reason: j.reason })) });
});

Then('the {party} authenticated the EVVM Server by its certificate', async function (this: EvvmWorld, party: Party) {
  const js = await partyJudgements(this, party);
  const ok = js.length > 0 && js.every((j) => j.authenticated && j.identity === 'evvm-server.op.example');
  this.check('PeerAuthenticatedServer', ok, js.length ? js.map((j) => j.reason).join('; ') : 'the peer judged no certificate of the EVVM Server', { judgements: js.map((j) => ({ subject: j.subject, identity: j.identity, reason: j.reason })) });
});

Then('the EVVM Server refused the {party} and recorded why', async function (this: EvvmWorld, party: Party) {
  const js = await homeJudgements(this, party);
  const refused = js.filter((j) => !j.accepted);
  this.check('ServerRefusedPeer', refused.length > 0 && js.every((j) => !j.accepted), refused.length ? refused.map((j) => j.reason).join('; ') : js.length ? `accepted: ${js.map((j) => j.reason).join('; ')}` : 'no certificate was judged on this link', { judgements: js.map((j) => ({ subject: j.subject, accepted: j.accepted, reason: j.reason })) });
});

Then('the {party} refused the impostor and recorded why', function (this: EvvmWorld, party: Party) {
  const mine = state(this).sent.filter((s) => s.by === party);
  const r = mine[mine.length - 1]?.result;
  this.check('PeerRefusedImpostor', !!r && !r.delivered && r.stage === 'server-authentication', r ? `${r.stage}: ${r.reason}` : 'nothing was sent', r ? summary(r) : undefined);
});

Then('the impostor receives no voicemail', async function (this: EvvmWorld) {
  const imp = state(this).impostor!;
  const got = await imp.received();
  this.check('ImpostorGotNothing', got.length === 0, got.length ? `${imp.actor} received ${got.length} message(s)` : `${imp.actor} received nothing`, { sessions: (await imp.sessions()).map((s) => ({ secure: s.secure, refusals: s.refusals })) });
});

Then('the EVVM Server stopped before sending the envelope in plaintext', async function (this: EvvmWorld) {
  const out = (await (await this.topology.role('evvm-server-smtp')).observations()).outbound.filter((o) => o.link === 'interServer');
  const plain = out.filter((o) => o.result.replies.some((r) => r.command === 'MAIL') && !o.result.secure);
  this.check('NoPlaintextRelay', out.length > 0 && plain.length === 0, out.map((o) => `${o.result.stage}: ${o.result.reason}`).join('; ') || 'no relay attempted', { relays: out.map((o) => summary(o.result)) });
});

Then('the EVVM Server sent the envelope only inside a mutually authenticated TLS session', async function (this: EvvmWorld) {
  const out = (await (await this.topology.role('evvm-server-smtp')).observations()).outbound.filter((o) => o.link === 'interServer');
  const ok = out.length > 0 && out.every((o) => {
    const cmds = o.result.replies.map((r) => r.command);
    return o.result.secure && !!o.result.tls?.clientCertificateSent && o.result.server?.authenticated === true && cmds.indexOf('STARTTLS') >= 0 && cmds.indexOf('STARTTLS') < cmds.indexOf('MAIL');
  });
  this.check('EnvelopeInsideMutualTls', ok, out.map((o) => `${o.result.tls?.protocol ?? 'plaintext'}, client certificate ${o.result.tls?.clientCertificateSent ? 'sent' : 'not sent'}, server ${o.result.server?.reason ?? 'not judged'}`).join('; '), { relays: out.map((o) => summary(o.result)) });
});

Then('the EVVM Server refused the mail transaction with {int}', function (this: EvvmWorld, code: number) {
  const r = lastSent(this);
  const mailReply = r.replies.find((x) => x.command === 'MAIL');
  this.check('MailTransactionRefused', !r.delivered && mailReply?.code === code, mailReply ? `MAIL FROM answered ${mailReply.code} ${mailReply.text}` : `stopped at ${r.stage}: ${r.reason}`, summary(r));
});

Then('the EVVM Server refused the originator', function (this: EvvmWorld) {
  const r = lastSent(this);
  const mailReply = r.replies.find((x) => x.command === 'MAIL');
  this.check('ForeignOriginatorRefused', !r.delivered && !!mailReply && mailReply.code >= 500, mailReply ? `MAIL FROM answered ${mailReply.code} ${mailReply.text}` : `stopped at ${r.stage}: ${r.reason}`, summary(r));
});

Then('the EVVM Server refused the recipient as relaying denied', async function (this: EvvmWorld) {
  const r = lastSent(this);
  const rcptReply = r.replies.find((x) => x.command.startsWith('RCPT'));
  const relayed = (await (await this.topology.role('evvm-server-smtp')).observations()).inbound.filter((m) => m.outcome === 'relayed');
  this.check('NoOpenRelay', !r.delivered && !!rcptReply && rcptReply.code >= 500 && relayed.length === 0, rcptReply ? `RCPT TO answered ${rcptReply.code} ${rcptReply.text}` : `stopped at ${r.stage}: ${r.reason}`, summary(r));
});

Then('the {party} refused the sender and {word} nothing', async function (this: EvvmWorld, party: Party, _verb: string) {
  const r = lastSent(this);
  const taken = party === 'forwardingGateway' ? (await (await this.topology.role('forwarding-gateway')).forwarded()).length : (await (await this.topology.role('non-oma-vm')).received()).length;
  this.check('SenderRefused', !r.delivered && taken === 0, `${r.stage}: ${r.reason}; ${taken} voicemail(s) taken`, summary(r));
});

Then('the copy delivered to {string} still carries a valid signature of the EVVM Server', async function (this: EvvmWorld, address: string) {
  const id = state(this).messageId;
  const copy = (await (await this.topology.role('forwarding-gateway')).forwarded()).find((d) => d.to === address && d.messageId === id);
  const check = copy ? await (await this.topology.role('interworking-equipment')).verifySignature(copy.raw) : undefined;
  this.check('SignatureSurvivesGateway', !!check?.valid && /CN=evvm-server(,|$)/.test(check.signer ?? ''), check ? `${check.reason}; signer ${check.signer ?? 'unknown'}` : 'no copy to verify', check ? { ...check } : undefined);
});

Then('the copy in the mailbox {string} still carries a valid signature of the EVVM Server', async function (this: EvvmWorld, address: string) {
  const id = state(this).messageId!;
  const peer = await this.topology.role('evvm-server-peer');
  const copy = address === peer.mailboxAddress ? (await peer.mailbox()).find((m) => m.raw.toString('latin1').includes(id)) : undefined;
  const check = copy ? await (await this.topology.role('interworking-equipment')).verifySignature(copy.raw) : undefined;
  this.check('SignatureSurvivesPeerRelay', !!check?.valid && /CN=evvm-server(,|$)/.test(check.signer ?? ''), check ? `${check.reason}; signer ${check.signer ?? 'unknown'}` : 'no copy to verify', check ? { ...check } : undefined);
});

Then('the peer EVVM Server did not flag it', async function (this: EvvmWorld) {
  const id = state(this).messageId!;
  const copy = (await (await this.topology.role('evvm-server-peer')).mailbox()).find((m) => m.raw.toString('latin1').includes(id));
  this.check('NotFlagged', !!copy && !copy.flags.includes(SIGNATURE_INVALID_FLAG), copy ? `flags [${copy.flags.join(' ')}]` : 'not stored');
});

Then('the copy in the mailbox {string} does not carry a valid signature', async function (this: EvvmWorld, mailbox: string) {
  const held = await mailboxHolds(this, mailbox);
  const check = held.length ? await (await this.topology.role('interworking-equipment')).verifySignature(held[0]!.raw) : undefined;
  this.check('RelayReEncoded', !!check && !check.valid, check ? check.reason : 'no copy to verify', check ? { ...check } : undefined);
});

// --- SMTP AUTH on the deposit interface (STD-01) ---

When("a test client opens an SMTP session on the EVVM Server's deposit interface", async function (this: EvvmWorld) {
  const s = state(this);
  const target = (await this.topology.role('evvm-server-smtp')).endpoint('deposit', 'starttls')!;
  s.session = await (await this.topology.role('interworking-equipment')).open(target);
  const greeting = await s.session.reply();
  this.check('SmtpGreeting', greeting.code === 220, `greeting ${greeting.code} ${greeting.text}`);
  s.ehlo = await ehlo(s.session, 'evvm-client.op.example');
});

When('the test client upgrades the SMTP session with STARTTLS', async function (this: EvvmWorld) {
  const s = state(this);
  const r = extension(s.ehlo!, 'STARTTLS') === undefined ? { code: 0, lines: [], text: 'STARTTLS not offered' } : await starttls(s.session!);
  this.check('SmtpStarttls', r.code === 220 && !!s.session!.tls, `STARTTLS answered ${r.code} ${r.text}`);
  s.ehlo = await ehlo(s.session!, 'evvm-client.op.example');
});

Then('the EVVM Server offers STARTTLS before TLS', function (this: EvvmWorld) {
  const e = state(this).ehlo!;
  this.check('StarttlsOffered', extension(e, 'STARTTLS') !== undefined, `EHLO before TLS: ${e.extensions.join(', ')}`);
});

When('the test client authenticates by AUTH {word} as the {identifierKind} of {string} with the password of {string}', async function (this: EvvmWorld, mechanism: string, kind: IdentifierKind, mailbox: string, owner: string) {
  const s = state(this);
  s.authReply = await auth(s.session!, mechanism as 'PLAIN' | 'LOGIN', this.identifier(kind, mailbox), this.account(owner).password);
});

Then('the SMTP authentication succeeds', function (this: EvvmWorld) {
  const r = state(this).authReply!;
  this.check('SmtpAuthAfterTls', r.code === 235, `AUTH answered ${r.code} ${r.text}`);
});

Then('the SMTP authentication is refused with {int}', function (this: EvvmWorld, code: number) {
  const r = state(this).authReply!;
  this.check('NoPlaintextAuth', r.code === code, `AUTH before TLS answered ${r.code} ${r.text}`, { expected: code });
});

Then('the SMTP session is not authenticated', async function (this: EvvmWorld) {
  const r = await mail(state(this).session!, this.identifier('e-mail alias', 'alice'));
  this.check('SessionNotAuthenticated', r.code === 530, `MAIL FROM answered ${r.code} ${r.text}`);
});

Then('the test client can deposit a voicemail for {string}', async function (this: EvvmWorld, mailbox: string) {
  const s = state(this);
  const c = s.session!;
  const vm = await (await this.topology.role('interworking-equipment')).voicemail(this.identifier('e-mail alias', 'alice'), this.identifier('e-mail alias', mailbox));
  s.messageId = vm.messageId;
  const m = await mail(c, this.identifier('e-mail alias', 'alice'));
  const r = await rcpt(c, this.identifier('e-mail alias', mailbox));
  const d = await data(c, vm.raw);
  const held = await mailboxHolds(this, mailbox);
  this.check('AuthenticatedDeposit', m.code === 250 && r.code === 250 && d.end?.code === 250 && held.length === 1, `MAIL ${m.code}, RCPT ${r.code}, DATA ${d.end?.code ?? d.start.code}; the mailbox holds ${held.length} copy/copies`);
});
