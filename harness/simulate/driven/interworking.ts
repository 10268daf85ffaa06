/**
 * The interworking clause's driven simulators (container side), called by harness/topology/containers/
 * interworking.ts: the EVVM Server's SMTP interfaces (in the evvm-server container, around the scenario's
 * EVVM Server), the Forwarding Gateway, the Non-OMA VM Service, the peer domain's EVVM Server, and the
 * SMTP impostors (in the adversaries container). Endpoints in requests are as seen on the private network;
 * ports in answers are the container's published ones. Each is configured as in the embedded topology.
 */
import { z } from 'zod';
import { EvvmInterworking, type InterworkingPorts, type LinkName, type SmtpInterface } from '../../../simulators/evvm-server/interworking';
import { ForwardingGateway } from '../../../simulators/forwarding-gateway';
import { NonOmaVm } from '../../../simulators/non-oma-vm';
import type { InterworkingPeer } from '../../../simulators/protocol/smtp/interworking-peer';
import {
  clientCredential,
  HOME,
  homeInterworkingConfig,
  interworkingPeerConfig,
  NON_OMA,
  PEER_ADDRESS,
  relayFromPeer,
  routeLink,
  smtpImpostor,
  startPeerEvvmServer,
  type Party as PartyName,
  type PeerCertificate,
  type ServerCertificateFlaw,
} from '../../topology/embedded/interworking';
import { ControlError } from '../../control/control-server';
import { parseBody } from '../body';
import { drivenEvvmServer } from './core';
import { registerDrivenRoutes, type Scope } from './host';

const Transport = z.enum(['starttls', 'implicit-tls']);
const Endpoint = z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string(), transport: Transport });
const Link = z.enum(['forwardingGateway', 'nonOmaVm', 'interServer'] as const satisfies readonly LinkName[]);
const Certificate = z.enum(['valid', 'missing', 'untrusted-ca', 'expired', 'revoked', 'another-host'] as const satisfies readonly PeerCertificate[]);
const Party = z.enum(['forwardingGateway', 'nonOmaVm', 'interServer', 'evvmServer'] as const satisfies readonly PartyName[]);
const ImpostorFlaw = z.enum(['untrusted-ca', 'expired', 'another-host', 'no-starttls'] as const satisfies ReadonlyArray<ServerCertificateFlaw | 'no-starttls'>);
const Raw = z.instanceof(Buffer);

/** One listener's ports ({ smtp, smtps }) published on the container's fixed ports. */
async function published(scope: Scope, ports: { smtp?: number; smtps?: number }): Promise<{ smtp?: number; smtps?: number }> {
  return {
    ...(ports.smtp !== undefined ? { smtp: await scope.expose(ports.smtp) } : {}),
    ...(ports.smtps !== undefined ? { smtps: await scope.expose(ports.smtps) } : {}),
  };
}

// --- the EVVM Server's SMTP interfaces (evvm-server container) ---

/** The scenario's SMTP interfaces of the scenario's EVVM Server; its faults are the server's. */
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

registerDrivenRoutes('evvm-server', (scope) => {
  const iw = async () => (await drivenInterworking(scope())).iw;
  return {
    'POST /evvm-server-smtp/start': async () => {
      const { iw: i, ports } = await drivenInterworking(scope());
      return { actor: i.actor, domain: HOME.domain, servername: HOME.identity, ports };
    },
    'POST /evvm-server-smtp/forwarding': async (b) => {
      const { identifier, address } = parseBody(z.object({ identifier: z.string(), address: z.string() }), b);
      (await iw()).setForwarding(identifier, address);
      return { ok: true };
    },
    'POST /evvm-server-smtp/leave-voicemail': async (b) => {
      const { identifier, raw } = parseBody(z.object({ identifier: z.string(), raw: Raw }), b);
      await iw(); // the SMTP interfaces listen for deposits before the first one
      (await drivenEvvmServer(scope())).server.deposit(identifier, { raw });
      return { ok: true };
    },
    'POST /evvm-server-smtp/route': async (b) => {
      const { link, endpoint, domain } = parseBody(z.object({ link: Link, endpoint: Endpoint, domain: z.string().optional() }), b);
      routeLink(await iw(), link, endpoint, domain);
      return { ok: true };
    },
    'POST /evvm-server-smtp/outbound': async (b) => {
      const { count } = parseBody(z.object({ count: z.number().int().nonnegative() }), b);
      return (await iw()).waitForOutbound(count);
    },
    'GET /evvm-server-smtp/observations': async () => (await iw()).observations(),
    'POST /evvm-server-smtp/mailbox': async (b) => {
      const { identifier } = parseBody(z.object({ identifier: z.string() }), b);
      return (await drivenEvvmServer(scope())).server.messages(identifier).map((m) => ({ uid: m.uid, flags: m.flags, raw: m.raw }));
    },
  };
});

// --- the Forwarding Gateway and the Non-OMA VM Service (their own containers) ---

/** The scenario's Forwarding Gateway or Non-OMA VM Service, started and published. */
function drivenPeer<P extends InterworkingPeer<string>>(scope: Scope, key: string, make: () => P): Promise<{ peer: P; ports: { smtp?: number; smtps?: number } }> {
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
const started = (peer: InterworkingPeer<string>, ports: { smtp?: number; smtps?: number }) => ({ actor: peer.actor, servername: peer.endpoint('starttls').servername, ports });

registerDrivenRoutes('forwarding-gateway', (scope) => ({
  'POST /forwarding-gateway/start': async () => {
    const { peer, ports } = await forwardingGateway(scope());
    return started(peer, ports);
  },
  'GET /forwarding-gateway/received': async () => (await forwardingGateway(scope())).peer.received(),
  'GET /forwarding-gateway/forwarded': async () => (await forwardingGateway(scope())).peer.forwarded(),
  'GET /forwarding-gateway/sessions': async () => (await forwardingGateway(scope())).peer.sessions(),
  'POST /forwarding-gateway/report-result': async (b) => {
    const { target, to, certificate } = parseBody(z.object({ target: Endpoint, to: z.string(), certificate: Certificate }), b);
    const s = scope();
    return (await forwardingGateway(s)).peer.reportResult(target, { to, credential: clientCredential(s.run.pki, 'forwardingGateway', certificate) ?? null });
  },
}));

registerDrivenRoutes('non-oma-vm', (scope) => ({
  'POST /non-oma-vm/start': async () => {
    const { peer, ports } = await nonOmaVm(scope());
    return { ...started(peer, ports), domain: NON_OMA.domain };
  },
  'GET /non-oma-vm/received': async () => (await nonOmaVm(scope())).peer.received(),
  'GET /non-oma-vm/sessions': async () => (await nonOmaVm(scope())).peer.sessions(),
  'POST /non-oma-vm/send-voicemail': async (b) => {
    const { target, message, certificate } = parseBody(z.object({ target: Endpoint, message: z.object({ from: z.string(), to: z.string(), messageId: z.string().optional() }), certificate: Certificate }), b);
    const s = scope();
    return (await nonOmaVm(s)).peer.sendVoicemail(target, { ...message, credential: clientCredential(s.run.pki, 'nonOmaVm', certificate) ?? null });
  },
}));

// --- the peer domain's EVVM Server (evvm-server-peer container) ---

function peerEvvmServer(scope: Scope): Promise<{ peer: Awaited<ReturnType<typeof startPeerEvvmServer>>; ports: { smtp?: number; smtps?: number } }> {
  return scope.once('evvm-server-peer', async () => {
    const peer = await startPeerEvvmServer({ pki: scope.run.pki, transcript: scope.transcript });
    scope.transcript.secret(peer.password);
    scope.onEnd(peer.stop);
    const at = (t: 'starttls' | 'implicit-tls') => peer.interworking.endpoint('interServer', t)?.port;
    return { peer, ports: await published(scope, { smtp: at('starttls'), smtps: at('implicit-tls') }) };
  });
}

registerDrivenRoutes('evvm-server-peer', (scope) => ({
  /** `home`: the EVVM Server's server-to-server STARTTLS endpoint, where the peer relays op.example's mail */
  'POST /evvm-server-peer/start': async (b) => {
    const { home } = parseBody(z.object({ home: Endpoint }), b);
    const { peer, ports } = await peerEvvmServer(scope());
    peer.interworking.routeDomain(HOME.domain, home);
    return { actor: peer.interworking.actor, servername: peer.interworking.endpoint('interServer', 'starttls')!.servername, mailboxAddress: PEER_ADDRESS, ports };
  },
  'GET /evvm-server-peer/mailbox': async () => (await peerEvvmServer(scope())).peer.server.messages(PEER_ADDRESS).map((m) => ({ uid: m.uid, flags: m.flags, raw: m.raw })),
  'GET /evvm-server-peer/observations': async () => (await peerEvvmServer(scope())).peer.interworking.observations(),
  /** `reEncode` is the harness's switch (reEncodeRelays), sent with each relay */
  'POST /evvm-server-peer/send-voicemail': async (b) => {
    const body = parseBody(z.object({ message: z.object({ from: z.string(), to: z.string(), raw: Raw }), certificate: Certificate, target: Endpoint, reEncode: z.boolean() }), b);
    const s = scope();
    return relayFromPeer((await peerEvvmServer(s)).peer, { pki: s.run.pki, transcript: s.transcript }, body);
  },
}));

// --- SMTP impostors (adversaries container) ---

// the impostors of one scenario, by id
const impostors = new WeakMap<Scope, Map<string, ReturnType<typeof smtpImpostor>>>();

function impostorOf(scope: Scope, id: string): ReturnType<typeof smtpImpostor> {
  const found = impostors.get(scope)?.get(id);
  if (!found) throw new ControlError(`no SMTP impostor "${id}" in this scenario`);
  return found;
}

registerDrivenRoutes('adversaries', (scope) => ({
  'POST /smtp-impostor/start': async (b) => {
    const { party, flaw } = parseBody(z.object({ party: Party, flaw: ImpostorFlaw }), b);
    const s = scope();
    const impostor = smtpImpostor({ pki: s.run.pki, transcript: s.transcript }, party, flaw);
    const local = await impostor.listener.start();
    s.onEnd(() => impostor.listener.stop());
    let mine = impostors.get(s);
    if (!mine) impostors.set(s, (mine = new Map()));
    const id = String(mine.size + 1);
    mine.set(id, impostor);
    return { id, actor: impostor.actor, servername: impostor.servername, ports: await published(s, local) };
  },
  'POST /smtp-impostor/received': (b) => impostorOf(scope(), parseBody(z.object({ id: z.string() }), b).id).received(),
  'POST /smtp-impostor/sessions': (b) => impostorOf(scope(), parseBody(z.object({ id: z.string() }), b).id).listener.observations(),
}));
