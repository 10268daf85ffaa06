// Every clause's container side registers its routes: those in harness/topology/containers/clauses/ are
// found there; the rest register here, one line per file.
import path from 'node:path';
import { loadFolder } from '../../topology/registry';
import './sides';

loadFolder(path.join(__dirname, '..', '..', 'topology', 'containers', 'clauses'));

export { DrivenHost, drivenRoleNames, CONTROL_PORT, POOL_PORTS } from './host';
