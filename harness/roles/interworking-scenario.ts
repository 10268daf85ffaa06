/**
 * One interworking scenario as its steps drive it, in any topology (harness/roles/interworking.ts has the
 * roles): it composes each voicemail and follows it by its Message-ID, has the roles and the SMTP test
 * sender send it, remembers who sent what, and reads back what the roles observed. It judges nothing
 * (harness/conditions/interworking does).
 */
import { randomUUID } from 'node:crypto';
import type { InboundMessage, OutboundDelivery, SmtpInterface, LinkName } from '../../simulators/evvm-server/interworking';
import type { ExternalDelivery } from '../../simulators/forwarding-gateway';
import type { VpimReceipt } from '../../simulators/non-oma-vm';
import type { DeliveryResult, SmtpReply } from '../../simulators/protocol/smtp/client';
import type { InboundSession } from '../../simulators/protocol/smtp/server';
import type { PeerJudgement, SmtpTransport } from '../../simulators/protocol/smtp/types';
import type { SignatureCheck } from '../../simulators/protocol/smtp/smime';
import type { Profile } from '../profile/profile';
import type { Topology } from '../topology/roles';
import type { SessionDeposit, SmtpMessage, SmtpTestSession } from '../equipment/smtp-sender';
import { NON_OMA, PARTY_ROLE, type EvvmSmtpRole, type ImpostorKind, type ImpostorServer, type InterworkingEquipment, type Mailbox, type Party, type PeerCertificate } from './interworking';

/** The copies of the voicemail with `messageId` in a mailbox. */
export function copiesOf(messageId: string | undefined, mailbox: Mailbox): Mailbox {
  return mailbox.filter((m) => messageId !== undefined && m.raw.toString('latin1').includes(messageId));
}

/** What the service provider's policy says of mutual authentication on a link: why the scenario does not apply, or undefined when it does. */
export function mutualAuthNotRequired(profile: Profile, link: LinkName): string | undefined {
  if (profile.policy.interfaces[link].mutualAuth) return undefined;
  // a SHALL "subject to" policy between EVVM Servers (spec.md Q3): turning it off is a waiver, reported as one
  if (link === 'interServer') return "waiver: policy.interfaces.interServer.mutualAuth=false (service provider's policy, spec.md Q3)";
  const text = link === 'forwardingGateway' ? 'the Forwarding Gateway' : 'the Non-OMA Standard VM Service';
  return `policy.interfaces.${link}.mutualAuth=false: the service provider's policy does not require mutual authentication with ${text} (a SHOULD "subject to" policy; not exercised)`;
}

/**
 * The harness's side of one interworking scenario (the steps' state, as ContentRoleBase is for content):
 * it composes each voicemail and follows it by its Message-ID, has the roles and the SMTP test sender
 * send it, remembers who sent what (a party, or 'sender': a test sender or an impostor of one), and reads
 * back what the roles observed. It judges nothing.
 */
export class InterworkingScenario {
  messageId?: string;
  impostor?: ImpostorServer;
  session?: SmtpTestSession;
  /** the EVVM Server's answer to the test client's AUTH */
  authReply?: SmtpReply;
  private readonly sent: Array<{ by: Party | 'sender'; result: DeliveryResult }> = [];
  private forwarding = false;
  private relays = 0;

  constructor(private readonly topology: Topology) {}

  private role<P extends Party>(party: P) {
    return this.topology.role(PARTY_ROLE[party]);
  }

  private home(): Promise<EvvmSmtpRole> {
    return this.topology.role('evvm-server-smtp');
  }

  private equipment(): Promise<InterworkingEquipment> {
    return this.topology.role('interworking-equipment');
  }

  /** An address as written in a step: an e-mail address, or the name of a test mailbox (its e-mail alias). */
  address(to: string): string {
    return to.includes('@') ? to : this.topology.account(to).identifiers['e-mail alias'];
  }

  private msisdn(mailbox: string): string {
    return this.topology.account(mailbox).identifiers.MSISDN;
  }

  private record(by: Party, certificate: PeerCertificate, result: DeliveryResult): void {
    this.sent.push({ by: certificate === 'valid' ? by : 'sender', result });
  }

  /** The last transaction a party or a sender attempted; none is a harness error (the scenario sent nothing to judge). */
  lastSent(): DeliveryResult {
    const last = this.sent.at(-1);
    if (!last) throw new Error('no delivery was attempted in this scenario');
    return last.result;
  }

  lastSentIfAny(): DeliveryResult | undefined {
    return this.sent.at(-1)?.result;
  }

  sentBy(party: Party): DeliveryResult[] {
    return this.sent.filter((s) => s.by === party).map((s) => s.result);
  }

  async inService(party: Party): Promise<void> {
    await this.role(party);
  }

  async placeImpostor(party: Party, kind: ImpostorKind): Promise<void> {
    this.impostor = await (await this.equipment()).impostor(party, kind);
  }

  async setForwarding(mailbox: string, to: string): Promise<void> {
    await (await this.home()).setForwarding(this.msisdn(mailbox), to);
    this.forwarding = true;
  }

  /** A VPIM voicemail composed by the harness (signed by a party if asked); the scenario follows it by its Message-ID. */
  private async compose(from: string, to: string, signedBy?: Party): Promise<SmtpMessage> {
    const vm = await (await this.equipment()).voicemail(from, this.address(to), signedBy);
    this.messageId = vm.messageId;
    return { from, to: this.address(to), raw: vm.raw };
  }

  /** A caller leaves a voicemail; with a forwarding rule, waits until the EVVM Server's relay finished, whatever its result. */
  async leaveVoicemail(mailbox: string, signedByEvvmServer: boolean): Promise<void> {
    const vm = await this.compose('+15557777@pstn.example', mailbox, signedByEvvmServer ? 'evvmServer' : undefined);
    const home = await this.home();
    await home.leaveVoicemail(this.msisdn(mailbox), vm.raw);
    if (this.forwarding) await home.outbound(++this.relays);
  }

  /** The peer EVVM Server relays a voicemail (signed by itself if asked) to the EVVM Server or the impostor standing in for it; with a certificate other than 'valid', an impostor of it does. */
  async peerRelays(from: string, to: string, certificate: PeerCertificate, options: { signed?: boolean; transport?: SmtpTransport; throughImpostor?: boolean } = {}): Promise<void> {
    const vm = await this.compose(from, to, options.signed ? 'interServer' : undefined);
    const target = options.throughImpostor ? this.impostor!.endpoint('starttls') : undefined;
    this.record('interServer', certificate, await (await this.topology.role('evvm-server-peer')).sendVoicemail(vm, certificate, options.transport ?? 'starttls', target));
  }

  /** The SMTP test sender, as `as` presenting `certificate`, delivers a voicemail to an interface of the EVVM Server or to a party's server (STARTTLS). */
  async senderDelivers(at: { iface: SmtpInterface } | { party: LinkName }, as: Party, certificate: PeerCertificate, message: { from: string; to: string }, options: { noTls?: boolean } = {}): Promise<void> {
    const target = 'iface' in at ? (await this.home()).endpoint(at.iface, 'starttls') : (await this.role(at.party)).endpoint('starttls');
    if (!target) throw new Error(`the EVVM Server has no ${'iface' in at ? at.iface : at.party} interface over STARTTLS`);
    const result = await (await this.equipment()).send(target, as, certificate, await this.compose(message.from, message.to), options);
    this.sent.push({ by: 'sender', result });
  }

  /** The Non-OMA VM Service sends a VPIM voicemail to the EVVM Server, or to the impostor standing in for it. */
  async nonOmaSends(from: string, to: string, certificate: PeerCertificate, throughImpostor = false): Promise<void> {
    this.messageId = `<vpim-${randomUUID().slice(0, 12)}@${NON_OMA.domain}>`;
    const target = throughImpostor ? this.impostor!.endpoint('starttls') : undefined;
    this.record('nonOmaVm', certificate, await (await this.topology.role('non-oma-vm')).sendVoicemail({ from, to: this.address(to), messageId: this.messageId }, certificate, target));
  }

  /** The Forwarding Gateway (or a gateway presenting `certificate`) reports a result; why not, when the gateway under test cannot be made to. */
  async gatewayReports(mailbox: string, certificate: PeerCertificate): Promise<string | undefined> {
    const result = await (await this.topology.role('forwarding-gateway')).reportResult(this.address(mailbox), certificate);
    if ('notApplicable' in result) return result.notApplicable;
    this.record('forwardingGateway', certificate, result);
    return undefined;
  }

  /** The test client opens a session on the EVVM Server's deposit interface (greeting read, nothing sent). */
  async openSession(): Promise<SmtpTestSession> {
    this.session = await (await this.equipment()).session((await this.home()).endpoint('deposit', 'starttls')!);
    return this.session;
  }

  /** The test client deposits a voicemail in its open session. */
  async depositInSession(from: string, to: string): Promise<SessionDeposit> {
    return this.session!.deposit(await this.compose(this.address(from), to));
  }

  // what the roles observed

  /** The copies of this scenario's voicemail in a mailbox of the EVVM Server. */
  async held(mailbox: string): Promise<Mailbox> {
    return copiesOf(this.messageId, await (await this.home()).mailbox(this.msisdn(mailbox)));
  }

  /** The peer EVVM Server's mailbox, if `address` is it (otherwise there is none to look in). */
  async peerMailbox(address?: string): Promise<Mailbox> {
    const peer = await this.topology.role('evvm-server-peer');
    return address === undefined || address === peer.mailboxAddress ? peer.mailbox() : [];
  }

  /** This scenario's voicemail in the peer EVVM Server's mailbox (at `address`, if named). */
  async peerCopy(address?: string): Promise<Mailbox[number] | undefined> {
    return copiesOf(this.messageId, await this.peerMailbox(address))[0];
  }

  async forwardedTo(address: string): Promise<ExternalDelivery[]> {
    return (await (await this.topology.role('forwarding-gateway')).forwarded()).filter((d) => d.to === address);
  }

  /** This scenario's voicemail as the Forwarding Gateway forwarded it to `address`. */
  async forwardedCopy(address: string): Promise<ExternalDelivery | undefined> {
    return (await this.forwardedTo(address)).find((d) => d.messageId === this.messageId);
  }

  async vpimReceivedFor(address: string): Promise<VpimReceipt[]> {
    return (await (await this.topology.role('non-oma-vm')).received()).filter((r) => r.to.includes(address));
  }

  /** How many voicemails the Forwarding Gateway forwarded, the Non-OMA VM Service received, or the peer EVVM Server stored of this scenario's. */
  async taken(party: LinkName): Promise<number> {
    if (party === 'interServer') return copiesOf(this.messageId, await this.peerMailbox()).length;
    return party === 'forwardingGateway' ? (await (await this.topology.role('forwarding-gateway')).forwarded()).length : (await (await this.topology.role('non-oma-vm')).received()).length;
  }

  async outbound(link?: LinkName): Promise<OutboundDelivery[]> {
    return (await (await this.home()).observations()).outbound.filter((o) => link === undefined || o.link === link);
  }

  async inbound(outcome: InboundMessage['outcome']): Promise<InboundMessage[]> {
    return (await (await this.home()).observations()).inbound.filter((m) => m.outcome === outcome);
  }

  /** The S/MIME signature of a copy, as the harness verifies it; undefined when there is no copy. */
  async verified(copy: { raw: Buffer } | undefined): Promise<SignatureCheck | undefined> {
    return copy && (await this.equipment()).verifySignature(copy.raw);
  }

  /** Every verdict the EVVM Server reached on a link's other end in this scenario: as client and as server. */
  async evvmServerJudgements(party: Party): Promise<PeerJudgement[]> {
    if (party === 'evvmServer') throw new Error('the EVVM Server is not one of its own links');
    const o = await (await this.home()).observations();
    return [...o.outbound.filter((d) => d.link === party && d.result.server).map((d) => d.result.server!), ...o.sessions.filter((s) => s.iface === party && s.peer).map((s) => s.peer!)];
  }

  /** Every verdict a party reached on the EVVM Server in this scenario: on its listener, and on what it sent itself. */
  async partyJudgements(party: Party): Promise<PeerJudgement[]> {
    const mine = this.sentBy(party).filter((r) => r.server).map((r) => r.server!);
    const peers = (sessions: InboundSession[]) => sessions.flatMap((s) => (s.peer ? [s.peer] : []));
    if (party === 'forwardingGateway') return [...peers(await (await this.topology.role('forwarding-gateway')).sessions()), ...mine];
    if (party === 'nonOmaVm') return [...peers(await (await this.topology.role('non-oma-vm')).sessions()), ...mine];
    const o = await (await this.topology.role('evvm-server-peer')).observations();
    return [...o.sessions.filter((s) => s.iface === 'interServer' && s.peer).map((s) => s.peer!), ...o.outbound.filter((d) => d.result.server).map((d) => d.result.server!), ...mine];
  }
}
