import { arity } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

/** CHECK (RFC 3501 §6.4.1): nothing to checkpoint in memory; acts like NOOP. */
export const check: CommandSpec = {
  name: 'CHECK',
  states: SELECTED,
  run(s, cmd) {
    arity(cmd, 0);
    s.flushUpdates();
    s.tagged(cmd.tag, 'OK', 'CHECK completed');
  },
};
