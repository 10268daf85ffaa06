import { arity } from '../tokenizer';
import { ANY_STATE, type CommandSpec } from './types';

/** NOOP (RFC 3501 §6.1.2): also the moment to report new and expunged messages. */
export const noop: CommandSpec = {
  name: 'NOOP',
  states: ANY_STATE,
  run(s, cmd) {
    arity(cmd, 0);
    s.flushUpdates();
    s.tagged(cmd.tag, 'OK', 'NOOP completed');
  },
};
