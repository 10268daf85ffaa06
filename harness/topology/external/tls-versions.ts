/** The TLS-version equipment (harness/roles/tls-versions.ts) when a vendor's server is under test. */
import { noStandIns } from '../../roles/tls-versions';
import { registerExternalRole } from '../registry';

// the implementations under test are servers: every client facing a stand-in would be one of the harness's simulators
const reason = "the clients facing a stand-in are the harness's own simulators; the server under test plays no part";
registerExternalRole('evvm-server', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('message-storage', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('forwarding-gateway', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('evvm-server-peer', 'tls-version-equipment', async () => noStandIns(reason));
// the Non-OMA VM Service under test sends too (its iut.send trigger): the stand-in for the EVVM Server it sends to faces it
registerExternalRole('non-oma-vm', 'tls-version-equipment', async (ctx) => {
  const equipment = await ctx.inner('tls-version-equipment');
  return { ...noStandIns(reason), standIn: async (server, transport, version) => (server === 'evvm-server-smtp' ? equipment.standIn(server, transport, version) : { notApplicable: reason }) };
});
