/**
 * The interworking roles (harness/roles/interworking.ts) when a vendor's EVVM Server is under test on its
 * SMTP interworking side (iut.role evvm-server-interworking). The harness's Forwarding Gateway, Non-OMA VM
 * Service and peer EVVM Server hand it mail on their links, presenting the client certificate the profile
 * says it accepts from each, none, or a flawed one, and checking its server certificate against the
 * profile's anchor and name. What it took is what it accepted on the wire (250 after DATA), judged per link;
 * the copy it stored is not shown. A caller's voicemail it must relay, it relays by its send trigger
 * (iut.send) to where the scenario routes the link: the harness's party, which takes its client certificate
 * by iut.trustAnchor, or an impostor; what arrived there is the evidence. Without a trigger, inconclusive.
 */
import { randomBytes } from 'node:crypto';
import type { OutboundDelivery } from '../../../simulators/evvm-server/interworking';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { InboundSession } from '../../../simulators/protocol/smtp/server';
import type { LinkPolicy, PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from '../../../simulators/protocol/smtp/types';
import { vpimMessage } from '../../../simulators/protocol/smtp/vpim';
import { messageId } from '../../../simulators/crypto/cms/voicemail';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import { SmtpSender, type SmtpMessage } from '../../equipment/smtp-sender';
import type { EvvmServerInterworkingIut } from '../../profile/sections/iut';
import * as contract from '../../roles/interworking';
import { forwardingGatewayParty, nonOmaVmParty, peerEvvmServerParty, startImpostor } from '../embedded/interworking';
import { missing } from '../external';
import { registerExternalRole, type ExternalContext } from '../registry';
import { impostorDestination, triggerDelivery, type Destination } from './smtp-peer';

type Ctx = ExternalContext<EvvmServerInterworkingIut>;
type Link = contract.LinkName;
type Iface = contract.SmtpInterface;
const ACTOR = 'EVVM Server (IUT)';
// who faces the IUT on each interface: a party of the harness, or (deposit) the test client
const PARTY: Record<Iface, string> = { forwardingGateway: 'Forwarding Gateway', nonOmaVm: 'Non-OMA VM Service', interServer: 'Peer EVVM Server', deposit: 'Test Client' };
const NO_RELAY = "the profile gives no send trigger (iut.send.command), and nothing else makes the EVVM Server under test relay a caller's voicemail (its forwarding rules are its own): nothing can be judged";
const NO_DEPOSIT = 'the harness cannot leave a voicemail in a mailbox of the EVVM Server under test (its deposits are its own) other than for it to relay: nothing can be judged';

/** What a party of the harness handed the IUT in this scenario, and how the IUT answered. */
interface Handed {
  link: Iface;
  certificate: contract.PeerCertificate;
  kind: 'voicemail' | 'forwarding-result';
  message: SmtpMessage;
  transport: SmtpTransport;
  result: DeliveryResult;
}
const handedIn = new WeakMap<object, Handed[]>();
const handed = (ctx: Ctx): Handed[] => handedIn.get(ctx) ?? (handedIn.set(ctx, []), handedIn.get(ctx)!);

/** What the scenario asked the IUT to relay: its forwarding rules, where each link leads (by port, impostors), and what it relayed. */
interface Relaying {
  forwarding: Map<string, string>;
  routes: Map<Link, SmtpEndpoint>;
  impostors: Map<number, contract.ImpostorServer>;
  relays: OutboundDelivery[];
}
const relayingIn = new WeakMap<object, Relaying>();
const relaying = (ctx: Ctx): Relaying => relayingIn.get(ctx) ?? (relayingIn.set(ctx, { forwarding: new Map(), routes: new Map(), impostors: new Map(), relays: [] }), relayingIn.get(ctx)!);

/** A link as the profile names it: the peer interface is iut.ports with iut.clientCertificate; the others are in iut.links. */
function linkOf(iut: EvvmServerInterworkingIut, link: Link) {
  if (link === 'interServer') return { ports: iut.ports, clientCertificate: iut.clientCertificate, badClientCertificates: iut.badClientCertificates };
  return iut.links[link] ?? missing(`interface for the ${PARTY[link]} and the certificate it accepts from it (iut.links.${link})`);
}

function iutEndpoint(iut: EvvmServerInterworkingIut, link: Iface, transport: SmtpTransport): SmtpEndpoint {
  const { ports } = link === 'deposit' ? { ports: iut.deposit?.ports ?? missing('SMTP deposit interface (iut.deposit.ports)') } : linkOf(iut, link);
  const port = transport === 'starttls' ? ports.smtp : ports.smtps;
  if (port === undefined || (link === 'interServer' && !iut.declares.transports.includes(transport))) missing(`${transport} port of the EVVM Server's interface for the ${PARTY[link]}`);
  return { host: iut.host, port, servername: iut.servername, transport };
}

const atIut = (iut: EvvmServerInterworkingIut, e: { host: string; port: number }): boolean =>
  e.host === iut.host && [iut.ports, ...Object.values(iut.links).map((l) => l.ports), ...(iut.deposit ? [iut.deposit.ports] : [])].some((p) => e.port === p.smtp || e.port === p.smtps);

/** What the party presents: the certificate the IUT accepts from it, none, ours from a rogue CA, or a flawed twin from the IUT's CA. */
function credentialFor(ctx: Ctx, link: Link, kind: contract.PeerCertificate): TlsCredential | undefined {
  const l = linkOf(ctx.iut, link);
  const where = link === 'interServer' ? 'iut' : `iut.links.${link}`;
  switch (kind) {
    case 'missing':
      return undefined;
    case 'valid':
      return l.clientCertificate ?? missing(`client certificate the EVVM Server accepts from the ${PARTY[link]} (${where}.clientCertificate)`);
    case 'untrusted-ca':
      // issued by the harness's rogue root, which no IUT trusts
      return contract.clientCredential(ctx.pki, link, 'untrusted-ca');
    case 'wrong-host':
      return l.badClientCertificates.wrongHost ?? missing(`client certificate from the EVVM Server's CA issued for another host (${where}.badClientCertificates.wrongHost)`);
    default:
      return l.badClientCertificates[kind] ?? missing(`${kind} client certificate from the EVVM Server's CA (${where}.badClientCertificates.${kind})`);
  }
}

/** Whether the IUT had the sender's certificate to judge: a TLS handshake began, and the sender did not stop for the IUT's own certificate. */
function certificateJudged(h: Handed): boolean {
  const began = h.transport === 'implicit-tls' ? h.result.stage !== 'connect' : h.result.stage === 'tls' || h.result.replies.some((r) => r.command === 'STARTTLS' && r.code === 220);
  return began && h.result.stage !== 'server-authentication';
}

/** A party of the harness hands the IUT a message on its link; the IUT's answer is the evidence. */
async function handToIut(ctx: Ctx, link: Iface, certificate: contract.PeerCertificate, kind: Handed['kind'], message: SmtpMessage, transport: SmtpTransport = 'starttls', options: { noTls?: boolean } = {}): Promise<DeliveryResult> {
  const target = iutEndpoint(ctx.iut, link, transport);
  // the test client deposits without one
  const credential = link === 'deposit' ? undefined : credentialFor(ctx, link, certificate);
  await ctx.reach(`the ${ACTOR}`, [target.port]);
  const sender = new SmtpSender({ trustAnchorPem: ctx.iut.trustAnchorPem, transcript: ctx.transcript, onStop: ctx.onStop, peer: 'EVVM Server' });
  const as = certificate === 'valid' ? PARTY[link] : `${PARTY[link]} with a certificate that is ${certificate}`;
  const result = await sender.deliver(target, { actor: as, heloName: link === 'interServer' ? contract.PEER.identity : `${link === 'deposit' ? 'test-client' : link}.${contract.HOME.domain}`, ...(credential ? { credential } : {}) }, message, options);
  // the harness's party refused the IUT's own certificate: the IUT never judged the flawed one, so its refusal cannot be inferred
  if (certificate !== 'valid' && result.stage === 'server-authentication') throw new InconclusiveError(`the harness's ${PARTY[link]} refused the EVVM Server's certificate (${result.reason}; iut.trustAnchor, iut.servername): whether it refuses a sender whose certificate is ${certificate} cannot be judged`);
  handed(ctx).push({ link, certificate, kind, message, transport, result });
  // the name the IUT proved is the one the profile gives it; the conditions know the EVVM Server as HOME.identity
  return result.server?.authenticated ? { ...result, server: { ...result.server, identity: contract.HOME.identity } } : result;
}

/** The IUT's verdict on each sender, as far as the wire shows it: it took the mail, over TLS in which the sender offered a certificate, or refused. */
function sessionsAtIut(ctx: Ctx): Array<InboundSession & { iface: Iface }> {
  return handed(ctx)
    .filter(certificateJudged)
    .map((h, i) => {
      const presented = h.result.tls?.clientCertificateSent === true;
      const authenticated = presented && h.result.delivered;
      return {
        iface: h.link,
        conn: `${h.link}-${i + 1}`,
        transport: h.transport,
        secure: h.result.secure,
        viaStartTls: h.transport === 'starttls',
        peer: {
          presented,
          chainValid: authenticated,
          dnsNames: [],
          authenticated,
          accepted: h.result.delivered,
          reason: h.result.delivered
            ? `took the ${PARTY[h.link]}'s mail (250 after DATA) ${presented ? `over TLS in which it offered a certificate that is ${h.certificate}` : 'without a client certificate'} (how it verified it is not observable)`
            : `refused the ${PARTY[h.link]} presenting a certificate that is ${h.certificate}: ${h.result.stage}: ${h.result.reason}`,
        },
        auth: [],
        refusals: [],
        messages: h.result.delivered ? 1 : 0,
      };
    });
}

/** The copies the IUT took for a mailbox: the voicemail it accepted addressed to one of the mailbox's identifiers. */
function takenFor(ctx: Ctx, identifier: string): contract.Mailbox {
  const account = ctx.accounts.find((a) => Object.values(a.identifiers).includes(identifier));
  const ids = new Set(account ? Object.values(account.identifiers) : [identifier]);
  return handed(ctx)
    .filter((h) => h.kind === 'voicemail' && h.result.delivered && ids.has(h.message.to))
    .map((h, i) => ({ uid: i + 1, flags: [], raw: h.message.raw }));
}

/** What the IUT cannot be made to do: a down IUT says so first, as every other scenario does. */
async function cannot(ctx: Ctx, why: string): Promise<never> {
  await ctx.reach(`the ${ACTOR}`, [ctx.iut.ports.smtp, ctx.iut.ports.smtps]);
  throw new InconclusiveError(why);
}

/** What the harness's parties ask of the IUT's client certificate: the profile's anchor and the IUT's name, as the other SMTP roles under test. */
const facing = (ctx: Ctx, link: Link): LinkPolicy => ({ mutualAuth: ctx.profile.policy.interfaces[link].mutualAuth, trustAnchors: ctx.iut.trustAnchorPem, crl: [], peerIdentities: [ctx.iut.servername] });

/** The parties know the IUT by the name the profile gives it; the conditions know the EVVM Server as HOME.identity. */
const asHome = <S extends { peer?: PeerJudgement }>(ctx: Ctx, sessions: S[]): S[] =>
  sessions.map((s) => (s.peer?.authenticated && s.peer.identity === ctx.iut.servername ? { ...s, peer: { ...s.peer, identity: contract.HOME.identity } } : s));

/** The link the IUT relays an address over, by the profile's peer domains (as an EVVM Server routes). */
function linkFor(ctx: Ctx, address: string): Link {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return (['interServer', 'nonOmaVm'] as const).find((l) => ctx.profile.policy.interfaces[l].peerDomains.includes(domain)) ?? 'forwardingGateway';
}

/** Where the link leads and how the harness sees what arrived: an impostor placed for it, or the harness's party. */
async function destinationOf(ctx: Ctx, link: Link, target: SmtpEndpoint): Promise<Destination> {
  const impostor = relaying(ctx).impostors.get(target.port);
  if (impostor) return impostorDestination(impostor);
  const party = await ctx.topology.role(contract.PARTY_ROLE[link]);
  const seen = async (id: string): Promise<{ sessions: InboundSession[]; took: boolean }> => {
    if (link === 'interServer') {
      const o = await (await ctx.topology.role('evvm-server-peer')).observations();
      return { sessions: o.sessions.filter((s) => s.iface === 'interServer'), took: o.inbound.some((m) => m.messageId === id && (m.outcome === 'stored' || m.outcome === 'flagged')) };
    }
    const p = link === 'nonOmaVm' ? await ctx.topology.role('non-oma-vm') : await ctx.topology.role('forwarding-gateway');
    const [received, sessions] = await Promise.all([p.received(), p.sessions()]);
    return { sessions, took: received.some((r) => messageId(r.raw) === id) };
  };
  return { actor: party.actor, genuine: true, identity: target.servername, seen };
}

/** A caller's voicemail left in a mailbox with a forwarding rule: the IUT is made to relay it (its send trigger) over the link the address calls for. */
async function relay(ctx: Ctx, identifier: string, raw: Buffer): Promise<void> {
  const r = relaying(ctx);
  const to = r.forwarding.get(identifier);
  if (!to) return cannot(ctx, NO_DEPOSIT);
  const link = linkFor(ctx, to);
  // a link nobody routed leads to the harness's party, started now (it routes the link as it starts)
  if (!r.routes.has(link)) await ctx.topology.role(contract.PARTY_ROLE[link]);
  const target = r.routes.get(link)!;
  const id = messageId(raw);
  if (!id) throw new HarnessError('the voicemail to relay has no Message-ID');
  // a down IUT says so first, as in every other scenario
  await ctx.reach(`the ${ACTOR}`, [ctx.iut.ports.smtp, ctx.iut.ports.smtps]);
  // it relays as the mailbox, by its e-mail identifier
  const from = ctx.accounts.find((a) => Object.values(a.identifiers).includes(identifier))?.identifiers['e-mail alias'] ?? `voicemail@${contract.HOME.domain}`;
  const result = await triggerDelivery(ctx, 'EVVM Server', { from, to, raw, messageId: id }, target, await destinationOf(ctx, link, target));
  r.relays.push({ link, from, to, messageId: id, endpoint: target, result });
}

registerExternalRole('evvm-server-interworking', 'evvm-server-smtp', async (ctx) => ({
  actor: ACTOR,
  domain: contract.HOME.domain,
  endpoint: (iface, transport) => iutEndpoint(ctx.iut, iface, transport),
  setForwarding: async (identifier, address) => {
    if (!ctx.iut.send) await cannot(ctx, NO_RELAY);
    relaying(ctx).forwarding.set(identifier, address);
  },
  leaveVoicemail: (identifier, raw) => relay(ctx, identifier, raw),
  // where the send trigger points the IUT: the harness's party as it starts, or an impostor placed for it
  route: async (link, endpoint) => void relaying(ctx).routes.set(link, endpoint),
  outbound: async () => [...relaying(ctx).relays],
  observations: async () => ({
    sessions: sessionsAtIut(ctx),
    inbound: handed(ctx)
      .filter((h) => h.result.delivered)
      .map((h, i) => ({ iface: h.link, conn: `${h.link}-${i + 1}`, from: h.message.from, to: [h.message.to], ...(messageId(h.message.raw) ? { messageId: messageId(h.message.raw)! } : {}), outcome: h.kind === 'forwarding-result' ? ('forwarding-result' as const) : ('stored' as const), uids: [] })),
    outbound: [...relaying(ctx).relays],
  }),
  mailbox: async (identifier) => takenFor(ctx, identifier),
}));

// The harness's parties: toward the IUT they hand it mail with the profile's certificates, and take what it relays by its
// client certificate from iut.trustAnchor; anything else is the harness's own (embedded).

registerExternalRole('evvm-server-interworking', 'evvm-server-peer', async (ctx) => {
  const own = await peerEvvmServerParty(ctx, facing(ctx, 'interServer'));
  return {
    ...own,
    observations: async () => {
      const o = await own.observations();
      return { ...o, sessions: asHome(ctx, o.sessions) };
    },
    sendVoicemail: (message, certificate, transport = 'starttls', target) =>
      target && !atIut(ctx.iut, target) ? own.sendVoicemail(message, certificate, transport, target) : handToIut(ctx, 'interServer', certificate, 'voicemail', message, transport),
  };
});

registerExternalRole('evvm-server-interworking', 'non-oma-vm', async (ctx) => {
  const own = await nonOmaVmParty(ctx, facing(ctx, 'nonOmaVm'));
  return {
    ...own,
    sessions: async () => asHome(ctx, await own.sessions()),
    sendVoicemail: async (message, certificate, target) => {
      if (target && !atIut(ctx.iut, target)) return own.sendVoicemail(message, certificate, target);
      const from = message.from.includes('@') ? message.from : `${message.from}@${contract.NON_OMA.domain}`;
      const id = message.messageId ?? `<vpim-${randomBytes(6).toString('hex')}@${contract.NON_OMA.domain}>`;
      const raw = vpimMessage({ from, to: message.to, messageId: id, audio: randomBytes(480), subject: `Voice message from ${from}` });
      return handToIut(ctx, 'nonOmaVm', certificate, 'voicemail', { from, to: message.to, raw });
    },
  };
});

registerExternalRole('evvm-server-interworking', 'forwarding-gateway', async (ctx) => {
  const own = await forwardingGatewayParty(ctx, facing(ctx, 'forwardingGateway'));
  return {
    ...own,
    sessions: async () => asHome(ctx, await own.sessions()),
    reportResult: (to, certificate) => {
      // a delivery status notification (RFC 3464), as the harness's gateway reports one
      const id = `<dsn-${randomBytes(6).toString('hex')}@${contract.FGW.identity}>`;
      const raw = Buffer.from(
        [`From: Mail Delivery System <postmaster@${contract.FGW.identity}>`, `To: <${to}>`, 'Subject: Forwarding result: delivered', `Message-ID: ${id}`, 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"', '', '--dsn', 'Content-Type: message/delivery-status', '', `Reporting-MTA: dns; ${contract.FGW.identity}`, '', `Final-Recipient: rfc822; ${to}`, 'Action: delivered', 'Status: 2.0.0', '--dsn--', ''].join('\r\n'),
        'latin1',
      );
      return handToIut(ctx, 'forwardingGateway', certificate, 'forwarding-result', { from: '', to, raw });
    },
  };
});

registerExternalRole('evvm-server-interworking', 'interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  // an impostor placed for a link is where the send trigger points the IUT (home.route); it is known by its port
  const own = contract.interworkingEquipment(ctx, async (party, kind) => {
    const impostor = await startImpostor(ctx, home, party, kind);
    relaying(ctx).impostors.set(impostor.endpoint('starttls').port, impostor);
    return impostor;
  });
  return {
    ...own,
    // toward the IUT: a test sender posing as a party, or (as the EVVM Server's own submitter) the test client on the deposit interface
    send: (target, as, certificate, message, options) =>
      atIut(ctx.iut, target) ? handToIut(ctx, as === 'evvmServer' ? 'deposit' : as, certificate, 'voicemail', message, target.transport, options) : own.send(target, as, certificate, message, options),
  };
});
