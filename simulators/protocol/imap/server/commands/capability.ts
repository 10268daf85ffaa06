import { arity } from '../tokenizer';
import { ANY_STATE, type CommandSpec } from './types';

/** CAPABILITY (RFC 3501 §6.1.1): the list depends on TLS and authentication state, so the backend builds it. */
export const capability: CommandSpec = {
  name: 'CAPABILITY',
  states: ANY_STATE,
  run(s, cmd) {
    arity(cmd, 0);
    s.untagged(`CAPABILITY ${s.capabilities().join(' ')}`);
    s.tagged(cmd.tag, 'OK', 'CAPABILITY completed');
  },
};
