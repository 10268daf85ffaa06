import type { EvvmWorld } from '../world';
import type { Transport } from '../../harness/topology/roles';

const SERVER = { evvmServer: 'EVVM Server', messageStorage: 'Message Storage Server' } as const;
const SHOWN: Record<Transport, string> = { 'implicit-tls': 'implicit TLS', starttls: 'STARTTLS' };

/**
 * A scenario that needs a transport the server does not declare is not applicable, with the reason: decided
 * from the profile before the scenario connects, so that a missing port is neither an error nor a pass.
 * The profile's transports are also what the embedded simulators listen on (topology/server-config.ts).
 */
export function transportNotDeclared(w: EvvmWorld, server: keyof typeof SERVER, transport: Transport): 'skipped' | undefined {
  const declared = w.profile.capabilities[server].transports;
  if (declared.includes(transport)) return undefined;
  return w.notApplicable(`the ${SERVER[server]} declares no ${SHOWN[transport]} port (capabilities.${server}.transports: ${declared.join(', ')})`);
}
