import { z } from 'zod';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { isKnownFault } from '../../simulators/faults';
import { evvmServerConfig } from '../roles/authentication';
import { ControlError } from '../control/control-server';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

registerSimulatedRole('evvm-server', async (ctx) => {
  const server = new EvvmServer(evvmServerConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, host: ctx.host }));
  const ports = await server.start();
  const endpoints: Record<string, string> = {};
  if (ports.imaps !== undefined) endpoints.imaps = `${ctx.host}:${ports.imaps}`;
  if (ports.imap !== undefined) endpoints.imap = `${ctx.host}:${ports.imap}`;
  return {
    endpoints,
    routes: {
      'GET /observations': () => {
        const o = server.observations();
        return { authentications: o.authentications, connections: o.connections.map((c) => ({ ...c, clientBytes: c.clientBytes.toString('base64') })) };
      },
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!isKnownFault(fault) || !fault.startsWith('evvm-server:')) throw new ControlError(`unknown EVVM Server fault "${fault}"`);
        server.setFault(fault, on);
      },
    },
    stop: () => server.stop(),
  };
});
