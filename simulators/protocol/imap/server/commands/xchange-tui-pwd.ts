import { arity, astring, ImapSyntaxError } from '../tokenizer';
import { AUTHENTICATED, type CommandSpec } from './types';

/**
 * XCHANGE_TUI_PWD PWD=<new> OLD_PWD=<old> (OMTP VVM 1.3 §2.3.1, known from implementations: VVM-04): the
 * backend owns the PIN and its rules; a role without the extension leaves the command unknown.
 */
export const xchangeTuiPwd: CommandSpec = {
  name: 'XCHANGE_TUI_PWD',
  states: AUTHENTICATED,
  run(s, cmd) {
    if (!s.backend.changeTuiPassword) {
      s.tagged(cmd.tag, 'BAD', 'unknown command XCHANGE_TUI_PWD');
      return;
    }
    arity(cmd, 2);
    const field = (i: number, key: string): string => {
      const v = astring(cmd, cmd.args[i], key);
      if (!v.startsWith(`${key}=`)) throw new ImapSyntaxError(`XCHANGE_TUI_PWD takes PWD=<new> OLD_PWD=<old>`, cmd.tag);
      return v.slice(key.length + 1);
    };
    const answer = s.backend.changeTuiPassword(s, s.user!, field(0, 'PWD'), field(1, 'OLD_PWD'));
    if (answer.ok) s.tagged(cmd.tag, 'OK', answer.text);
    else s.tagged(cmd.tag, 'NO', answer.text, answer.code);
  },
};
