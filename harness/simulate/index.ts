// Every role `simulate` can serve registers itself here; add one line per role.
import './evvm-server';
import './evvm-client';
import './message-storage';
import './forwarding-gateway';
import './non-oma-vm';
import './evvm-server-peer';
import './evvm-server-interworking';
import './smsc';
import './evvm-server-sms';

export { simulatedRole, simulatedRoleNames } from './registry';
export type { SimulateContext, SimulatedRole } from './registry';
