import { arity } from '../tokenizer';
import { ANY_STATE, type CommandSpec } from './types';

/** LOGOUT (RFC 3501 §6.1.3): BYE, tagged OK, close. */
export const logout: CommandSpec = {
  name: 'LOGOUT',
  states: ANY_STATE,
  run(s, cmd) {
    arity(cmd, 0);
    s.untagged(`BYE ${s.host.actor} logging out`);
    s.tagged(cmd.tag, 'OK', 'LOGOUT completed');
    s.backend.loggedOut?.(s);
    s.close();
  },
};
