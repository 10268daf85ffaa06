import { arity } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

/** CLOSE (RFC 3501 §6.4.2): silent expunge when read-write, back to the authenticated state. */
export const close: CommandSpec = {
  name: 'CLOSE',
  states: SELECTED,
  run(s, cmd) {
    arity(cmd, 0);
    const view = s.view!;
    if (!view.readOnly) view.folder.expungeDeleted();
    s.deselect();
    s.tagged(cmd.tag, 'OK', 'CLOSE completed');
  },
};
