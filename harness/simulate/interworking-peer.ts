import path from 'node:path';
import { z } from 'zod';
import type { InterworkingPeer } from '../../simulators/protocol/smtp/interworking-peer';
import { ControlError, type Handler } from '../control/control-server';
import { parseBody } from './body';
import type { SimulatedRole, SimulateContext } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

/**
 * The Forwarding Gateway or the Non-OMA VM Service on its own, configured as in the embedded topology
 * (interworkingPeerConfig): SMTP with STARTTLS and implicit TLS; a sender must present the EVVM Server's
 * client certificate (trust.clientCert/clientKey) when the profile requires mutual authentication.
 * `routes` are the role's own; its sessions and fault switches are served the same way for both.
 */
export async function serveInterworkingPeer(ctx: SimulateContext, peer: InterworkingPeer<string>, routes: Record<string, Handler>): Promise<SimulatedRole> {
  const ports = await peer.start();
  return {
    endpoints: { smtp: `${ctx.host}:${ports.smtp}`, smtps: `${ctx.host}:${ports.smtps}`, servername: peer.endpoint('starttls').servername },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [],
    routes: {
      ...routes,
      'GET /sessions': () => peer.sessions(),
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!peer.isFault(fault)) throw new ControlError(`unknown ${peer.role} fault "${fault}"`);
        peer.setFault(fault, on);
      },
    },
    stop: () => peer.stop(),
  };
}
