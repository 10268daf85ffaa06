import { FolderView } from '../mailstore';
import type { ImapSession } from '../session';
import { arity, astring, type ParsedCommand } from '../tokenizer';
import { AUTHENTICATED, mailboxName, type CommandSpec } from './types';

/** SELECT and EXAMINE (RFC 3501 §6.3.1-2): a failed attempt leaves no folder selected. */
export function openFolder(s: ImapSession, cmd: ParsedCommand, readOnly: boolean): void {
  arity(cmd, 1);
  const name = mailboxName(astring(cmd, cmd.args[0], 'mailbox name'));
  s.deselect();
  const folder = s.backend.folder(s, s.user!, name);
  if ('ok' in folder) {
    s.tagged(cmd.tag, 'NO', folder.text, folder.code);
    return;
  }
  const view = new FolderView(folder, readOnly, name);
  const flags = folder.flagList().join(' ');
  s.untagged(`FLAGS (${flags})`);
  s.untagged(`${view.exists} EXISTS`);
  s.untagged(`${folder.recentCount()} RECENT`);
  const firstUnseen = view.entries().find((e) => !e.msg.flags.has('\\Seen'));
  if (firstUnseen) s.untagged(`OK [UNSEEN ${firstUnseen.seq}] first unseen message`);
  s.untagged(`OK [PERMANENTFLAGS (${readOnly ? '' : `${flags} \\*`})] ${readOnly ? 'read-only' : 'flags permitted'}`);
  s.untagged(`OK [UIDVALIDITY ${folder.uidValidity}] UIDs valid`);
  s.untagged(`OK [UIDNEXT ${folder.uidNext}] predicted next UID`);
  if (!readOnly) for (const m of folder.messages) m.recent = false;
  s.select(view);
  s.tagged(cmd.tag, 'OK', `${cmd.name} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

export const select: CommandSpec = {
  name: 'SELECT',
  states: AUTHENTICATED,
  run(s, cmd) {
    openFolder(s, cmd, false);
  },
};
