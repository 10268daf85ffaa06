import net from 'node:net';
import { ForwardingGateway } from '../../simulators/forwarding-gateway';
import { FGW, interworkingPeerConfig } from '../roles/interworking';
import { serveInterworkingPeer, smtpIutProfile } from './interworking-peer';
import { registerSimulatedRole } from './registry';

/** A port free now on the host, where the harness will receive what the gateway forwards. */
async function freePort(host: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * The Forwarding Gateway on its own; it also shows what it forwarded to the e-mail world, and delivers each
 * copy by SMTP to `forwardsTo` on its host (where `run --profile` of its --profile-out receives it).
 */
registerSimulatedRole('forwarding-gateway', async (ctx) => {
  const forwardsTo = await freePort(ctx.host);
  const fgw = new ForwardingGateway({ host: ctx.host, ...interworkingPeerConfig(ctx, 'forwardingGateway'), relayTo: { host: ctx.host, port: forwardsTo } });
  const meta = (m: { to: string | string[]; messageId?: string; raw: Buffer }) => ({ to: m.to, messageId: m.messageId, bytes: m.raw.length });
  const served = await serveInterworkingPeer(ctx, fgw, {
    'GET /received': () => fgw.received().map((r) => ({ ...meta(r), from: r.from, peer: r.peer })),
    'GET /forwarded': () => fgw.forwarded().map(meta),
  });
  return {
    ...served,
    endpoints: { ...served.endpoints, forwardsTo: `${ctx.host}:${forwardsTo}` },
    iutProfile: () =>
      smtpIutProfile(
        ctx,
        { role: 'forwarding-gateway', servername: FGW.identity, ports: { smtp: fgw.endpoint('starttls').port, smtps: fgw.endpoint('implicit-tls').port }, relayDomains: ['mail.example'], wrongHost: 'non-oma-vm-client', link: 'forwardingGateway' },
        { iut: { forwardsTo: { port: forwardsTo } } },
      ),
  };
});
