import path from 'node:path';
import { z } from 'zod';
import { ForwardingGateway, isForwardingGatewayFault } from '../../simulators/forwarding-gateway';
import { ControlError } from '../control/control-server';
import { evvmServerPolicyOf, FGW, serverCredential } from '../topology/embedded/interworking';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

/**
 * The Forwarding Gateway on its own: SMTP with STARTTLS and implicit TLS; a sender must present the EVVM
 * Server's client certificate (trust.clientCert/clientKey) when the profile requires mutual authentication.
 */
registerSimulatedRole('forwarding-gateway', async (ctx) => {
  const client = ctx.pki.leaf('forwarding-gateway-client');
  const fgw = new ForwardingGateway({
    host: ctx.host,
    identity: FGW.identity,
    tls: serverCredential(ctx.pki, 'forwardingGateway'),
    clientCredential: { chainPem: client.chainPem, keyPem: client.keyPem },
    evvmServerPolicy: evvmServerPolicyOf(ctx.profile, ctx.pki, 'forwardingGateway'),
    faults: ctx.faults.filter((f) => f.startsWith('forwarding-gateway:')),
  });
  const ports = await fgw.start();
  const meta = (m: { to: string | string[]; messageId?: string; raw: Buffer }) => ({ to: m.to, messageId: m.messageId, bytes: m.raw.length });
  return {
    endpoints: { smtp: `${ctx.host}:${ports.smtp}`, smtps: `${ctx.host}:${ports.smtps}`, servername: FGW.identity },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [],
    routes: {
      'GET /received': () => fgw.received().map((r) => ({ ...meta(r), from: r.from, peer: r.peer })),
      'GET /forwarded': () => fgw.forwarded().map(meta),
      'GET /sessions': () => fgw.sessions(),
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!isForwardingGatewayFault(fault)) throw new ControlError(`unknown Forwarding Gateway fault "${fault}"`);
        fgw.setFault(fault, on);
      },
    },
    stop: () => fgw.stop(),
  };
});
