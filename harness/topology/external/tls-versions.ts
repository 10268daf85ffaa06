/** The TLS-version equipment (harness/roles/tls-versions.ts) when a vendor's server is under test. */
import { InconclusiveError } from '../../engine/outcomes';
import { noStandIns } from '../../roles/tls-versions';
import { missing } from '../external';
import { registerExternalRole } from '../registry';

// the implementations under test are servers: every client facing a stand-in would be one of the harness's simulators
const reason = "the clients facing a stand-in are the harness's own simulators; the server under test plays no part";
registerExternalRole('evvm-server', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('message-storage', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('forwarding-gateway', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('evvm-server-peer', 'tls-version-equipment', async () => noStandIns(reason));
// The Non-OMA VM Service under test is the client facing a stand-in for the EVVM Server's Non-OMA VM interface:
// it applies, but its send trigger's delivery is watched where the EVVM Server receives, not at a stand-in
registerExternalRole('non-oma-vm', 'tls-version-equipment', async (ctx) => ({
  ...noStandIns(reason),
  standIn: async (server) => {
    if (server !== 'evvm-server-smtp') return { notApplicable: reason };
    if (!ctx.iut.send) missing('send trigger (iut.send.command): nothing else makes the Non-OMA VM Service under test send');
    throw new InconclusiveError('the harness does not yet watch what a Non-OMA VM Service under test delivers to a single-version stand-in (its send trigger is judged where the EVVM Server receives)');
  },
}));
