import { Out } from '../response';
import { arity, ImapSyntaxError, isNil, text } from '../tokenizer';
import { ANY_STATE, type CommandSpec } from './types';

/** ID (RFC 2971): records the client's identification, answers with the server's. */
export const id: CommandSpec = {
  name: 'ID',
  states: ANY_STATE,
  run(s, cmd) {
    arity(cmd, 1);
    const arg = cmd.args[0]!;
    if (!isNil(arg)) {
      if (arg.type !== 'list' || arg.items.length % 2 !== 0 || arg.items.length > 60) {
        throw new ImapSyntaxError('ID takes NIL or a list of up to 30 field/value pairs', cmd.tag);
      }
      const pairs: string[] = [];
      for (let i = 0; i < arg.items.length; i += 2) {
        const k = arg.items[i]!;
        const v = arg.items[i + 1]!;
        if (k.type !== 'string' || (v.type !== 'string' && !isNil(v))) throw new ImapSyntaxError('ID fields are strings, values strings or NIL', cmd.tag);
        pairs.push(`${text(k)}=${isNil(v) ? 'NIL' : text(v)}`);
      }
      s.event('imap', `client ID: ${pairs.join(', ').slice(0, 500)}`);
    }
    s.send(new Out().text('* ID (').string('name').text(' ').string(s.host.actor).text(' ').string('vendor').text(' ').string('evvm-conformance').text(')'));
    s.tagged(cmd.tag, 'OK', 'ID completed');
  },
};
