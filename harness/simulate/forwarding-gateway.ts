import { ForwardingGateway } from '../../simulators/forwarding-gateway';
import { interworkingPeerConfig } from '../roles/interworking';
import { serveInterworkingPeer } from './interworking-peer';
import { registerSimulatedRole } from './registry';

/** The Forwarding Gateway on its own; it also shows what it forwarded to the e-mail world. */
registerSimulatedRole('forwarding-gateway', async (ctx) => {
  const fgw = new ForwardingGateway({ host: ctx.host, ...interworkingPeerConfig(ctx, 'forwardingGateway') });
  const meta = (m: { to: string | string[]; messageId?: string; raw: Buffer }) => ({ to: m.to, messageId: m.messageId, bytes: m.raw.length });
  return serveInterworkingPeer(ctx, fgw, {
    'GET /received': () => fgw.received().map((r) => ({ ...meta(r), from: r.from, peer: r.peer })),
    'GET /forwarded': () => fgw.forwarded().map(meta),
  });
});
