/**
 * Voicemail interworking (IF-2, IF-6, IF-7, IF-8; EVVM-IW-C01..C04, EVVM-AUTH-06..08, STD-01): the
 * contract of the roles the steps of features/interworking and EVVM-AUTH-06..08 talk to. The EVVM
 * Server's SMTP interfaces (around the scenario's EVVM Server: the implementation under test), the
 * Forwarding Gateway, the Non-OMA VM Service, a second EVVM Server in the peer domain peer.example, and
 * the harness's equipment (the SMTP test sender with chosen certificates, impostor servers, the S/MIME
 * signer). Roles observe; they do not judge (harness/conditions/interworking does). What every topology
 * shares is here: the configuration of each simulator, the peer's relay, the impostor, the equipment,
 * what the steps read back from the roles, and the routes by which the container topology drives them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import {
  EvvmInterworking,
  LINKS,
  type EvvmInterworkingOptions,
  type InterworkingObservations,
  type LinkName,
  type OutboundDelivery,
  type SmtpInterface,
} from '../../simulators/evvm-server/interworking';
import type { ExternalDelivery, GatewayReceipt } from '../../simulators/forwarding-gateway';
import type { VpimReceipt } from '../../simulators/non-oma-vm';
import { deliver, type DeliveryResult } from '../../simulators/protocol/smtp/client';
import type { InterworkingPeerOptions } from '../../simulators/protocol/smtp/interworking-peer';
import { SmtpListener, type InboundSession, type ReceivedMessage } from '../../simulators/protocol/smtp/server';
import type { LinkPolicy, SmtpEndpoint, SmtpTransport, TlsCredential } from '../../simulators/protocol/smtp/types';
import { opensslSigner, type SignatureCheck } from '../../simulators/protocol/smtp/smime';
import { vpimEntity, vpimMessage } from '../../simulators/protocol/smtp/vpim';
import { reEncode as reEncodeMime } from '../../simulators/protocol/smtp/re-encode';
import { CERTIFICATE_FLAWS } from '../../simulators/crypto/pki';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { CertificateFlaw, TestPki } from '../../simulators/crypto/pki/types';
import type { TranscriptSink } from '../../evidence/transcript';
import { registerSecret } from '../../evidence/secrets';
import type { Profile } from '../profile/profile';
import { resolveTrustAnchors } from '../profile/sections/interworking';
import type { TestAccount } from '../topology/accounts';
import { SmtpSender, type SmtpMessage, type SmtpTestSession } from '../equipment/smtp-sender';
import type { NotApplicable } from '../engine/outcomes';
import { defineRole, route } from './contract';

export type { SmtpInterface, LinkName } from '../../simulators/evvm-server/interworking';

/** The EVVM Server's domain and name, and those of the peer domain's EVVM Server. */
export const HOME = { domain: 'op.example', identity: 'evvm-server.op.example' } as const;
export const PEER = { domain: 'peer.example', identity: 'evvm-server.peer.example', mailbox: 'dave' } as const;
/** the peer domain's one mailbox, by its e-mail identifier */
export const PEER_ADDRESS = `${PEER.mailbox}@${PEER.domain}`;
export const NON_OMA = { domain: 'legacy-vm.example', identity: 'non-oma-vm.op.example' } as const;
export const FGW = { identity: 'forwarding-gateway.op.example' } as const;

/**
 * The client certificate a sender presents: a valid one for its role, none, a flawed twin, or
 * ('wrong-host') a valid certificate of the test PKI issued for another host.
 */
export const PEER_CERTIFICATES = ['valid', 'missing', 'untrusted-ca', 'expired', 'revoked', 'wrong-host'] as const;
export type PeerCertificate = (typeof PEER_CERTIFICATES)[number];
/** What stands where a genuine party should: a server whose certificate has a flaw ('wrong-host': another host's), or one without STARTTLS (a downgrade). */
export type ImpostorKind = CertificateFlaw | 'no-starttls';
/** Whom a test sender or an impostor pretends to be: one of the links' peers, or the EVVM Server itself. */
export type Party = LinkName | 'evvmServer';

// which test PKI leaves each party holds, and whose valid certificate is "another host" for it
const SERVER_LEAF: Record<Party, string> = { forwardingGateway: 'forwarding-gateway', nonOmaVm: 'non-oma-vm', interServer: 'evvm-server-peer', evvmServer: 'evvm-server' };
const CLIENT_LEAF: Record<Party, string> = { forwardingGateway: 'forwarding-gateway-client', nonOmaVm: 'non-oma-vm-client', interServer: 'evvm-server-peer-client', evvmServer: 'evvm-server-client' };
const OTHER_SERVER: Record<Party, string> = { forwardingGateway: 'non-oma-vm', nonOmaVm: 'forwarding-gateway', interServer: 'forwarding-gateway', evvmServer: 'evvm-server-peer' };
const OTHER_CLIENT: Record<Party, string> = { forwardingGateway: 'non-oma-vm-client', nonOmaVm: 'evvm-server-peer-client', interServer: 'forwarding-gateway-client', evvmServer: 'evvm-server-peer-client' };
const PARTY_NAME: Record<Party, string> = { forwardingGateway: 'Forwarding Gateway', nonOmaVm: 'Non-OMA VM Service', interServer: 'Peer EVVM Server', evvmServer: 'EVVM Server' };

export function clientCredential(pki: TestPki, party: Party, kind: PeerCertificate): TlsCredential | undefined {
  const c = kind === 'missing' ? undefined : kind === 'valid' ? pki.leaf(CLIENT_LEAF[party]) : kind === 'wrong-host' ? pki.leaf(OTHER_CLIENT[party]) : pki.bad(CLIENT_LEAF[party], kind);
  return c && { chainPem: c.chainPem, keyPem: c.keyPem };
}

export function serverCredential(pki: TestPki, party: Party, flaw?: CertificateFlaw): { key: string; cert: string } {
  const c = !flaw ? pki.leaf(SERVER_LEAF[party]) : flaw === 'wrong-host' ? pki.leaf(OTHER_SERVER[party]) : pki.bad(SERVER_LEAF[party], flaw);
  return { key: c.keyPem, cert: c.chainPem };
}

// --- role interfaces ---

export type Mailbox = Array<{ uid: number; flags: string[]; raw: Buffer }>;

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
  mailbox(identifier: string): Promise<Mailbox>;
}

/**
 * Where test equipment reaches an SMTP server's TLS interface (STD-07's version probe), and the client
 * certificate it accepts there; undefined: it serves no such transport. A server under test answers it (its
 * declared transports, iut.clientCertificate); the harness's own servers serve both and need none.
 */
export interface SmtpTlsInterface {
  tlsInterface?(transport: SmtpTransport): Promise<{ endpoint: SmtpEndpoint; certificate?: { chainPem: string; keyPem: string } } | undefined>;
}

export interface ForwardingGatewayRole extends SmtpTlsInterface {
  readonly actor: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<GatewayReceipt[]>;
  forwarded(): Promise<ExternalDelivery[]>;
  sessions(): Promise<InboundSession[]>;
  /** reports a forwarding result to the EVVM Server, presenting the given certificate (a gateway under test may not report any) */
  reportResult(to: string, certificate: PeerCertificate): Promise<DeliveryResult | NotApplicable>;
}

export interface NonOmaVmRole extends SmtpTlsInterface {
  readonly actor: string;
  readonly domain: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<VpimReceipt[]>;
  sessions(): Promise<InboundSession[]>;
  /** sends a VPIM voicemail from a subscriber to an EVVM address, to the EVVM Server (or `target`) */
  sendVoicemail(message: { from: string; to: string; messageId?: string }, certificate: PeerCertificate, target?: SmtpEndpoint): Promise<DeliveryResult>;
}

export interface PeerEvvmServerRole extends SmtpTlsInterface {
  readonly actor: string;
  readonly domain: string;
  /** the e-mail identifier of the peer's mailbox */
  readonly mailboxAddress: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  mailbox(): Promise<Mailbox>;
  observations(): Promise<InterworkingObservations>;
  /** relays a voicemail to the EVVM Server (or `target`, an impostor of it); a certificate other than 'valid' makes it an impostor */
  sendVoicemail(message: SmtpMessage, certificate: PeerCertificate, transport?: SmtpTransport, target?: SmtpEndpoint): Promise<DeliveryResult>;
  /** harness behaviour (not a fault): the peer re-encodes what it relays, like a careless relay */
  reEncodeRelays(on: boolean): void;
}

/** An SMTP server with a flawed certificate (or without STARTTLS), standing where a genuine party should be. */
export interface ImpostorServer {
  readonly actor: string;
  endpoint(transport: SmtpTransport): SmtpEndpoint;
  received(): Promise<ReceivedMessage[]>;
  sessions(): Promise<InboundSession[]>;
}

/** The harness's own equipment for this clause. */
export interface InterworkingEquipment {
  /** an impostor in place of a party; for a link, the EVVM Server is routed to it */
  impostor(party: Party, kind: ImpostorKind): Promise<ImpostorServer>;
  /** the SMTP test sender, presenting `certificate` as `as`, delivers to an endpoint */
  send(target: SmtpEndpoint, as: Party, certificate: PeerCertificate, message: SmtpMessage, options?: { noTls?: boolean }): Promise<DeliveryResult>;
  /** an SMTP session of the test client (an EVVM Client depositing), driven command by command */
  session(target: SmtpEndpoint): Promise<SmtpTestSession>;
  /** a VPIM voicemail, S/MIME signed by the party that deposited it */
  voicemail(from: string, to: string, signedBy?: Party): Promise<{ raw: Buffer; messageId: string }>;
  verifySignature(raw: Buffer): Promise<SignatureCheck>;
}

declare module './contract' {
  interface RoleMap {
    'evvm-server-smtp': EvvmSmtpRole;
    'forwarding-gateway': ForwardingGatewayRole;
    'non-oma-vm': NonOmaVmRole;
    'evvm-server-peer': PeerEvvmServerRole;
    'interworking-equipment': InterworkingEquipment;
  }
}
defineRole('evvm-server-smtp');
defineRole('forwarding-gateway');
defineRole('non-oma-vm');
defineRole('evvm-server-peer');
defineRole('interworking-equipment');

/** The role that plays each party. */
export const PARTY_ROLE = { forwardingGateway: 'forwarding-gateway', nonOmaVm: 'non-oma-vm', interServer: 'evvm-server-peer', evvmServer: 'evvm-server-smtp' } as const satisfies Record<Party, string>;

// --- configuration and behaviour shared by the embedded topology, `simulate` and the containers ---

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

/** The Forwarding Gateway or the Non-OMA VM Service as the profile configures it: every topology and `simulate` alike. */
export function interworkingPeerConfig(ctx: { pki: TestPki; profile: Profile; faults: readonly string[] }, link: PeerLink): InterworkingPeerOptions {
  const { identity, role } = PEER_LINK[link];
  return {
    identity,
    tls: serverCredential(ctx.pki, link),
    clientCredential: clientCredential(ctx.pki, link, 'valid')!,
    // the policy they apply to the EVVM Server on their link
    evvmServerPolicy: { ...linkPolicy(ctx.profile, ctx.pki, link), peerIdentities: [HOME.identity] },
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

/** The EVVM Server's SMTP interfaces as the steps see them: the interworking around the server simulator. */
export function evvmSmtpRole(server: EvvmServer, iw: EvvmInterworking): EvvmSmtpRole {
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
}

export interface PeerEvvmServer {
  server: EvvmServer;
  interworking: EvvmInterworking;
  password: string;
  stop(): Promise<void>;
}

/**
 * The peer domain's EVVM Server: the same simulators, configured for evvm-server.peer.example; conformant.
 * `facing`: what it asks of the EVVM Server's client certificate, when not the harness's own (one under test).
 */
export async function startPeerEvvmServer(args: { pki: TestPki; transcript?: TranscriptSink; host?: string; facing?: LinkPolicy }): Promise<PeerEvvmServer> {
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
      interServer: { ...strict(HOME.identity, [HOME.domain], 'EVVM Server'), ...(args.facing ? { policy: args.facing } : {}) },
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

/** What the peer EVVM Server is asked to relay to the EVVM Server at `target`. */
export interface PeerRelay {
  message: SmtpMessage;
  certificate: PeerCertificate;
  target: SmtpEndpoint;
  reEncode: boolean;
}

/**
 * The peer EVVM Server relays a voicemail to the EVVM Server at `target`: with a valid certificate it is
 * the genuine peer (its own policy and behaviour, re-encoding if the harness asked it to); with any other
 * it is an impostor presenting that certificate.
 */
export async function relayFromPeer(peer: { interworking: EvvmInterworking }, ctx: { pki: TestPki; transcript: TranscriptSink }, request: PeerRelay): Promise<DeliveryResult> {
  const { message, certificate, target } = request;
  // the peer is the harness's instrument: whatever the recipient's domain, it goes to the EVVM Server
  peer.interworking.routeDomain(message.to.slice(message.to.lastIndexOf('@') + 1), target);
  if (certificate === 'valid') return (await peer.interworking.send('interServer', { ...message, raw: request.reEncode ? reEncodeMime(message.raw) : message.raw })).result;
  return relayAsImpostor(ctx, request);
}

/** An impostor of the peer EVVM Server, presenting a flawed certificate or none, relays a voicemail to the EVVM Server at `target`. */
export function relayAsImpostor(ctx: { pki: TestPki; transcript: TranscriptSink }, request: Omit<PeerRelay, 'reEncode'>): Promise<DeliveryResult> {
  const { message, certificate, target } = request;
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
function serverNameOf(party: Party): string {
  return party === 'evvmServer' ? HOME.identity : party === 'interServer' ? PEER.identity : party === 'nonOmaVm' ? NON_OMA.identity : FGW.identity;
}

export interface SmtpImpostor {
  actor: string;
  servername: string;
  listener: SmtpListener;
  received(): ReceivedMessage[];
}

/**
 * An SMTP server standing in for a party with a flawed certificate, or without STARTTLS (a downgrade),
 * not yet started. It accepts anyone: it exists to collect what a careless sender hands it.
 */
export function smtpImpostor(ctx: { pki: TestPki; transcript: TranscriptSink }, party: Party, kind: ImpostorKind): SmtpImpostor {
  const actor = kind === 'no-starttls' ? `${PARTY_NAME[party]} without STARTTLS` : `Impostor ${PARTY_NAME[party]}`;
  const received: ReceivedMessage[] = [];
  const servername = serverNameOf(party);
  const listener = new SmtpListener({
    actor,
    peer: party === 'evvmServer' ? 'Non-OMA VM Service' : 'EVVM Server',
    name: servername,
    listen: { starttls: true, implicitTls: true },
    tls: serverCredential(ctx.pki, party, kind === 'no-starttls' ? undefined : kind),
    clientPolicy: { mutualAuth: false, trustAnchors: clientCaPem(ctx.pki), peerIdentities: [] },
    offerStartTls: () => kind !== 'no-starttls',
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
 * The harness's own equipment for this clause, in every topology: the SMTP test sender (as any party,
 * with any certificate), the test client's sessions, the S/MIME voicemail builder and signer, signature
 * verification. `impostor` is the topology's (adversaries).
 */
export function interworkingEquipment(ctx: { pki: TestPki; transcript: TranscriptSink; onStop(stop: () => Promise<void>): void }, impostor: InterworkingEquipment['impostor']): InterworkingEquipment {
  const sender = new SmtpSender({ trustAnchorPem: ctx.pki.trustAnchorPem, transcript: ctx.transcript, onStop: ctx.onStop });
  return {
    impostor,
    send: (target, as, certificate, message, options) =>
      sender.deliver(target, { actor: `Test Sender (as ${PARTY_NAME[as]})`, heloName: `test-sender.${HOME.domain}`, credential: clientCredential(ctx.pki, as, certificate) }, message, options),
    session: (target) => sender.session(target, 'evvm-client.op.example'),
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

// --- the routes by which the container topology drives each simulator in its container ---

const nonEmpty = <T extends string>(values: readonly T[]): [T, ...T[]] => values as [T, ...T[]];
const Bytes = z.instanceof(Buffer);
const Empty = z.object({});
const Ok = z.object({ ok: z.literal(true) });
const Transport = z.enum(['starttls', 'implicit-tls']);
const Endpoint = z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string(), transport: Transport }) satisfies z.ZodType<SmtpEndpoint>;
const Link = z.enum(nonEmpty(LINKS));
const Certificate = z.enum(PEER_CERTIFICATES);
const Message = z.object({ from: z.string(), to: z.string(), raw: Bytes }) satisfies z.ZodType<SmtpMessage>;
const Ports = z.object({ smtp: z.number().int().optional(), smtps: z.number().int().optional() });
const Started = z.object({ actor: z.string(), servername: z.string(), ports: Ports });
const MailboxOf = z.array(z.object({ uid: z.number().int(), flags: z.array(z.string()), raw: Bytes })) satisfies z.ZodType<Mailbox>;
/** a simulator's own record, passed through as it made it */
const recordOf = <T>(...keys: string[]) => z.custom<T>((v) => typeof v === 'object' && v !== null && keys.every((k) => k in v));
const Delivery = recordOf<DeliveryResult>('delivered', 'stage', 'replies');
const Observations = recordOf<InterworkingObservations>('sessions', 'inbound', 'outbound');
const Sessions = z.array(recordOf<InboundSession>('conn', 'secure'));

export const INTERWORKING_ROUTES = {
  /** the EVVM Server's SMTP interfaces start around the scenario's EVVM Server (evvm-server container) */
  smtpStart: route(
    'evvm-server',
    'POST /evvm-server-smtp/start',
    Empty,
    z.object({ actor: z.string(), domain: z.string(), servername: z.string(), ports: z.record(z.enum(nonEmpty<SmtpInterface>(['deposit', ...LINKS])), Ports) }),
  ),
  forwarding: route('evvm-server', 'POST /evvm-server-smtp/forwarding', z.object({ identifier: z.string(), address: z.string() }), Ok),
  leaveVoicemail: route('evvm-server', 'POST /evvm-server-smtp/leave-voicemail', z.object({ identifier: z.string(), raw: Bytes }), Ok),
  /** endpoints as seen on the private network */
  route: route('evvm-server', 'POST /evvm-server-smtp/route', z.object({ link: Link, endpoint: Endpoint, domain: z.string().optional() }), Ok),
  outbound: route('evvm-server', 'POST /evvm-server-smtp/outbound', z.object({ count: z.number().int().nonnegative() }), z.array(recordOf<OutboundDelivery>('link', 'result'))),
  observations: route('evvm-server', 'GET /evvm-server-smtp/observations', Empty, Observations),
  mailbox: route('evvm-server', 'POST /evvm-server-smtp/mailbox', z.object({ identifier: z.string() }), MailboxOf),

  gatewayStart: route('forwarding-gateway', 'POST /forwarding-gateway/start', Empty, Started),
  gatewayReceived: route('forwarding-gateway', 'GET /forwarding-gateway/received', Empty, z.array(recordOf<GatewayReceipt>('from', 'to'))),
  gatewayForwarded: route('forwarding-gateway', 'GET /forwarding-gateway/forwarded', Empty, z.array(recordOf<ExternalDelivery>('to', 'raw'))),
  gatewaySessions: route('forwarding-gateway', 'GET /forwarding-gateway/sessions', Empty, Sessions),
  /** `target`: the EVVM Server's Forwarding Gateway interface, on the private network */
  reportResult: route('forwarding-gateway', 'POST /forwarding-gateway/report-result', z.object({ target: Endpoint, to: z.string(), certificate: Certificate }), Delivery),

  nonOmaStart: route('non-oma-vm', 'POST /non-oma-vm/start', Empty, Started.extend({ domain: z.string() })),
  nonOmaReceived: route('non-oma-vm', 'GET /non-oma-vm/received', Empty, z.array(recordOf<VpimReceipt>('to', 'vpim'))),
  nonOmaSessions: route('non-oma-vm', 'GET /non-oma-vm/sessions', Empty, Sessions),
  sendVpim: route(
    'non-oma-vm',
    'POST /non-oma-vm/send-voicemail',
    z.object({ target: Endpoint, message: z.object({ from: z.string(), to: z.string(), messageId: z.string().optional() }), certificate: Certificate }),
    Delivery,
  ),

  /** `home`: the EVVM Server's server-to-server STARTTLS endpoint, where the peer relays op.example's mail */
  peerStart: route('evvm-server-peer', 'POST /evvm-server-peer/start', z.object({ home: Endpoint }), Started.extend({ mailboxAddress: z.string() })),
  peerMailbox: route('evvm-server-peer', 'GET /evvm-server-peer/mailbox', Empty, MailboxOf),
  peerObservations: route('evvm-server-peer', 'GET /evvm-server-peer/observations', Empty, Observations),
  /** `reEncode` is the harness's switch (reEncodeRelays), sent with each relay */
  peerRelay: route(
    'evvm-server-peer',
    'POST /evvm-server-peer/send-voicemail',
    z.object({ message: Message, certificate: Certificate, target: Endpoint, reEncode: z.boolean() }) satisfies z.ZodType<PeerRelay>,
    Delivery,
  ),

  /** an SMTP impostor in the adversaries container; `id` names it in this scenario */
  impostorStart: route(
    'adversaries',
    'POST /smtp-impostor/start',
    z.object({ party: z.enum(nonEmpty<Party>([...LINKS, 'evvmServer'])), kind: z.enum(nonEmpty<ImpostorKind>([...CERTIFICATE_FLAWS, 'no-starttls'])) }),
    Started.extend({ id: z.string() }),
  ),
  impostorReceived: route('adversaries', 'POST /smtp-impostor/received', z.object({ id: z.string() }), z.array(recordOf<ReceivedMessage>('from', 'raw'))),
  impostorSessions: route('adversaries', 'POST /smtp-impostor/sessions', z.object({ id: z.string() }), Sessions),
};
