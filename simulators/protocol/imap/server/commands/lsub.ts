import { listFolders } from './list';
import { AUTHENTICATED, type CommandSpec } from './types';

/** LSUB (RFC 3501 §6.3.9): every folder is subscribed. */
export const lsub: CommandSpec = {
  name: 'LSUB',
  states: AUTHENTICATED,
  run(s, cmd) {
    listFolders(s, cmd, 'LSUB');
  },
};
