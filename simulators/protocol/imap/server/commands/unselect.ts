import { arity } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

/** UNSELECT (RFC 3691): CLOSE without expunge. */
export const unselect: CommandSpec = {
  name: 'UNSELECT',
  states: SELECTED,
  run(s, cmd) {
    arity(cmd, 0);
    s.deselect();
    s.tagged(cmd.tag, 'OK', 'UNSELECT completed');
  },
};
