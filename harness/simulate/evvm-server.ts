import { z } from 'zod';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { isKnownFault } from '../../simulators/faults';
import { EVVM_SERVER_NAME, evvmServerConfig } from '../roles/authentication';
import { ControlError } from '../control/control-server';
import { parseBody } from './body';
import { ImapIutProfile } from './imap-iut-profile';
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
    // this simulator as the EVVM Server under test: what it declares, and its mailboxes with every identifier
    iutProfile: () => {
      const p = new ImapIutProfile(ctx);
      return {
        policy: { evvmServer: ctx.profile.policy.evvmServer },
        capabilities: { evvmServer: p.declares(ctx.profile.capabilities.evvmServer, ports) },
        iut: {
          ...p.endpoint('evvm-server', EVVM_SERVER_NAME, ports),
          accounts: ctx.accounts.map((a) => ({
            name: a.name,
            identifiers: a.identifiers,
            passwordEnv: p.secret(a.name, 'PASSWORD', a.password),
            ...(a.tuiPin !== undefined ? { tuiPinEnv: p.secret(a.name, 'TUI_PIN', a.tuiPin) } : {}),
            blocked: a.blocked,
            // the voicemail only this mailbox holds: proves whose mailbox a login opened
            ...(a.blocked ? {} : { messageId: a.voicemail.messageId }),
          })),
        },
        env: p.env,
      };
    },
    stop: () => server.stop(),
  };
});
