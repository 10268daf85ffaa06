/** The TLS-version equipment (harness/roles/tls-versions.ts) when a vendor's server is under test. */
import { noStandIns } from '../../roles/tls-versions';
import { missing } from '../external';
import { registerExternalRole } from '../registry';
import { startStandIn } from '../embedded/tls-versions';
import { addStandIn } from './smtp-peer';

// the implementations under test are servers: every client facing a stand-in would be one of the harness's simulators
const reason = "the clients facing a stand-in are the harness's own simulators; the server under test plays no part";
registerExternalRole('evvm-server', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('message-storage', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('forwarding-gateway', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('evvm-server-peer', 'tls-version-equipment', async () => noStandIns(reason));
// The Non-OMA VM Service under test is the client facing a stand-in for the EVVM Server's Non-OMA VM interface:
// its send trigger points it at the stand-in, which sees whether it completes the handshake and speaks
registerExternalRole('non-oma-vm', 'tls-version-equipment', async (ctx) => ({
  ...noStandIns(reason),
  standIn: async (server, transport, version) => {
    if (server !== 'evvm-server-smtp') return { notApplicable: reason };
    if (!ctx.iut.send) missing('send trigger (iut.send.command): nothing else makes the Non-OMA VM Service under test send');
    const stood = await startStandIn(ctx, server, transport, version);
    addStandIn(ctx, stood);
    return stood;
  },
}));
