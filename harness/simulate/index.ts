// Every role `simulate` can serve registers itself here; add one line per role.
import './evvm-server';
import './evvm-client';

export { simulatedRole, simulatedRoleNames } from './registry';
export type { SimulateContext, SimulatedRole } from './registry';
