/**
 * What the SMTP roles under test share in the external topology (external/interworking.ts: the Forwarding
 * Gateway; external/non-oma-vm.ts; external/evvm-server-peer.ts): the IUT's endpoints and relay domains, the
 * certificates the harness presents to it, the harness's EVVM Server with one link pointed at it, what the
 * wire shows of what it took, the harness's equipment facing it, and the send trigger that makes it deliver.
 * Only what the IUT accepted in this scenario (250 after DATA) counts as taken by it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EvvmInterworking, type LinkName, type OutboundDelivery } from '../../../simulators/evvm-server/interworking';
import type { DeliveryResult } from '../../../simulators/protocol/smtp/client';
import type { InboundSession } from '../../../simulators/protocol/smtp/server';
import type { PeerJudgement, SmtpEndpoint, SmtpTransport, TlsCredential } from '../../../simulators/protocol/smtp/types';
import { messageId } from '../../../simulators/crypto/cms/voicemail';
import { InconclusiveError } from '../../engine/outcomes';
import { SmtpSender, type SmtpMessage } from '../../equipment/smtp-sender';
import type { EvvmServerInterworkingIut, EvvmServerPeerIut, ForwardingGatewayIut, IutOf, NonOmaVmIut } from '../../profile/sections/iut';
import type { SendPlaceholder, SendingSmtpPeerIut } from '../../profile/sections/iut/smtp-peer';
import * as contract from '../../roles/interworking';
import type { SingleVersionServer } from '../../roles/tls-versions';
import { simulatorOf } from '../embedded/authentication';
import { startImpostor } from '../embedded/interworking';
import { missing } from '../external';
import { registerExternalRole, type ExternalContext, type RoleMap } from '../registry';
import { runTrigger } from './trigger';

export type SmtpIut = ForwardingGatewayIut | NonOmaVmIut | EvvmServerPeerIut;
type Ctx<I extends SmtpIut = SmtpIut> = ExternalContext<I>;

/** The IUT's endpoint of a transport it declares. */
export function iutEndpoint(iut: SmtpIut, transport: SmtpTransport): SmtpEndpoint | undefined {
  const port = transport === 'starttls' ? iut.ports.smtp : iut.ports.smtps;
  return iut.declares.transports.includes(transport) && port !== undefined ? { host: iut.host, port, servername: iut.servername, transport } : undefined;
}

export function declaredEndpoint(iut: SmtpIut, actor: string, transport: SmtpTransport): SmtpEndpoint {
  return iutEndpoint(iut, transport) ?? missing(`${transport} port the ${actor} declares (iut.ports, iut.declares.transports)`);
}

/** The IUT's TLS interface on a transport it declares, with the client certificate it accepts: reached first, so a server that is down is inconclusive. */
export async function iutTlsInterface(ctx: Ctx, actor: string, transport: SmtpTransport): Promise<{ endpoint: SmtpEndpoint; certificate?: TlsCredential } | undefined> {
  const endpoint = iutEndpoint(ctx.iut, transport);
  if (!endpoint) return undefined;
  await ctx.reach(`the ${actor} (IUT)`, [endpoint.port]);
  return { endpoint, ...(ctx.iut.clientCertificate ? { certificate: ctx.iut.clientCertificate } : {}) };
}

/** A recipient the IUT declares it takes mail for; otherwise its refusal would prove nothing. */
export function relayed(iut: SmtpIut, actor: string, address: string): void {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!iut.declares.relayDomains.some((d) => d.toLowerCase() === domain)) missing(`relay domain ${domain} among those the ${actor} accepts (iut.declares.relayDomains)`);
}

export function isIut(iut: SmtpIut, e: { host: string; port: number } | undefined): boolean {
  return !!e && e.host === iut.host && (e.port === iut.ports.smtp || e.port === iut.ports.smtps);
}

/** What the harness presents to the IUT as the EVVM Server: the certificate it accepts, none, ours from a rogue CA, or a flawed twin from its own CA. */
export function credentialFor(ctx: Ctx, kind: contract.PeerCertificate, actor: string): TlsCredential | undefined {
  const { iut } = ctx;
  switch (kind) {
    case 'missing':
      return undefined;
    case 'valid':
      return iut.clientCertificate ?? missing(`client certificate the ${actor} accepts (iut.clientCertificate)`);
    case 'untrusted-ca': {
      // issued by the harness's rogue root, which no IUT trusts
      const c = ctx.pki.bad('evvm-server-client', 'untrusted-ca');
      return { chainPem: c.chainPem, keyPem: c.keyPem };
    }
    case 'wrong-host':
      return iut.badClientCertificates.wrongHost ?? missing(`client certificate from the ${actor}'s CA issued for another host (iut.badClientCertificates.wrongHost)`);
    default:
      // only the IUT's own CA can issue an expired or revoked twin of a certificate it accepts
      return iut.badClientCertificates[kind] ?? missing(`${kind} client certificate from the ${actor}'s CA (iut.badClientCertificates.${kind})`);
  }
}

/** The scenario's state around the IUT: what was deposited (by Message-ID, to read what was relayed), the impostors and the single-version stand-ins started, by port. */
interface Around {
  deposits: Map<string, Buffer>;
  impostors: Map<number, contract.ImpostorServer>;
  standIns: Map<number, SingleVersionServer>;
}
const around = new WeakMap<object, Around>();
function aroundOf(ctx: Ctx): Around {
  let a = around.get(ctx);
  if (!a) around.set(ctx, (a = { deposits: new Map(), impostors: new Map(), standIns: new Map() }));
  return a;
}

/** A single-version stand-in this scenario started where the IUT may be made to send (STD-07's sending side). */
export function addStandIn(ctx: Ctx, standIn: SingleVersionServer): void {
  aroundOf(ctx).standIns.set(standIn.endpoint.port, standIn);
}

/** The stand-in listening at `target`, if this scenario started one there. */
export function standInAt(ctx: Ctx, target: SmtpEndpoint): SingleVersionServer | undefined {
  return aroundOf(ctx).standIns.get(target.port);
}

/** The raw voicemail the harness deposited with this Message-ID in this scenario (what its EVVM Server relayed). */
export function deposited(ctx: Ctx, id: string | undefined): Buffer | undefined {
  return id === undefined ? undefined : aroundOf(ctx).deposits.get(id);
}

/** What the harness's EVVM Server relayed over `link` to the IUT in this scenario. */
export async function relaysToIut(ctx: Ctx, link: LinkName): Promise<OutboundDelivery[]> {
  const out = (await (await ctx.topology.role('evvm-server-smtp')).observations()).outbound;
  return out.filter((o) => o.link === link && isIut(ctx.iut, o.endpoint));
}

/**
 * The harness's EVVM Server with its `link` pointed at the IUT: it presents iut.clientCertificate, checks the
 * IUT's certificate against iut.trustAnchor and iut.servername, and takes on that link only a sender proving
 * the same (the IUT's own client certificate, when it sends).
 */
export async function homeFacingIut(ctx: Ctx, link: LinkName, actor: string): Promise<contract.EvvmSmtpRole> {
  const { iut } = ctx;
  const server = simulatorOf(await ctx.inner('evvm-server'));
  const config = contract.homeInterworkingConfig({ server, pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, transcript: ctx.transcript });
  const settings = config.links[link];
  const iw = new EvvmInterworking({
    ...config,
    ...(iut.clientCertificate ? { clientCredential: iut.clientCertificate } : {}),
    links: { ...config.links, [link]: { ...settings, policy: { ...settings.policy, trustAnchors: iut.trustAnchorPem, crl: [], peerIdentities: [iut.servername] } } },
  });
  await iw.start();
  ctx.onStop(() => iw.stop());
  const home = contract.evvmSmtpRole(server, iw);
  const target = iutEndpoint(iut, 'starttls') ?? iutEndpoint(iut, 'implicit-tls')!;
  await home.route(link, target, contract.PEER.domain);
  const deposits = aroundOf(ctx).deposits;
  return {
    ...home,
    setForwarding: async (identifier, address) => {
      relayed(iut, actor, address);
      await home.setForwarding(identifier, address);
    },
    leaveVoicemail: async (identifier, raw) => {
      const id = messageId(raw);
      if (id) deposits.set(id, raw);
      await home.leaveVoicemail(identifier, raw);
    },
    outbound: async (count) => {
      const out = await home.outbound(count);
      // a relay to the IUT is where the scenario reaches it
      if (out.some((o) => o.link === link && isIut(iut, o.endpoint))) await ctx.reach(`the ${actor} (IUT)`, [target.port]);
      return out;
    },
  };
}

/**
 * The IUT's verdicts on the EVVM Server, as far as the wire shows them: it took the voicemail over TLS in
 * which the EVVM Server offered the certificate the profile says it accepts. Whether it asked for it and
 * verified it is not observable; that it refuses a missing or flawed certificate is what the negative
 * scenarios judge, so an IUT that takes anyone's mail does not pass the requirement.
 */
export function sessionsFromHome(relays: readonly OutboundDelivery[], actor: string): InboundSession[] {
  return relays.map((o, i) => {
    const presented = o.result.tls?.clientCertificateSent === true;
    const authenticated = presented && o.result.delivered;
    return {
      conn: `evvm-server-${i + 1}`,
      transport: o.endpoint!.transport,
      secure: o.result.secure,
      viaStartTls: o.endpoint!.transport === 'starttls',
      peer: {
        presented,
        chainValid: authenticated,
        dnsNames: [],
        ...(authenticated ? { identity: contract.HOME.identity } : {}),
        authenticated,
        accepted: o.result.delivered,
        reason: authenticated
          ? `took the EVVM Server's voicemail over TLS in which it offered iut.clientCertificate (whether the ${actor} asked for it and verified it is not observable; the negative scenarios judge that it refuses a sender without one)`
          : `${o.result.delivered ? 'took the voicemail without a client certificate' : `refused the EVVM Server: ${o.result.stage}: ${o.result.reason}`}`,
      },
      auth: [],
      refusals: [],
      messages: o.result.delivered ? 1 : 0,
    };
  });
}

/**
 * The harness's equipment facing the IUT: the test sender hands it mail with its own trust material and
 * the certificates the profile names (`took` hears what it accepted); impostors are remembered by port, so
 * a send trigger aimed at one is judged by what that impostor received.
 */
export async function equipmentFacingIut(ctx: Ctx, actor: string, took: (result: DeliveryResult, message: SmtpMessage) => Promise<void>): Promise<contract.InterworkingEquipment> {
  const home = await ctx.topology.role('evvm-server-smtp');
  const own = contract.interworkingEquipment(ctx, async (party, kind) => {
    const impostor = await startImpostor(ctx, home, party, kind);
    aroundOf(ctx).impostors.set(impostor.endpoint('starttls').port, impostor);
    return impostor;
  });
  const sender = new SmtpSender({ trustAnchorPem: ctx.iut.trustAnchorPem, transcript: ctx.transcript, onStop: ctx.onStop, peer: actor });
  return {
    ...own,
    send: async (target, as, certificate, message, options) => {
      if (!isIut(ctx.iut, target)) return own.send(target, as, certificate, message, options);
      relayed(ctx.iut, actor, message.to);
      const credential = credentialFor(ctx, certificate, actor);
      await ctx.reach(`the ${actor} (IUT)`, [target.port]);
      const result = await sender.deliver(target, { actor: 'Test Sender (as EVVM Server)', heloName: `test-sender.${contract.HOME.domain}`, ...(credential ? { credential } : {}) }, message, options);
      await took(result, message);
      return result;
    },
  };
}

/** Where a send trigger points the IUT, and how the harness sees what arrived there. */
export interface Destination {
  actor: string;
  /** the harness's own party (genuine, proving `identity`), or an impostor of it */
  genuine: boolean;
  identity: string;
  seen(id: string): Promise<{ sessions: InboundSession[]; took: boolean }>;
}

/** An impostor as a send trigger's destination: what it received is what the IUT gave it. */
export function impostorDestination(impostor: contract.ImpostorServer): Destination {
  return {
    actor: impostor.actor,
    genuine: false,
    identity: impostor.endpoint('starttls').servername,
    seen: async (id) => ({ sessions: await impostor.sessions(), took: (await impostor.received()).some((m) => messageId(m.raw) === id) }),
  };
}

/** The destination at `target`: the harness's EVVM Server on `link`, or an impostor this scenario started. */
export async function destination(ctx: Ctx, link: LinkName, target: SmtpEndpoint): Promise<Destination> {
  const impostor = aroundOf(ctx).impostors.get(target.port);
  if (impostor) return impostorDestination(impostor);
  const home = await ctx.topology.role('evvm-server-smtp');
  return {
    actor: home.actor,
    genuine: true,
    identity: contract.HOME.identity,
    seen: async (id) => {
      const o = await home.observations();
      return { sessions: o.sessions.filter((s) => s.iface === link), took: o.inbound.some((m) => m.iface === link && m.messageId === id && (m.outcome === 'stored' || m.outcome === 'flagged')) };
    },
  };
}

/** A delivery is over when nothing new arrived at the destination for this long after the command ended (or, when it failed, after it ended). */
const QUIET_MS = 1500;

/**
 * Makes the IUT deliver `message` to `target` by the profile's send trigger, and tells what the wire showed
 * there: taken (250 after DATA at the destination), or not, and how far the IUT's sessions got. An IUT that
 * never reached the destination is inconclusive, never a refusal.
 */
export async function triggerDelivery(ctx: SendingCtx, actor: string, message: OutgoingVoicemail, target: SmtpEndpoint, to: Destination): Promise<DeliveryResult> {
  const before = (await to.seen(message.messageId)).sessions.length;
  const why = await sendTo(ctx, actor, message, target, async () => {
    const s = await to.seen(message.messageId);
    return { took: s.took, sessions: s.sessions.length - before };
  });
  const seen = await to.seen(message.messageId);
  const sessions = seen.sessions.slice(before);
  if (!seen.took && sessions.length === 0) throw new InconclusiveError(`the ${actor} under test never connected to the ${to.actor} (send trigger ${why}): nothing can be judged`);
  ctx.involve();
  const last = sessions.at(-1);
  const tls = last?.tls ? { tls: { protocol: last.tls.protocol, cipher: last.tls.cipher, clientCertificateSent: last.peer?.presented === true } } : {};
  const secure = last?.secure ?? false;
  const judged = (j: Omit<PeerJudgement, 'presented' | 'dnsNames' | 'chainValid'>): PeerJudgement => ({ presented: true, dnsNames: [], chainValid: j.authenticated, ...j });
  // the commands the destination saw, in order: STARTTLS taken, and the envelope once it took the voicemail
  const saw = (took: boolean) => [...(last?.viaStartTls ? [{ command: 'STARTTLS', code: 220, text: `seen by the ${to.actor}` }] : []), ...(took ? [{ command: 'MAIL', code: 250, text: `seen by the ${to.actor}` }] : [])];
  if (seen.took) {
    const genuine = to.genuine && secure;
    return {
      delivered: true, stage: 'done', reason: `the ${to.actor} took it (250 after DATA)`, secure, ...tls, replies: saw(true), acceptedRecipients: [message.to],
      server: judged({
        ...(genuine ? { identity: to.identity } : {}),
        authenticated: genuine,
        accepted: true,
        reason: genuine
          ? `delivered over TLS to the ${to.actor}, which presented its certificate (${to.identity}); whether the ${actor} verified it is not observable: the impostor scenarios judge that`
          : `delivered to the ${to.actor}${secure ? '' : ' without TLS'}`,
      }),
    };
  }
  const stopped = `it connected ${sessions.length} time(s) to the ${to.actor} and sent no voicemail ${secure ? 'after TLS' : 'without completing TLS'}`;
  const refused = last?.refused ?? last?.refusals.at(-1);
  return {
    delivered: false,
    // what the IUT concluded about the server's certificate is its own record: the wire shows it stopped before the envelope
    stage: to.genuine ? 'data' : 'server-authentication',
    reason: `${stopped}${refused ? ` (the ${to.actor} answered ${refused.code} ${refused.text})` : ''}; why it stopped is not observable`,
    secure, ...tls, replies: saw(false), acceptedRecipients: [],
    server: judged({ authenticated: false, accepted: false, reason: stopped }),
  };
}

type SendingCtx = ExternalContext<NonOmaVmIut | EvvmServerPeerIut | EvvmServerInterworkingIut>;
type OutgoingVoicemail = SmtpMessage & { messageId: string };

/** Makes the IUT send `message` to `target` by the profile's send trigger (the voicemail and the trust anchor in files of this scenario); answers how the command ended. */
async function sendTo(ctx: SendingCtx, actor: string, message: OutgoingVoicemail, target: SmtpEndpoint, progress: () => Promise<{ took: boolean; sessions: number }>): Promise<string> {
  const iut: SendingSmtpPeerIut<string> = ctx.iut;
  const send = iut.send ?? missing(`send trigger (iut.send.command): nothing else makes the ${actor} under test send`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-send-'));
  ctx.onStop(() => rm(dir, { recursive: true, force: true }));
  const messageFile = path.join(dir, 'voicemail.eml');
  const trustAnchor = path.join(dir, 'trust-anchor.pem');
  await writeFile(messageFile, message.raw);
  await writeFile(trustAnchor, ctx.pki.trustAnchorPem);
  const values: Record<SendPlaceholder, string> = {
    host: target.host, port: String(target.port), servername: target.servername, transport: target.transport,
    from: message.from, to: message.to, messageId: message.messageId, messageFile, trustAnchor,
  };
  return runSend(ctx, send, values, progress);
}

/**
 * Makes the IUT send `message` to a single-version stand-in (STD-07): what is judged is what the stand-in saw
 * (a handshake, application data), read by the scenario's own steps; this only tells whether the IUT came at all.
 */
export async function triggerToStandIn(ctx: SendingCtx, actor: string, message: OutgoingVoicemail, target: SmtpEndpoint, standIn: SingleVersionServer): Promise<DeliveryResult> {
  const before = (await standIn.observations()).connections;
  const why = await sendTo(ctx, actor, message, target, async () => {
    const o = await standIn.observations();
    return { took: o.applicationBytes > 0, sessions: o.connections - before };
  });
  const o = await standIn.observations();
  if (o.connections === before) throw new InconclusiveError(`the ${actor} under test never connected to the ${standIn.actor} (send trigger ${why}): nothing can be judged`);
  ctx.involve();
  const spoke = o.applicationBytes > 0;
  const reason = `it connected ${o.connections - before} time(s) to the ${standIn.actor}, completed ${o.handshakes.length} handshake(s)${spoke ? ' and spoke in it' : ''}`;
  return { delivered: false, stage: o.handshakes.length === 0 ? 'tls' : 'ehlo', reason, secure: o.handshakes.length > 0, replies: [], acceptedRecipients: [] };
}

/** Runs the send trigger: done when the command has ended and the destination took the voicemail or went quiet, or at the timeout. */
function runSend(ctx: Pick<ExternalContext, 'transcript'>, send: { command: readonly string[]; timeoutMs: number }, values: Record<SendPlaceholder, string>, progress: () => Promise<{ took: boolean; sessions: number }>): Promise<string> {
  let sessions = 0;
  let changed = Date.now();
  let ended = false;
  return runTrigger({
    argv: send.command,
    values,
    timeoutMs: send.timeoutMs,
    what: 'send trigger',
    transcript: ctx.transcript,
    settled: async (exitCode) => {
      const p = await progress();
      // the quiet spell counts from the command's end
      if (!ended) [ended, changed] = [true, Date.now()];
      if (p.sessions !== sessions) [sessions, changed] = [p.sessions, Date.now()];
      // a command that failed and caused no connection is done too: it will not deliver
      return p.took || (Date.now() - changed >= QUIET_MS && (sessions > 0 || exitCode !== 0));
    },
  });
}

/** What a sending SMTP role under test hears from the test sender: what it took. */
interface TakesMail {
  took(result: DeliveryResult, message: SmtpMessage): void;
}

/**
 * Registers a Non-OMA VM Service or a peer EVVM Server under test: the harness's EVVM Server with `link`
 * pointed at it, the role itself (in service without a connection: a scenario reaches it only when something
 * is sent to it or it is made to send), and the equipment facing it.
 */
export function registerSendingPeer<R extends 'non-oma-vm' | 'evvm-server-peer'>(role: R, link: LinkName, actor: string, make: (ctx: ExternalContext<IutOf<R>>) => RoleMap[R] & TakesMail): void {
  const made = new WeakMap<object, RoleMap[R] & TakesMail>();
  // IutOf<R> is one of SmtpIut's variants, which TypeScript does not see through the generic R
  const smtp = (ctx: ExternalContext<IutOf<R>>): Ctx => ctx as unknown as Ctx;
  registerExternalRole(role, 'evvm-server-smtp', (ctx) => homeFacingIut(smtp(ctx), link, actor));
  registerExternalRole<R, R>(role, role, async (ctx) => {
    const r = make(ctx);
    made.set(ctx, r);
    return r;
  });
  registerExternalRole(role, 'interworking-equipment', (ctx) =>
    equipmentFacingIut(smtp(ctx), actor, async (result, message) => {
      await ctx.topology.role(role);
      made.get(ctx)!.took(result, message);
    }),
  );
}
