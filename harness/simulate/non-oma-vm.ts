import path from 'node:path';
import { z } from 'zod';
import { isNonOmaVmFault, NonOmaVm } from '../../simulators/non-oma-vm';
import { ControlError } from '../control/control-server';
import { evvmServerPolicyOf, NON_OMA, serverCredential } from '../topology/embedded/interworking';
import { parseBody } from './body';
import { registerSimulatedRole } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

/**
 * The Non-OMA Standard VM Service on its own: it takes VPIM voicemail (multipart/voice-message) for
 * <digits>@legacy-vm.example over SMTP; a sender must present the EVVM Server's client certificate
 * (trust.clientCert/clientKey) when the profile requires mutual authentication.
 */
registerSimulatedRole('non-oma-vm', async (ctx) => {
  const client = ctx.pki.leaf('non-oma-vm-client');
  const vm = new NonOmaVm({
    host: ctx.host,
    identity: NON_OMA.identity,
    domain: NON_OMA.domain,
    tls: serverCredential(ctx.pki, 'nonOmaVm'),
    clientCredential: { chainPem: client.chainPem, keyPem: client.keyPem },
    evvmServerPolicy: evvmServerPolicyOf(ctx.profile, ctx.pki, 'nonOmaVm'),
    faults: ctx.faults.filter((f) => f.startsWith('non-oma-vm:')),
  });
  const ports = await vm.start();
  return {
    endpoints: { smtp: `${ctx.host}:${ports.smtp}`, smtps: `${ctx.host}:${ports.smtps}`, servername: NON_OMA.identity },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [],
    routes: {
      'GET /received': () => vm.received().map((r) => ({ from: r.from, to: r.to, vpim: r.vpim, peer: r.peer, bytes: r.raw.length })),
      'GET /sessions': () => vm.sessions(),
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!isNonOmaVmFault(fault)) throw new ControlError(`unknown Non-OMA VM Service fault "${fault}"`);
        vm.setFault(fault, on);
      },
    },
    stop: () => vm.stop(),
  };
});
