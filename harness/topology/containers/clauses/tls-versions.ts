/**
 * The TLS-version equipment (harness/roles/tls-versions.ts) in containers: a stand-in would listen in the
 * harness's process, which the containers' private network cannot reach, so the clients' scenarios are not
 * applicable here (the embedded topology judges those clients). Test equipment offers versions to the
 * containers' servers through their published ports, as to any server: that side needs nothing here.
 */
import { noStandIns } from '../../../roles/tls-versions';
import { registerContainerRole } from '../../registry';

registerContainerRole('tls-version-equipment', async () => noStandIns("the containers topology has no single-version stand-in on the run's network; the embedded topology judges these clients"));
