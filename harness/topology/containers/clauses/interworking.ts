/**
 * The interworking roles (harness/roles/interworking.ts) in containers. The EVVM Server's SMTP interfaces
 * run in the evvm-server container around the scenario's EVVM Server; the Forwarding Gateway, the
 * Non-OMA VM Service and the peer EVVM Server in their own containers; SMTP impostors in the adversaries
 * container. The EVVM Server's links are routed to them by network endpoint. The harness's equipment
 * (the SMTP test sender, the S/MIME signer) stays in the harness and connects to published endpoints,
 * as the steps see them. Both sides of each route are here; ports in answers are the container's
 * published ones.
 */
import { EvvmInterworking, type InterworkingPorts, type SmtpInterface } from '../../../../simulators/evvm-server/interworking';
import { ForwardingGateway } from '../../../../simulators/forwarding-gateway';
import { NonOmaVm } from '../../../../simulators/non-oma-vm';
import type { InterworkingPeer } from '../../../../simulators/protocol/smtp/interworking-peer';
import type { SmtpEndpoint, SmtpTransport } from '../../../../simulators/protocol/smtp/types';
import { HarnessError } from '../../../engine/outcomes';
import { ControlError } from '../../../control/control-server';
import {
  clientCredential,
  HOME,
  homeInterworkingConfig,
  INTERWORKING_ROUTES as R,
  interworkingEquipment,
  interworkingPeerConfig,
  NON_OMA,
  PEER,
  PEER_ADDRESS,
  relayFromPeer,
  routeLink,
  smtpImpostor,
  startPeerEvvmServer,
  type EvvmSmtpRole,
  type ImpostorKind,
  type ImpostorServer,
  type Party,
  type PeerEvvmServer,
  type SmtpImpostor,
} from '../../../roles/interworking';
import { drivenEvvmServer } from '../../../simulate/driven/core';
import { serve, type Scope } from '../../../simulate/driven/host';
import { registerContainerRole, type ContainersContext } from '../../registry';
import type { ContainerRole } from '../names';

type Ports = { smtp?: number; smtps?: number };

/** A listener's endpoint as the harness reaches it (a published port), with the name its server proves. */
function endpointOf(ctx: ContainersContext, role: ContainerRole, ports: Ports | undefined, servername: string, transport: SmtpTransport): SmtpEndpoint | undefined {
  const port = transport === 'starttls' ? ports?.smtp : ports?.smtps;
  return port === undefined ? undefined : { ...ctx.published(role, port), servername, transport };
}

/** The inverse of onNetwork for what the EVVM Server reports: where it sent, as the harness reaches it. */
function harnessView<D extends { endpoint?: SmtpEndpoint }>(ctx: ContainersContext, d: D): D {
  return d.endpoint ? { ...d, endpoint: ctx.fromNetwork(d.endpoint) ?? d.endpoint } : d;
}

registerContainerRole('evvm-server-smtp', async (ctx) => {
  const r = await ctx.call(R.smtpStart, {});
  const role: EvvmSmtpRole = {
    actor: r.actor,
    domain: r.domain,
    endpoint: (iface, transport) => endpointOf(ctx, 'evvm-server', r.ports[iface], r.servername, transport),
    setForwarding: async (identifier, address) => void (await ctx.call(R.forwarding, { identifier, address })),
    leaveVoicemail: async (identifier, raw) => void (await ctx.call(R.leaveVoicemail, { identifier, raw })),
    route: async (link, endpoint, domain) => void (await ctx.call(R.route, { link, endpoint: ctx.onNetwork(endpoint), ...(domain ? { domain } : {}) })),
    outbound: async (count) => (await ctx.call(R.outbound, { count })).map((o) => harnessView(ctx, o)),
    observations: async () => {
      const o = await ctx.call(R.observations, {});
      return { ...o, outbound: o.outbound.map((d) => harnessView(ctx, d)) };
    },
    mailbox: (identifier) => ctx.call(R.mailbox, { identifier }),
  };
  return role;
});

/** The EVVM Server's interface for a link, as the harness sees it (translated with onNetwork when sent). */
function homeInterface(home: EvvmSmtpRole, iface: SmtpInterface, transport: SmtpTransport, what: string): SmtpEndpoint {
  const e = home.endpoint(iface, transport);
  if (!e) throw new HarnessError(`the EVVM Server has no ${what} interface (${transport})`);
  return e;
}

registerContainerRole('forwarding-gateway', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const r = await ctx.call(R.gatewayStart, {});
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'forwarding-gateway', r.ports, r.servername, t)!;
  await home.route('forwardingGateway', endpoint('starttls'));
  return {
    actor: r.actor,
    endpoint,
    received: () => ctx.call(R.gatewayReceived, {}),
    forwarded: () => ctx.call(R.gatewayForwarded, {}),
    sessions: () => ctx.call(R.gatewaySessions, {}),
    reportResult: (to, certificate) => ctx.call(R.reportResult, { target: ctx.onNetwork(homeInterface(home, 'forwardingGateway', 'starttls', 'Forwarding Gateway')), to, certificate }),
  };
});

registerContainerRole('non-oma-vm', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const r = await ctx.call(R.nonOmaStart, {});
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'non-oma-vm', r.ports, r.servername, t)!;
  await home.route('nonOmaVm', endpoint('starttls'));
  return {
    actor: r.actor,
    domain: r.domain,
    endpoint,
    received: () => ctx.call(R.nonOmaReceived, {}),
    sessions: () => ctx.call(R.nonOmaSessions, {}),
    sendVoicemail: (message, certificate, target) =>
      ctx.call(R.sendVpim, { target: ctx.onNetwork(target ?? homeInterface(home, 'nonOmaVm', 'starttls', 'Non-OMA VM')), message, certificate }),
  };
});

registerContainerRole('evvm-server-peer', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const homeIn = (t: SmtpTransport): SmtpEndpoint => homeInterface(home, 'interServer', t, 'server-to-server');
  const r = await ctx.call(R.peerStart, { home: ctx.onNetwork(homeIn('starttls')) });
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'evvm-server-peer', r.ports, r.servername, t)!;
  await home.route('interServer', endpoint('starttls'), PEER.domain);
  // the harness's switch, sent along with each relay
  let reEncode = false;
  return {
    actor: r.actor,
    domain: PEER.domain,
    mailboxAddress: r.mailboxAddress,
    endpoint,
    mailbox: () => ctx.call(R.peerMailbox, {}),
    observations: () => ctx.call(R.peerObservations, {}),
    reEncodeRelays: (on) => {
      reEncode = on;
    },
    sendVoicemail: (message, certificate, transport = 'starttls', target) => ctx.call(R.peerRelay, { message, certificate, target: ctx.onNetwork(target ?? homeIn(transport)), reEncode }),
  };
});

/** An impostor in the adversaries container; for a link, the EVVM Server is routed to it. */
async function startImpostor(ctx: ContainersContext, home: EvvmSmtpRole, party: Party, kind: ImpostorKind): Promise<ImpostorServer> {
  const r = await ctx.call(R.impostorStart, { party, kind });
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'adversaries', r.ports, r.servername, t)!;
  if (party !== 'evvmServer') await home.route(party, endpoint('starttls'), PEER.domain);
  return {
    actor: r.actor,
    endpoint,
    received: () => ctx.call(R.impostorReceived, { id: r.id }),
    sessions: () => ctx.call(R.impostorSessions, { id: r.id }),
  };
}

registerContainerRole('interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  return interworkingEquipment(ctx, (party, kind) => startImpostor(ctx, home, party, kind));
});

// --- the containers' side ---

/** One listener's ports ({ smtp, smtps }) published on the container's fixed ports. */
async function published(scope: Scope, ports: Ports): Promise<Ports> {
  return {
    ...(ports.smtp !== undefined ? { smtp: await scope.expose(ports.smtp) } : {}),
    ...(ports.smtps !== undefined ? { smtps: await scope.expose(ports.smtps) } : {}),
  };
}

/** The scenario's SMTP interfaces of the scenario's EVVM Server (evvm-server container); its faults are the server's. */
function drivenInterworking(scope: Scope): Promise<{ iw: EvvmInterworking; ports: InterworkingPorts }> {
  return scope.once('evvm-server-smtp', async () => {
    const { server } = await drivenEvvmServer(scope);
    const { pki, profile, accounts } = scope.run;
    const iw = new EvvmInterworking(homeInterworkingConfig({ server, pki, profile, accounts, transcript: scope.transcript }));
    const local = await iw.start();
    scope.onEnd(() => iw.stop());
    const ports = {} as InterworkingPorts;
    for (const iface of Object.keys(local) as SmtpInterface[]) ports[iface] = await published(scope, local[iface]);
    return { iw, ports };
  });
}
const iwOf = async (s: Scope) => (await drivenInterworking(s)).iw;

serve(R.smtpStart, async (_, s) => {
  const { iw, ports } = await drivenInterworking(s);
  return { actor: iw.actor, domain: HOME.domain, servername: HOME.identity, ports };
});
serve(R.forwarding, async ({ identifier, address }, s) => {
  (await iwOf(s)).setForwarding(identifier, address);
  return { ok: true as const };
});
serve(R.leaveVoicemail, async ({ identifier, raw }, s) => {
  await iwOf(s); // the SMTP interfaces listen for deposits before the first one
  (await drivenEvvmServer(s)).server.deposit(identifier, { raw });
  return { ok: true as const };
});
serve(R.route, async ({ link, endpoint, domain }, s) => {
  routeLink(await iwOf(s), link, endpoint, domain);
  return { ok: true as const };
});
serve(R.outbound, async ({ count }, s) => (await iwOf(s)).waitForOutbound(count));
serve(R.observations, async (_, s) => (await iwOf(s)).observations());
serve(R.mailbox, async ({ identifier }, s) => (await drivenEvvmServer(s)).server.messages(identifier).map((m) => ({ uid: m.uid, flags: m.flags, raw: m.raw })));

/** The scenario's Forwarding Gateway or Non-OMA VM Service (their own containers), started and published. */
function drivenPeer<P extends InterworkingPeer<string>>(scope: Scope, key: string, make: () => P): Promise<{ peer: P; ports: Ports }> {
  return scope.once(key, async () => {
    const peer = make();
    const local = await peer.start();
    scope.onEnd(() => peer.stop());
    return { peer, ports: await published(scope, local) };
  });
}

const forwardingGateway = (s: Scope) => drivenPeer(s, 'forwarding-gateway', () => new ForwardingGateway({ ...interworkingPeerConfig({ ...s.run, faults: s.faults }, 'forwardingGateway'), transcript: s.transcript }));
const nonOmaVm = (s: Scope) => drivenPeer(s, 'non-oma-vm', () => new NonOmaVm({ ...interworkingPeerConfig({ ...s.run, faults: s.faults }, 'nonOmaVm'), domain: NON_OMA.domain, transcript: s.transcript }));

/** What both peers answer to start: the harness publishes the ports and routes the EVVM Server to them. */
const started = ({ peer, ports }: { peer: InterworkingPeer<string>; ports: Ports }) => ({ actor: peer.actor, servername: peer.endpoint('starttls').servername, ports });

serve(R.gatewayStart, async (_, s) => started(await forwardingGateway(s)));
serve(R.gatewayReceived, async (_, s) => (await forwardingGateway(s)).peer.received());
serve(R.gatewayForwarded, async (_, s) => (await forwardingGateway(s)).peer.forwarded());
serve(R.gatewaySessions, async (_, s) => (await forwardingGateway(s)).peer.sessions());
serve(R.reportResult, async ({ target, to, certificate }, s) =>
  (await forwardingGateway(s)).peer.reportResult(target, { to, credential: clientCredential(s.run.pki, 'forwardingGateway', certificate) ?? null }),
);

serve(R.nonOmaStart, async (_, s) => ({ ...started(await nonOmaVm(s)), domain: NON_OMA.domain }));
serve(R.nonOmaReceived, async (_, s) => (await nonOmaVm(s)).peer.received());
serve(R.nonOmaSessions, async (_, s) => (await nonOmaVm(s)).peer.sessions());
serve(R.sendVpim, async ({ target, message, certificate }, s) =>
  (await nonOmaVm(s)).peer.sendVoicemail(target, { ...message, credential: clientCredential(s.run.pki, 'nonOmaVm', certificate) ?? null }),
);

/** The peer domain's EVVM Server (evvm-server-peer container), started and published. */
function peerEvvmServer(scope: Scope): Promise<{ peer: PeerEvvmServer; ports: Ports }> {
  return scope.once('evvm-server-peer', async () => {
    const peer = await startPeerEvvmServer({ pki: scope.run.pki, transcript: scope.transcript });
    scope.transcript.secret(peer.password);
    scope.onEnd(peer.stop);
    const at = (t: SmtpTransport) => peer.interworking.endpoint('interServer', t)?.port;
    return { peer, ports: await published(scope, { smtp: at('starttls'), smtps: at('implicit-tls') }) };
  });
}

serve(R.peerStart, async ({ home }, s) => {
  const { peer, ports } = await peerEvvmServer(s);
  peer.interworking.routeDomain(HOME.domain, home);
  return { actor: peer.interworking.actor, servername: peer.interworking.endpoint('interServer', 'starttls')!.servername, mailboxAddress: PEER_ADDRESS, ports };
});
serve(R.peerMailbox, async (_, s) => (await peerEvvmServer(s)).peer.server.messages(PEER_ADDRESS).map((m) => ({ uid: m.uid, flags: m.flags, raw: m.raw })));
serve(R.peerObservations, async (_, s) => (await peerEvvmServer(s)).peer.interworking.observations());
serve(R.peerRelay, async (relay, s) => relayFromPeer((await peerEvvmServer(s)).peer, { pki: s.run.pki, transcript: s.transcript }, relay));

// the SMTP impostors of one scenario (adversaries container), by id
const impostors = new WeakMap<Scope, Map<string, SmtpImpostor>>();

function impostorOf(scope: Scope, id: string): SmtpImpostor {
  const found = impostors.get(scope)?.get(id);
  if (!found) throw new ControlError(`no SMTP impostor "${id}" in this scenario`);
  return found;
}

serve(R.impostorStart, async ({ party, kind }, s) => {
  const impostor = smtpImpostor({ pki: s.run.pki, transcript: s.transcript }, party, kind);
  const local = await impostor.listener.start();
  s.onEnd(() => impostor.listener.stop());
  let mine = impostors.get(s);
  if (!mine) impostors.set(s, (mine = new Map()));
  const id = String(mine.size + 1);
  mine.set(id, impostor);
  return { id, actor: impostor.actor, servername: impostor.servername, ports: await published(s, local) };
});
serve(R.impostorReceived, ({ id }, s) => impostorOf(s, id).received());
serve(R.impostorSessions, ({ id }, s) => impostorOf(s, id).listener.observations());
