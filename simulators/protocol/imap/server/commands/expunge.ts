import { arity } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

/** EXPUNGE (RFC 3501 §6.4.3): the view's sync reports each removal as `* n EXPUNGE`. */
export const expunge: CommandSpec = {
  name: 'EXPUNGE',
  states: SELECTED,
  run(s, cmd) {
    arity(cmd, 0);
    const view = s.view!;
    if (view.readOnly) {
      s.tagged(cmd.tag, 'NO', 'mailbox is read-only', 'READ-ONLY');
      return;
    }
    view.folder.expungeDeleted();
    s.flushUpdates();
    s.tagged(cmd.tag, 'OK', 'EXPUNGE completed');
  },
};
