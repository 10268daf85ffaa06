/**
 * The interworking clause's roles in the container topology (the simulators: harness/simulate/driven/
 * interworking.ts). The EVVM Server's SMTP interfaces run in the evvm-server container around the
 * scenario's EVVM Server; the Forwarding Gateway, the Non-OMA VM Service and the peer EVVM Server in their
 * own containers; SMTP impostors in the adversaries container. The EVVM Server's links are routed to
 * them by network endpoint. The harness's equipment (test senders, raw sessions, the S/MIME signer) stays
 * here and connects to published endpoints, as the steps see them.
 */
import type { ExternalDelivery, GatewayReceipt } from '../../../../simulators/forwarding-gateway';
import type { VpimReceipt } from '../../../../simulators/non-oma-vm';
import type { DeliveryResult } from '../../../../simulators/protocol/smtp/client';
import type { InboundSession, ReceivedMessage } from '../../../../simulators/protocol/smtp/server';
import type { SmtpEndpoint, SmtpTransport } from '../../../../simulators/protocol/smtp/types';
import type { InterworkingObservations, OutboundDelivery } from '../../../../simulators/evvm-server/interworking';
import { HarnessError } from '../../../engine/outcomes';
import { interworkingEquipment, PEER, type EvvmSmtpRole, type ImpostorServer, type Party, type ServerCertificateFlaw, type SmtpInterface } from '../../embedded/interworking';
import { registerContainerRole, type ContainersContext } from '../../registry';
import type { ContainerRole } from '../names';

type Ports = { smtp?: number; smtps?: number };
type Mailbox = Array<{ uid: number; flags: string[]; raw: Buffer }>;

/** A listener's endpoint as the harness reaches it (a published port), with the name its server proves. */
function endpointOf(ctx: ContainersContext, role: ContainerRole, ports: Ports | undefined, servername: string, transport: SmtpTransport): SmtpEndpoint | undefined {
  const port = transport === 'starttls' ? ports?.smtp : ports?.smtps;
  return port === undefined ? undefined : { ...ctx.published(role, port), servername, transport };
}

/** The inverse of onNetwork for what the EVVM Server reports: where it sent, as the harness reaches it. */
function harnessView(ctx: ContainersContext, e: SmtpEndpoint): SmtpEndpoint {
  return ctx.fromNetwork(e) ?? e;
}

registerContainerRole('evvm-server-smtp', async (ctx) => {
  const c = await ctx.control('evvm-server');
  const r = await c.call<{ actor: string; domain: string; servername: string; ports: Record<SmtpInterface, Ports> }>('POST /evvm-server-smtp/start');
  const role: EvvmSmtpRole = {
    actor: r.actor,
    domain: r.domain,
    endpoint: (iface, transport) => endpointOf(ctx, 'evvm-server', r.ports[iface], r.servername, transport),
    setForwarding: async (identifier, address) => void (await c.call('POST /evvm-server-smtp/forwarding', { identifier, address })),
    leaveVoicemail: async (identifier, raw) => void (await c.call('POST /evvm-server-smtp/leave-voicemail', { identifier, raw })),
    route: async (link, endpoint, domain) => void (await c.call('POST /evvm-server-smtp/route', { link, endpoint: ctx.onNetwork(endpoint), ...(domain ? { domain } : {}) })),
    outbound: async (count) => (await c.call<OutboundDelivery[]>('POST /evvm-server-smtp/outbound', { count })).map((o) => (o.endpoint ? { ...o, endpoint: harnessView(ctx, o.endpoint) } : o)),
    observations: async () => {
      const o = await c.call<InterworkingObservations>('GET /evvm-server-smtp/observations');
      return { ...o, outbound: o.outbound.map((d) => (d.endpoint ? { ...d, endpoint: harnessView(ctx, d.endpoint) } : d)) };
    },
    mailbox: (identifier) => c.call<Mailbox>('POST /evvm-server-smtp/mailbox', { identifier }),
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
  const c = await ctx.control('forwarding-gateway');
  const r = await c.call<{ actor: string; servername: string; ports: Ports }>('POST /forwarding-gateway/start');
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'forwarding-gateway', r.ports, r.servername, t)!;
  await home.route('forwardingGateway', endpoint('starttls'));
  return {
    actor: r.actor,
    endpoint,
    received: () => c.call<GatewayReceipt[]>('GET /forwarding-gateway/received'),
    forwarded: () => c.call<ExternalDelivery[]>('GET /forwarding-gateway/forwarded'),
    sessions: () => c.call<InboundSession[]>('GET /forwarding-gateway/sessions'),
    reportResult: (to, certificate) =>
      c.call<DeliveryResult>('POST /forwarding-gateway/report-result', { target: ctx.onNetwork(homeInterface(home, 'forwardingGateway', 'starttls', 'Forwarding Gateway')), to, certificate }),
  };
});

registerContainerRole('non-oma-vm', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const c = await ctx.control('non-oma-vm');
  const r = await c.call<{ actor: string; servername: string; domain: string; ports: Ports }>('POST /non-oma-vm/start');
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'non-oma-vm', r.ports, r.servername, t)!;
  await home.route('nonOmaVm', endpoint('starttls'));
  return {
    actor: r.actor,
    domain: r.domain,
    endpoint,
    received: () => c.call<VpimReceipt[]>('GET /non-oma-vm/received'),
    sessions: () => c.call<InboundSession[]>('GET /non-oma-vm/sessions'),
    sendVoicemail: (message, certificate, target) =>
      c.call<DeliveryResult>('POST /non-oma-vm/send-voicemail', { target: ctx.onNetwork(target ?? homeInterface(home, 'nonOmaVm', 'starttls', 'Non-OMA VM')), message, certificate }),
  };
});

registerContainerRole('evvm-server-peer', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  const homeIn = (t: SmtpTransport): SmtpEndpoint => homeInterface(home, 'interServer', t, 'server-to-server');
  const c = await ctx.control('evvm-server-peer');
  const r = await c.call<{ actor: string; servername: string; mailboxAddress: string; ports: Ports }>('POST /evvm-server-peer/start', { home: ctx.onNetwork(homeIn('starttls')) });
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'evvm-server-peer', r.ports, r.servername, t)!;
  await home.route('interServer', endpoint('starttls'), PEER.domain);
  // the harness's switch, sent along with each relay
  let reEncode = false;
  return {
    actor: r.actor,
    domain: PEER.domain,
    mailboxAddress: r.mailboxAddress,
    endpoint,
    mailbox: () => c.call<Mailbox>('GET /evvm-server-peer/mailbox'),
    observations: () => c.call<InterworkingObservations>('GET /evvm-server-peer/observations'),
    reEncodeRelays: (on) => {
      reEncode = on;
    },
    sendVoicemail: (message, certificate, transport = 'starttls') =>
      c.call<DeliveryResult>('POST /evvm-server-peer/send-voicemail', { message, certificate, target: ctx.onNetwork(homeIn(transport)), reEncode }),
  };
});

/** An impostor in the adversaries container; for a link, the EVVM Server is routed to it. */
async function startImpostor(ctx: ContainersContext, home: EvvmSmtpRole, party: Party, flaw: ServerCertificateFlaw | 'no-starttls'): Promise<ImpostorServer> {
  const c = await ctx.control('adversaries');
  const r = await c.call<{ id: string; actor: string; servername: string; ports: Ports }>('POST /smtp-impostor/start', { party, flaw });
  const endpoint = (t: SmtpTransport): SmtpEndpoint => endpointOf(ctx, 'adversaries', r.ports, r.servername, t)!;
  if (party !== 'evvmServer') await home.route(party, endpoint('starttls'), PEER.domain);
  return {
    actor: r.actor,
    endpoint,
    received: () => c.call<ReceivedMessage[]>('POST /smtp-impostor/received', { id: r.id }),
    sessions: () => c.call<InboundSession[]>('POST /smtp-impostor/sessions', { id: r.id }),
  };
}

registerContainerRole('interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  return interworkingEquipment(ctx, (party, flaw) => startImpostor(ctx, home, party, flaw));
});
