import { openFolder } from './select';
import { AUTHENTICATED, type CommandSpec } from './types';

/** EXAMINE (RFC 3501 §6.3.2): SELECT, read-only. */
export const examine: CommandSpec = {
  name: 'EXAMINE',
  states: AUTHENTICATED,
  run(s, cmd) {
    openFolder(s, cmd, true);
  },
};
