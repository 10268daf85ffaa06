import { Out } from '../response';
import { arity, astring, ImapSyntaxError, list } from '../tokenizer';
import { AUTHENTICATED, mailboxName, type CommandSpec } from './types';

/** STATUS (RFC 3501 §6.3.10). */
export const status: CommandSpec = {
  name: 'STATUS',
  states: AUTHENTICATED,
  run(s, cmd) {
    arity(cmd, 2);
    const name = mailboxName(astring(cmd, cmd.args[0], 'mailbox name'));
    const items = list(cmd, cmd.args[1], 'status items');
    if (items.length === 0) throw new ImapSyntaxError('STATUS needs at least one item', cmd.tag);
    const names = items.map((i) => {
      if (i.type !== 'atom') throw new ImapSyntaxError('STATUS items must be atoms', cmd.tag);
      return i.value.toUpperCase();
    });
    const folder = s.backend.folder(s, s.user!, name);
    if ('ok' in folder) {
      s.tagged(cmd.tag, 'NO', folder.text, folder.code);
      return;
    }
    const refused = s.backend.statusRefusal?.(s, s.user!, folder);
    if (refused) {
      s.tagged(cmd.tag, 'NO', refused.text, refused.code);
      return;
    }
    const values: string[] = [];
    for (const n of names) {
      switch (n) {
        case 'MESSAGES':
          values.push(`MESSAGES ${folder.messages.length}`);
          break;
        case 'RECENT':
          values.push(`RECENT ${folder.recentCount()}`);
          break;
        case 'UIDNEXT':
          values.push(`UIDNEXT ${folder.uidNext}`);
          break;
        case 'UIDVALIDITY':
          values.push(`UIDVALIDITY ${folder.uidValidity}`);
          break;
        case 'UNSEEN':
          values.push(`UNSEEN ${folder.unseenCount()}`);
          break;
        default:
          throw new ImapSyntaxError(`unknown STATUS item ${n.slice(0, 40)}`, cmd.tag);
      }
    }
    s.send(new Out().text('* STATUS ').astring(name).text(` (${values.join(' ')})`));
    s.tagged(cmd.tag, 'OK', 'STATUS completed');
  },
};
