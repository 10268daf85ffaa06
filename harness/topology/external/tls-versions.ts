/** The TLS-version equipment (harness/roles/tls-versions.ts) when a vendor's server is under test. */
import { noStandIns } from '../../roles/tls-versions';
import { registerExternalRole } from '../registry';

// the implementations under test are servers: every client facing a stand-in would be one of the harness's simulators
const reason = "the clients facing a stand-in are the harness's own simulators; the server under test plays no part";
registerExternalRole('evvm-server', 'tls-version-equipment', async () => noStandIns(reason));
registerExternalRole('message-storage', 'tls-version-equipment', async () => noStandIns(reason));
