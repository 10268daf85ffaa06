// Every clause that adds driven routes registers them here; one line per file.
import './core';
import './sms';
import './content';
import './interworking';
import './message-storage';

export { DrivenHost, drivenRoleNames, CONTROL_PORT, POOL_PORTS } from './host';
