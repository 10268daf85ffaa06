/**
 * The interworking roles (harness/roles/interworking.ts) in process: the EVVM Server's SMTP interfaces
 * around the embedded EVVM Server, the Forwarding Gateway, the Non-OMA VM Service, the peer EVVM Server
 * and the impostors on loopback, each routed to the other by endpoint.
 */
import { EvvmInterworking } from '../../../simulators/evvm-server/interworking';
import { ForwardingGateway } from '../../../simulators/forwarding-gateway';
import { NonOmaVm } from '../../../simulators/non-oma-vm';
import type { InterworkingPeer, InterworkingPeerOptions } from '../../../simulators/protocol/smtp/interworking-peer';
import type { LinkPolicy, SmtpEndpoint, SmtpTransport } from '../../../simulators/protocol/smtp/types';
import * as contract from '../../roles/interworking';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

registerEmbeddedRole('evvm-server-smtp', async (ctx) => {
  const server = await ctx.evvmServer();
  const iw = new EvvmInterworking(contract.homeInterworkingConfig({ server, pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, transcript: ctx.transcript }));
  await iw.start();
  ctx.onStop(() => iw.stop());
  return contract.evvmSmtpRole(server, iw);
});

/** The EVVM Server's interface for a link. */
function homeInterface(home: contract.EvvmSmtpRole, link: contract.PeerLink | 'interServer', transport: SmtpTransport, what: string): SmtpEndpoint {
  const e = home.endpoint(link, transport);
  if (!e) throw new Error(`the EVVM Server has no ${what} interface`);
  return e;
}

/**
 * What the harness's parties need of a scenario: the embedded one, or one around an EVVM Server under test
 * (external/evvm-server-interworking.ts), whose `facing` policy says what they ask of its client certificate.
 */
type PartyContext = Omit<EmbeddedContext, 'evvmServer'>;

/** Starts the Forwarding Gateway or the Non-OMA VM Service and points the EVVM Server's link at it. */
async function startInterworkingPeer<P extends InterworkingPeer<string>>(ctx: PartyContext, home: contract.EvvmSmtpRole, link: contract.PeerLink, make: (options: InterworkingPeerOptions) => P, facing?: LinkPolicy): Promise<P> {
  const peer = make({ ...contract.interworkingPeerConfig(ctx, link), ...(facing ? { evvmServerPolicy: facing } : {}), transcript: ctx.transcript });
  await peer.start();
  ctx.onStop(() => peer.stop());
  await home.route(link, peer.endpoint('starttls'));
  return peer;
}

export async function forwardingGatewayParty(ctx: PartyContext, facing?: LinkPolicy): Promise<contract.ForwardingGatewayRole> {
  const home = await ctx.topology.role('evvm-server-smtp');
  const fgw = await startInterworkingPeer(ctx, home, 'forwardingGateway', (options) => new ForwardingGateway(options), facing);
  return {
    actor: fgw.actor,
    endpoint: (t) => fgw.endpoint(t),
    received: async () => fgw.received(),
    forwarded: async () => fgw.forwarded(),
    sessions: async () => fgw.sessions(),
    reportResult: (to, certificate) =>
      fgw.reportResult(homeInterface(home, 'forwardingGateway', 'starttls', 'Forwarding Gateway'), { to, credential: contract.clientCredential(ctx.pki, 'forwardingGateway', certificate) ?? null }),
  };
}
registerEmbeddedRole('forwarding-gateway', (ctx) => forwardingGatewayParty(ctx));

export async function nonOmaVmParty(ctx: PartyContext, facing?: LinkPolicy): Promise<contract.NonOmaVmRole> {
  const home = await ctx.topology.role('evvm-server-smtp');
  const vm = await startInterworkingPeer(ctx, home, 'nonOmaVm', (options) => new NonOmaVm({ ...options, domain: contract.NON_OMA.domain }), facing);
  return {
    actor: vm.actor,
    domain: contract.NON_OMA.domain,
    endpoint: (t) => vm.endpoint(t),
    received: async () => vm.received(),
    sessions: async () => vm.sessions(),
    sendVoicemail: (message, certificate, target) =>
      vm.sendVoicemail(target ?? homeInterface(home, 'nonOmaVm', 'starttls', 'Non-OMA VM'), { ...message, credential: contract.clientCredential(ctx.pki, 'nonOmaVm', certificate) ?? null }),
  };
}
registerEmbeddedRole('non-oma-vm', (ctx) => nonOmaVmParty(ctx));

export async function peerEvvmServerParty(ctx: PartyContext, facing?: LinkPolicy): Promise<contract.PeerEvvmServerRole> {
  const home = await ctx.topology.role('evvm-server-smtp');
  const peer = await contract.startPeerEvvmServer({ pki: ctx.pki, transcript: ctx.transcript, ...(facing ? { facing } : {}) });
  ctx.onStop(peer.stop);
  let reEncode = false;
  const homeIn = (t: SmtpTransport): SmtpEndpoint => homeInterface(home, 'interServer', t, `server-to-server ${t}`);
  peer.interworking.routeDomain(contract.HOME.domain, homeIn('starttls'));
  await home.route('interServer', peer.interworking.endpoint('interServer', 'starttls')!, contract.PEER.domain);
  return {
    actor: peer.interworking.actor,
    domain: contract.PEER.domain,
    mailboxAddress: contract.PEER_ADDRESS,
    endpoint: (t) => peer.interworking.endpoint('interServer', t)!,
    mailbox: async () => peer.server.messages(contract.PEER_ADDRESS),
    observations: async () => peer.interworking.observations(),
    reEncodeRelays: (on) => {
      reEncode = on;
    },
    sendVoicemail: (message, certificate, transport = 'starttls', target) => contract.relayFromPeer(peer, ctx, { message, certificate, target: target ?? homeIn(transport), reEncode }),
  };
}
registerEmbeddedRole('evvm-server-peer', (ctx) => peerEvvmServerParty(ctx));

registerEmbeddedRole('interworking-equipment', async (ctx) => {
  const home = await ctx.topology.role('evvm-server-smtp');
  return contract.interworkingEquipment(ctx, (party, kind) => startImpostor(ctx, home, party, kind));
});

/** Starts an impostor on loopback; for a link, the EVVM Server is routed to it. */
export async function startImpostor(ctx: Pick<EmbeddedContext, 'pki' | 'transcript' | 'onStop'>, home: contract.EvvmSmtpRole, party: contract.Party, kind: contract.ImpostorKind): Promise<contract.ImpostorServer> {
  const impostor = contract.smtpImpostor(ctx, party, kind);
  const ports = await impostor.listener.start();
  ctx.onStop(() => impostor.listener.stop());
  const endpoint = (t: SmtpTransport): SmtpEndpoint => ({ host: '127.0.0.1', port: (t === 'starttls' ? ports.smtp : ports.smtps)!, servername: impostor.servername, transport: t });
  if (party !== 'evvmServer') await home.route(party, endpoint('starttls'), contract.PEER.domain);
  return { actor: impostor.actor, endpoint, received: async () => impostor.received(), sessions: async () => impostor.listener.observations() };
}
