/**
 * Voicemail interworking (IF-2, IF-6, IF-7, IF-8): the role interfaces the steps of features/interworking
 * and EVVM-AUTH-06..08 talk to, and their embedded implementations: the EVVM Server's SMTP interfaces
 * (around the embedded EVVM Server), the Forwarding Gateway, the Non-OMA VM Service, a second EVVM Server
 * in the peer domain peer.example, and the harness's equipment (test senders with chosen certificates,
 * impostor servers, the S/MIME signer). Roles observe; they do not judge. The container topology runs the
 * same simulators, built by the same helpers (harness/simulate/driven/interworking.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import {
  EvvmInterworking,
  type EvvmInterworkingOptions,
  type InterworkingObservations,
  type LinkName,
  type OutboundDelivery,
  type SmtpInterface,
} from '../../../simulators/evvm-server/interworking';
import { ForwardingGateway, type ExternalDelivery, type GatewayReceipt } from '../../../simulators/forwarding-gateway';
import { NonOmaVm, type VpimReceipt } from '../../../simulators/non-oma-vm';
import { deliver, SmtpConnection, type DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { InterworkingPeer, InterworkingPeerOptions } from '../../../simulators/protocol/smtp/interworking-peer';
import { SmtpListener, type InboundSession, type ReceivedMessage } from '../../../simulators/protocol/smtp/server';
import type { LinkPolicy, SmtpEndpoint, SmtpTransport, TlsCredential } from '../../../simulators/protocol/smtp/types';
import { opensslSigner, type SignatureCheck } from '../../../simulators/protocol/smtp/smime';
import { vpimEntity, vpimMessage } from '../../../simulators/protocol/smtp/vpim';
import { reEncode as reEncodeMime } from '../../../simulators/protocol/smtp/re-encode';
import { clientCaPem } from '../../../simulators/crypto/pki/trust';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import type { TranscriptSink } from '../../../evidence/transcript';
import { registerSecret } from '../../../evidence/secrets';
import type { Profile } from '../../profile/profile';
import { resolveTrustAnchors } from '../../profile/sections/interworking';
import type { TestAccount } from '../accounts';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

export type { SmtpInterface, LinkName } from '../../../simulators/evvm-server/interworking';

/** The EVVM Server's domain and name, and those of the peer domain's EVVM Server. */
export const HOME = { domain: 'op.example', identity: 'evvm-server.op.example' } as const;
export const PEER = { domain: 'peer.example', identity: 'evvm-server.peer.example', mailbox: 'dave' } as const;
/** the peer domain's one mailbox, by its e-mail identifier */
export const PEER_ADDRESS = `${PEER.mailbox}@${PEER.domain}`;
export const NON_OMA = { domain: 'legacy-vm.example', identity: 'non-oma-vm.op.example' } as const;
export const FGW = { identity: 'forwarding-gateway.op.example' } as const;

/** The certificate a sender presents: a valid one for its role, none, a flawed twin, or a valid one of another host. */
export type PeerCertificate = 'valid' | 'missing' | 'untrusted-ca' | 'expired' | 'revoked' | 'another-host';
/** What an impostor server presents instead of the genuine peer's certificate. */
export type ServerCertificateFlaw = 'untrusted-ca' | 'expired' | 'another-host';
/** Whom a test sender or an impostor pretends to be: one of the links' peers, or the EVVM Server itself. */
export type Party = LinkName | 'evvmServer';

// which test PKI leaves each party holds, and whose valid certificate is "another host" for it
const SERVER_LEAF: Record<Party, string> = { forwardingGateway: 'forwarding-gateway', nonOmaVm: 'non-oma-vm', interServer: 'evvm-server-peer', evvmServer: 'evvm-server' };
const CLIENT_LEAF: Record<Party, string> = { forwardingGateway: 'forwarding-gateway-client', nonOmaVm: 'non-oma-vm-client', interServer: 'evvm-server-peer-client', evvmServer: 'evvm-server-client' };
const OTHER_SERVER: Record<Party, string> = { forwardingGateway: 'non-oma-vm', nonOmaVm: 'forwarding-gateway', interServer: 'forwarding-gateway', evvmServer: 'evvm-server-peer' };
const OTHER_CLIENT: Record<Party, string> = { forwardingGateway: 'non-oma-vm-client', nonOmaVm: 'evvm-server-peer-client', interServer: 'forwarding-gateway-client', evvmServer: 'evvm-server-peer-client' };
const PARTY_NAME: Record<Party, string> = { forwardingGateway: 'Forwarding Gateway', nonOmaVm: 'Non-OMA VM Service', interServer: 'Peer EVVM Server', evvmServer: 'EVVM Server' };

export function clientCredential(pki: TestPki, party: Party, kind: PeerCertificate): TlsCredential | undefined {
  const c = kind === 'missing' ? undefined : kind === 'valid' ? pki.leaf(CLIENT_LEAF[party]) : kind === 'another-host' ? pki.leaf(OTHER_CLIENT[party]) : pki.bad(CLIENT_LEAF[party], kind);
  return c && { chainPem: c.chainPem, keyPem: c.keyPem };
}

export function serverCredential(pki: TestPki, party: Party, flaw?: ServerCertificateFlaw): { key: string; cert: string } {
  const c = !flaw ? pki.leaf(SERVER_LEAF[party]) : flaw === 'another-host' ? pki.leaf(OTHER_SERVER[party]) : pki.bad(SERVER_LEAF[party], flaw);
  return { key: c.keyPem, cert: c.chainPem };
}

// --- role interfaces ---

/** The EVVM Server's SMTP interfaces: the implementation under test for this clause. */
export interface EvvmSmtpRole {
  readonly actor: string;
  readonly domain: string;
  endpoint(iface: SmtpInterface, transport: SmtpTransport): SmtpEndpoint | undefined;
  /** configures the server: what is deposited in the mailbox is forwarded to the address */
  setForwarding(identifier: string, address: string): Promise<void>;
  /** a caller leaves a voicemail in a mailbox */
  leaveVoicemail(identifier: string, raw: Buffer): Promise<void>;
  /** points a link (for interServer: a peer domain) at an endpoint: the harness's peer or an impostor */
  route(link: LinkName, endpoint: SmtpEndpoint, domain?: string): Promise<void>;
  /** waits until `count` relays over the links have finished, whatever their result */
  outbound(count: number): Promise<OutboundDelivery[]>;
  observations(): Promise<InterworkingObservations>;
  mailbox(identifier: string): Promise<Array<{ uid: number; flags: string[]; raw: Buffer }>>;
}

export interface ForwardingGatewayRole {
  readonly actor: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<GatewayReceipt[]>;
  forwarded(): Promise<ExternalDelivery[]>;
  sessions(): Promise<InboundSession[]>;
  /** reports a forwarding result to the EVVM Server, presenting the given certificate */
  reportResult(to: string, certificate: PeerCertificate): Promise<DeliveryResult>;
}

export interface NonOmaVmRole {
  readonly actor: string;
  readonly domain: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<VpimReceipt[]>;
  sessions(): Promise<InboundSession[]>;
  /** sends a VPIM voicemail from a subscriber to an EVVM address, to the EVVM Server (or `target`) */
  sendVoicemail(message: { from: string; to: string; messageId?: string }, certificate: PeerCertificate, target?: SmtpEndpoint): Promise<DeliveryResult>;
}

export interface PeerEvvmServerRole {
  readonly actor: string;
  readonly domain: string;
  /** the e-mail identifier of the peer's mailbox */
  readonly mailboxAddress: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  mailbox(): Promise<Array<{ uid: number; flags: string[]; raw: Buffer }>>;
  observations(): Promise<InterworkingObservations>;
  /** relays a voicemail to the EVVM Server; a certificate other than 'valid' makes it an impostor */
  sendVoicemail(message: { from: string; to: string; raw: Buffer }, certificate: PeerCertificate, transport?: SmtpTransport): Promise<DeliveryResult>;
  /** harness behaviour (not a fault): the peer re-encodes what it relays, like a careless relay */
  reEncodeRelays(on: boolean): void;
}

/** An SMTP server with a flawed certificate, standing where a genuine peer should be. */
export interface ImpostorServer {
  readonly actor: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<ReceivedMessage[]>;
  sessions(): Promise<InboundSession[]>;
}

/** The harness's own equipment for this clause. */
export interface InterworkingEquipment {
  /**
   * An impostor in place of a party: for a link, the EVVM Server is routed to it; 'no-starttls' is a peer
   * that does not offer STARTTLS (a downgrade).
   */
  impostor(party: Party, flaw: ServerCertificateFlaw | 'no-starttls'): Promise<ImpostorServer>;
  /** a sender that presents `certificate` as `party` and delivers to an endpoint */
  send(
    target: SmtpEndpoint,
    as: Party,
    certificate: PeerCertificate,
    message: { from: string; to: string; raw: Buffer },
    options?: { noTls?: boolean },
  ): Promise<DeliveryResult>;
  /** a raw SMTP session (STD-01 probes) */
  open(target: SmtpEndpoint): Promise<SmtpConnection>;
  /** a VPIM voicemail, S/MIME signed by the party that deposited it */
  voicemail(from: string, to: string, signedBy?: Party): Promise<{ raw: Buffer; messageId: string }>;
  verifySignature(raw: Buffer): Promise<SignatureCheck>;
}

declare module '../../roles/contract' {
  interface RoleMap {
    'evvm-server-smtp': EvvmSmtpRole;
    'forwarding-gateway': ForwardingGatewayRole;
    'non-oma-vm': NonOmaVmRole;
    'evvm-server-peer': PeerEvvmServerRole;
    'interworking-equipment': InterworkingEquipment;
  }
}

// --- configuration and behaviour shared by the embedded topology, `simulate` and the container topology ---

function linkPolicy(profile: Profile, pki: TestPki, link: LinkName): LinkPolicy {
  const p = profile.policy.interfaces[link];
  return { mutualAuth: p.mutualAuth, trustAnchors: resolveTrustAnchors(p.trustAnchors, pki), crl: [...pki.crls], peerIdentities: [...p.peerIdentities] };
}

/** The links whose far end the harness simulates as an SMTP voicemail endpoint (InterworkingPeer). */
export type PeerLink = 'forwardingGateway' | 'nonOmaVm';

// each such peer's name, and its role name, which is also the prefix of its fault names
const PEER_LINK: Record<PeerLink, { identity: string; role: 'forwarding-gateway' | 'non-oma-vm' }> = {
  forwardingGateway: { identity: FGW.identity, role: 'forwarding-gateway' },
  nonOmaVm: { identity: NON_OMA.identity, role: 'non-oma-vm' },
};

/** The policy the Forwarding Gateway and the Non-OMA VM Service apply to the EVVM Server on their link. */
export function evvmServerPolicyOf(profile: Profile, pki: TestPki, link: PeerLink): LinkPolicy {
  return { ...linkPolicy(profile, pki, link), peerIdentities: [HOME.identity] };
}

/** The Forwarding Gateway or the Non-OMA VM Service as the profile configures it: the embedded topology and `simulate` alike. */
export function interworkingPeerConfig(ctx: { pki: TestPki; profile: Profile; faults: readonly string[] }, link: PeerLink): InterworkingPeerOptions {
  const { identity, role } = PEER_LINK[link];
  return {
    identity,
    tls: serverCredential(ctx.pki, link),
    clientCredential: clientCredential(ctx.pki, link, 'valid')!,
    evvmServerPolicy: evvmServerPolicyOf(ctx.profile, ctx.pki, link),
    faults: ctx.faults.filter((f) => f.startsWith(`${role}:`)),
  };
}

/** The EVVM Server's SMTP interfaces as the profile configures them (the implementation under test). */
export function homeInterworkingConfig(args: { server: EvvmServer; pki: TestPki; profile: Profile; accounts: readonly TestAccount[]; transcript?: TranscriptSink; host?: string }): EvvmInterworkingOptions {
  const { pki, profile } = args;
  const leaf = pki.leaf('evvm-server');
  const client = pki.leaf('evvm-server-client');
  const link = (name: LinkName, peerName: string) => ({ policy: linkPolicy(profile, pki, name), peerDomains: [...profile.policy.interfaces[name].peerDomains], peerName });
  return {
    server: args.server,
    ...(args.host ? { host: args.host } : {}),
    domain: HOME.domain,
    identity: HOME.identity,
    tls: { key: leaf.keyPem, cert: leaf.chainPem },
    clientCredential: { chainPem: client.chainPem, keyPem: client.keyPem },
    links: { forwardingGateway: link('forwardingGateway', 'Forwarding Gateway'), nonOmaVm: link('nonOmaVm', 'Non-OMA VM Service'), interServer: link('interServer', 'Peer EVVM Server') },
    depositAnchors: clientCaPem(pki),
    submitters: args.accounts.map((a) => ({ identifiers: Object.values(a.identifiers), password: a.password, blocked: a.blocked })),
    contentSigner: opensslSigner,
    signatureAnchors: pki.trustAnchorPem,
    ...(args.transcript ? { transcript: args.transcript } : {}),
  };
}

/** The peer domain's EVVM Server: the same simulators, configured for evvm-server.peer.example; conformant. */
export async function startPeerEvvmServer(args: { pki: TestPki; transcript?: TranscriptSink; host?: string }): Promise<{ server: EvvmServer; interworking: EvvmInterworking; password: string; stop(): Promise<void> }> {
  const { pki } = args;
  const password = randomBytes(12).toString('base64url');
  registerSecret(password);
  const leaf = pki.leaf('evvm-server-peer');
  const client = pki.leaf('evvm-server-peer-client');
  const identifiers = [`tel:+15560004`, `sip:${PEER.mailbox}@${PEER.domain}`, `${PEER.mailbox}@${PEER.domain}`];
  const server = new EvvmServer({
    actor: 'Peer EVVM Server',
    ...(args.host ? { host: args.host } : {}),
    listen: { implicitTls: true },
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: clientCaPem(pki), crl: [...pki.crls] },
    policy: { requireTls: true, clientCertificate: 'none', saslMechanisms: ['PLAIN'], loginCommand: true },
    mailboxes: [{ identifiers, password, state: 'active', voicemails: [] }],
    faults: [],
    ...(args.transcript ? { transcript: args.transcript } : {}),
  });
  const strict = (identity: string, domains: string[], peerName: string) => ({
    policy: { mutualAuth: true, trustAnchors: clientCaPem(pki), crl: [...pki.crls], peerIdentities: [identity] },
    peerDomains: domains,
    peerName,
  });
  const interworking = new EvvmInterworking({
    server,
    actor: 'Peer EVVM Server',
    ...(args.host ? { host: args.host } : {}),
    domain: PEER.domain,
    identity: PEER.identity,
    tls: { key: leaf.keyPem, cert: leaf.chainPem },
    clientCredential: { chainPem: client.chainPem, keyPem: client.keyPem },
    links: {
      interServer: strict(HOME.identity, [HOME.domain], 'EVVM Server'),
      forwardingGateway: strict(`forwarding-gateway.${PEER.domain}`, [`forwarding-gateway.${PEER.domain}`], 'Forwarding Gateway'),
      nonOmaVm: strict(`non-oma-vm.${PEER.domain}`, [], 'Non-OMA VM Service'),
    },
    depositAnchors: clientCaPem(pki),
    submitters: [{ identifiers, password }],
    contentSigner: opensslSigner,
    signatureAnchors: pki.trustAnchorPem,
    ...(args.transcript ? { transcript: args.transcript } : {}),
  });
  await server.start();
  await interworking.start();
  return { server, interworking, password, stop: async () => (await Promise.all([interworking.stop(), server.stop()]), undefined) };
}

/** Points one of the EVVM Server's links at an endpoint; for interServer, the route to a peer domain. */
export function routeLink(iw: EvvmInterworking, link: LinkName, endpoint: SmtpEndpoint, domain?: string): void {
  if (link === 'interServer') iw.routeDomain(domain ?? PEER.domain, endpoint);
  else iw.route(link, endpoint);
}

/**
 * The peer EVVM Server relays a voicemail to the EVVM Server at `target`: with a valid certificate it is
 * the genuine peer (its own policy and behaviour, re-encoding if the harness asked it to); with any other
 * it is an impostor presenting that certificate.
 */
export async function relayFromPeer(
  peer: { interworking: EvvmInterworking },
  ctx: { pki: TestPki; transcript: TranscriptSink },
  request: { message: { from: string; to: string; raw: Buffer }; certificate: PeerCertificate; target: SmtpEndpoint; reEncode: boolean },
): Promise<DeliveryResult> {
  const { message, certificate, target } = request;
  // the peer is the harness's instrument: whatever the recipient's domain, it goes to the EVVM Server
  peer.interworking.routeDomain(message.to.slice(message.to.lastIndexOf('@') + 1), target);
  if (certificate === 'valid') return (await peer.interworking.send('interServer', { ...message, raw: request.reEncode ? reEncodeMime(message.raw) : message.raw })).result;
  return deliver({
    actor: 'Impostor EVVM Server',
    peer: 'EVVM Server',
    endpoint: target,
    heloName: PEER.identity,
    serverPolicy: { mutualAuth: true, trustAnchors: ctx.pki.trustAnchorPem, peerIdentities: [HOME.identity] },
    ...(certificate === 'missing' ? {} : { credential: clientCredential(ctx.pki, 'interServer', certificate)! }),
    from: message.from,
    to: [message.to],
    message: message.raw,
    transcript: ctx.transcript,
  });
}

/** The name a party's servers prove (what an impostor of it must prove too). */
export function serverNameOf(party: Party): string {
  return party === 'evvmServer' ? HOME.identity : party === 'interServer' ? PEER.identity : party === 'nonOmaVm' ? NON_OMA.identity : FGW.identity;
}

/**
 * An SMTP server standing in for a party with a flawed certificate, or without STARTTLS (a downgrade),
 * not yet started. It accepts anyone: it exists to collect what a careless sender hands it.
 */
export function smtpImpostor(ctx: { pki: TestPki; transcript: TranscriptSink }, party: Party, flaw: ServerCertificateFlaw | 'no-starttls'): { actor: string; servername: string; listener: SmtpListener; received(): ReceivedMessage[] } {
  const actor = flaw === 'no-starttls' ? `${PARTY_NAME[party]} without STARTTLS` : `Impostor ${PARTY_NAME[party]}`;
  const received: ReceivedMessage[] = [];
  const servername = serverNameOf(party);
  const listener = new SmtpListener({
    actor,
    peer: party === 'evvmServer' ? 'Non-OMA VM Service' : 'EVVM Server',
    name: servername,
    listen: { starttls: true, implicitTls: true },
    tls: serverCredential(ctx.pki, party, flaw === 'no-starttls' ? undefined : flaw),
    clientPolicy: { mutualAuth: false, trustAnchors: clientCaPem(ctx.pki), peerIdentities: [] },
    offerStartTls: () => flaw !== 'no-starttls',
    requireTls: () => false,
    onMessage: (m) => {
      received.push(m);
      return undefined;
    },
    transcript: ctx.transcript,
  });
  return { actor, servername, listener, received: () => [...received] };
}

/**
 * The harness's own equipment for this clause, in every topology: test senders, raw SMTP sessions, the
 * S/MIME voicemail builder and signer, signature verification. `impostor` is the topology's (adversaries).
 */
export function interworkingEquipment(
  ctx: { pki: TestPki; transcript: TranscriptSink; onStop(stop: () => Promise<void>): void },
  impostor: InterworkingEquipment['impostor'],
): InterworkingEquipment {
  return {
    impostor,
    send: (target, as, certificate, message, options) =>
      deliver({
        actor: `Test Sender (as ${PARTY_NAME[as]})`,
        peer: 'EVVM Server',
        endpoint: target,
        heloName: `test-sender.${HOME.domain}`,
        serverPolicy: { mutualAuth: true, trustAnchors: ctx.pki.trustAnchorPem, peerIdentities: [target.servername] },
        ...(certificate === 'missing' ? {} : { credential: clientCredential(ctx.pki, as, certificate)! }),
        ...(options?.noTls ? { noTls: true } : {}),
        from: message.from,
        to: [message.to],
        message: message.raw,
        transcript: ctx.transcript,
      }),
    open: async (target) => {
      const c = await SmtpConnection.open({ actor: 'Test Client', peer: 'EVVM Server', endpoint: target, tls: { trustAnchors: ctx.pki.trustAnchorPem }, transcript: ctx.transcript });
      ctx.onStop(async () => c.close());
      return c;
    },
    voicemail: async (from, to, signedBy) => {
      const messageId = `<vm-${randomUUID().slice(0, 12)}@${from.includes('@') ? from.split('@')[1] : HOME.domain}>`;
      const vm = { from, to, messageId, audio: randomBytes(600), subject: `voice message for ${to}` };
      if (!signedBy) return { raw: vpimMessage(vm), messageId };
      const leaf = ctx.pki.leaf(SERVER_LEAF[signedBy]);
      const signed = await opensslSigner.sign(vpimEntity(vm), { chainPem: leaf.chainPem, keyPem: leaf.keyPem });
      ctx.transcript.record({ actor: PARTY_NAME[signedBy], channel: 'cms', dir: 'event', text: `signed ${messageId} (S/MIME multipart/signed, signer ${leaf.subject})` });
      return { raw: vpimMessage(vm, signed), messageId };
    },
    verifySignature: async (raw) => {
      const r = await opensslSigner.verify(raw, ctx.pki.trustAnchorPem);
      ctx.transcript.record({ actor: 'Harness', channel: 'cms', dir: 'event', text: `openssl cms -verify: ${r.valid ? 'valid' : 'INVALID'}: ${r.reason}${r.signer ? ` (signer ${r.signer})` : ''}` });
      return r;
    },
  };
}

// --- embedded implementations ---

registerEmbeddedRole('evvm-server-smtp', async (ctx) => {
  const server = await ctx.evvmServer();
  const iw = new EvvmInterworking(homeInterworkingConfig({ server, pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, transcript: ctx.transcript }));
  await iw.start();
  ctx.onStop(() => iw.stop());
  return {
    actor: iw.actor,
    domain: HOME.domain,
    endpoint: (iface, transport) => iw.endpoint(iface, transport),
    setForwarding: async (identifier, address) => iw.setForwarding(identifier, address),
    leaveVoicemail: async (identifier, raw) => void server.deposit(identifier, { raw }),
    route: async (link, endpoint, domain) => routeLink(iw, link, endpoint, domain),
    outbound: (count) => iw.waitForOutbound(count),
    observations: async () => iw.observations(),
    mailbox: async (identifier) => server.messages(identifier),
  };
});

registerEmbeddedRole('forwarding-gateway', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const fgw = await startInterworkingPeer(ctx, home, 'forwardingGateway', (options) => new ForwardingGateway(options));
  return {
    actor: fgw.actor,
    endpoint: (t) => fgw.endpoint(t),
    received: async () => fgw.received(),
    forwarded: async () => fgw.forwarded(),
    sessions: async () => fgw.sessions(),
    reportResult: (to, certificate) => {
      const target = home.endpoint('forwardingGateway', 'starttls');
      if (!target) throw new Error('the EVVM Server has no Forwarding Gateway interface');
      return fgw.reportResult(target, { to, credential: clientCredential(ctx.pki, 'forwardingGateway', certificate) ?? null });
    },
  };
});

registerEmbeddedRole('non-oma-vm', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const vm = await startInterworkingPeer(ctx, home, 'nonOmaVm', (options) => new NonOmaVm({ ...options, domain: NON_OMA.domain }));
  return {
    actor: vm.actor,
    domain: NON_OMA.domain,
    endpoint: (t) => vm.endpoint(t),
    received: async () => vm.received(),
    sessions: async () => vm.sessions(),
    sendVoicemail: (message, certificate, target) => {
      const t = target ?? home.endpoint('nonOmaVm', 'starttls');
      if (!t) throw new Error('the EVVM Server has no Non-OMA VM interface');
      return vm.sendVoicemail(t, { ...message, credential: clientCredential(ctx.pki, 'nonOmaVm', certificate) ?? null });
    },
  };
});

/** Starts the Forwarding Gateway or the Non-OMA VM Service and points the EVVM Server's link at it. */
async function startInterworkingPeer<P extends InterworkingPeer<string>>(ctx: EmbeddedContext, home: EvvmSmtpRole, link: PeerLink, make: (options: InterworkingPeerOptions) => P): Promise<P> {
  const peer = make({ ...interworkingPeerConfig(ctx, link), transcript: ctx.transcript });
  await peer.start();
  ctx.onStop(() => peer.stop());
  await home.route(link, peer.endpoint('starttls'));
  return peer;
}

registerEmbeddedRole('evvm-server-peer', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const peer = await startPeerEvvmServer({ pki: ctx.pki, transcript: ctx.transcript });
  ctx.onStop(peer.stop);
  let reEncode = false;
  const homeIn = (t: SmtpTransport): SmtpEndpoint => {
    const e = home.endpoint('interServer', t);
    if (!e) throw new Error(`the EVVM Server has no server-to-server ${t} interface`);
    return e;
  };
  peer.interworking.routeDomain(HOME.domain, homeIn('starttls'));
  await home.route('interServer', peer.interworking.endpoint('interServer', 'starttls')!, PEER.domain);
  return {
    actor: peer.interworking.actor,
    domain: PEER.domain,
    mailboxAddress: PEER_ADDRESS,
    endpoint: (t) => peer.interworking.endpoint('interServer', t)!,
    mailbox: async () => peer.server.messages(PEER_ADDRESS),
    observations: async () => peer.interworking.observations(),
    reEncodeRelays: (on) => {
      reEncode = on;
    },
    sendVoicemail: (message, certificate, transport = 'starttls') => relayFromPeer(peer, ctx, { message, certificate, target: homeIn(transport), reEncode }),
  };
});

registerEmbeddedRole('interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  return interworkingEquipment(ctx, (party, flaw) => startImpostor(ctx, home, party, flaw));
});

async function startImpostor(ctx: EmbeddedContext, home: EvvmSmtpRole, party: Party, flaw: ServerCertificateFlaw | 'no-starttls'): Promise<ImpostorServer> {
  const impostor = smtpImpostor(ctx, party, flaw);
  const ports = await impostor.listener.start();
  ctx.onStop(() => impostor.listener.stop());
  const endpoint = (t: SmtpTransport): SmtpEndpoint => ({ host: '127.0.0.1', port: (t === 'starttls' ? ports.smtp : ports.smtps)!, servername: impostor.servername, transport: t });
  if (party !== 'evvmServer') await home.route(party, endpoint('starttls'), PEER.domain);
  return { actor: impostor.actor, endpoint, received: async () => impostor.received(), sessions: async () => impostor.listener.observations() };
}
