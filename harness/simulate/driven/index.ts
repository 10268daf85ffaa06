// Every clause that adds driven routes registers them here; one line per file.
import './core';

export { DrivenHost, drivenRoleNames, CONTROL_PORT, POOL_PORTS, type DrivenSetup } from './host';
