import { NonOmaVm } from '../../simulators/non-oma-vm';
import { interworkingPeerConfig, NON_OMA } from '../roles/interworking';
import { serveInterworkingPeer } from './interworking-peer';
import { registerSimulatedRole } from './registry';

/** The Non-OMA Standard VM Service on its own: it takes VPIM voicemail (multipart/voice-message) for <digits>@legacy-vm.example. */
registerSimulatedRole('non-oma-vm', async (ctx) => {
  const vm = new NonOmaVm({ host: ctx.host, ...interworkingPeerConfig(ctx, 'nonOmaVm'), domain: NON_OMA.domain });
  return serveInterworkingPeer(ctx, vm, {
    'GET /received': () => vm.received().map((r) => ({ from: r.from, to: r.to, vpim: r.vpim, peer: r.peer, bytes: r.raw.length })),
  });
});
