import { arity, astring } from '../tokenizer';
import { NOT_AUTHENTICATED, type CommandSpec } from './types';

/** LOGIN (RFC 3501 §6.2.3): the backend decides (LOGINDISABLED, credentials, refusal texts). */
export const login: CommandSpec = {
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  run(s, cmd) {
    arity(cmd, 2);
    const user = astring(cmd, cmd.args[0], 'user name');
    const password = astring(cmd, cmd.args[1], 'password');
    s.concludeAuthentication(cmd.tag, s.backend.login(s, user, password), 'LOGIN completed');
  },
};
