import { readFile } from 'node:fs/promises';
import { NonOmaVm } from '../../simulators/non-oma-vm';
import { interworkingPeerConfig, NON_OMA } from '../roles/interworking';
import { parseBody } from './body';
import { SendBody, serveInterworkingPeer, smtpIutProfile } from './interworking-peer';
import { registerSimulatedRole } from './registry';

/**
 * The Non-OMA Standard VM Service on its own: it takes VPIM voicemail (multipart/voice-message) for
 * <digits>@legacy-vm.example, and sends VPIM voicemail when POST /send-voicemail asks it to (a harness that
 * has it under test: its send trigger), trusting the anchor it is handed for the receiving server.
 */
registerSimulatedRole('non-oma-vm', async (ctx) => {
  const config = { host: ctx.host, ...interworkingPeerConfig(ctx, 'nonOmaVm'), domain: NON_OMA.domain };
  const vm = new NonOmaVm(config);
  const served = await serveInterworkingPeer(ctx, vm, {
    'GET /received': () => vm.received().map((r) => ({ from: r.from, to: r.to, vpim: r.vpim, peer: r.peer, bytes: r.raw.length })),
    'POST /send-voicemail': async (b) => {
      const r = parseBody(SendBody, b);
      // the same service (faults included), trusting the anchor of the server it is sent to
      const sender = new NonOmaVm({ ...config, evvmServerPolicy: { ...config.evvmServerPolicy, trustAnchors: await readFile(r.trustAnchor, 'utf8'), crl: [] } });
      const result = await sender.sendVoicemail({ host: r.host, port: r.port, servername: r.servername, transport: r.transport }, { from: r.from, to: r.to, messageId: r.messageId });
      return { delivered: result.delivered, stage: result.stage, reason: result.reason };
    },
  });
  return {
    ...served,
    iutProfile: (control) =>
      smtpIutProfile(
        ctx,
        { role: 'non-oma-vm', servername: NON_OMA.identity, ports: { smtp: vm.endpoint('starttls').port, smtps: vm.endpoint('implicit-tls').port }, relayDomains: [NON_OMA.domain], wrongHost: 'forwarding-gateway-client', link: 'nonOmaVm' },
        { control },
      ),
  };
});
