import { parseImapDateTime } from '../response';
import { arity, astring, ImapSyntaxError } from '../tokenizer';
import { SYSTEM_FLAGS } from '../mailstore';
import { AUTHENTICATED, mailboxName, type CommandSpec } from './types';

/** APPEND (RFC 3501 §6.3.11): mailbox [flags] [date-time] literal (VVM clients upload greetings this way). */
export const append: CommandSpec = {
  name: 'APPEND',
  states: AUTHENTICATED,
  run(s, cmd) {
    arity(cmd, 2, 4);
    const name = mailboxName(astring(cmd, cmd.args[0], 'mailbox name'));
    const message = cmd.args[cmd.args.length - 1]!;
    if (message.type !== 'string' || !message.literal) throw new ImapSyntaxError('the message must be a literal', cmd.tag);
    let flags: string[] = [];
    let date = new Date();
    for (const opt of cmd.args.slice(1, -1)) {
      if (opt.type === 'list') {
        flags = opt.items.map((f) => {
          if (f.type !== 'atom') throw new ImapSyntaxError('flags must be atoms', cmd.tag);
          const sys = SYSTEM_FLAGS.find((x) => x.toLowerCase() === f.value.toLowerCase());
          if (f.value.startsWith('\\') && !sys) throw new ImapSyntaxError(`invalid flag ${f.value.slice(0, 40)}`, cmd.tag);
          return sys ?? f.value;
        });
      } else if (opt.type === 'string' && !opt.literal) {
        const d = parseImapDateTime(opt.value.toString('latin1'));
        if (!d) throw new ImapSyntaxError('invalid date-time', cmd.tag);
        date = d;
      } else throw new ImapSyntaxError('APPEND options are a flag list and a quoted date-time', cmd.tag);
    }
    if (message.value.length === 0) throw new ImapSyntaxError('empty message', cmd.tag);
    const folder = s.backend.folder(s, s.user!, name);
    if ('ok' in folder) {
      s.tagged(cmd.tag, 'NO', folder.text, folder.code ?? 'TRYCREATE');
      return;
    }
    const over = folder.overQuota(message.value.length, flags);
    if (over) {
      s.tagged(cmd.tag, 'NO', over, 'OVERQUOTA');
      return;
    }
    folder.append(message.value, flags, date);
    if (s.view?.folder === folder) s.flushArrivals();
    s.tagged(cmd.tag, 'OK', 'APPEND completed');
  },
};
