import { Out } from '../response';
import type { ImapSession } from '../session';
import { arity, astring, type ParsedCommand } from '../tokenizer';
import { AUTHENTICATED, type CommandSpec } from './types';

function patternRegex(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

/** LIST and LSUB (RFC 3501 §6.3.8-9), hierarchy delimiter '/'; every folder counts as subscribed. */
export function listFolders(s: ImapSession, cmd: ParsedCommand, kind: 'LIST' | 'LSUB'): void {
  arity(cmd, 2);
  const reference = astring(cmd, cmd.args[0], 'reference name');
  const pattern = astring(cmd, cmd.args[1], 'mailbox pattern');
  if (pattern === '') {
    if (kind === 'LIST') s.untagged('LIST (\\Noselect) "/" ""');
    s.tagged(cmd.tag, 'OK', `${kind} completed`);
    return;
  }
  const full = reference + pattern;
  const re = patternRegex(full, false);
  const inboxRe = patternRegex(full.toUpperCase(), false);
  for (const name of s.backend.folders(s, s.user!)) {
    // Views under another namespace ('#…') are listed only when asked for by that prefix.
    if (name.startsWith('#') && !full.startsWith('#')) continue;
    const match = name === 'INBOX' ? inboxRe.test('INBOX') || re.test(name) : re.test(name);
    if (match) s.send(new Out().text(`* ${kind} (\\HasNoChildren) "/" `).astring(name));
  }
  s.tagged(cmd.tag, 'OK', `${kind} completed`);
}

export const list: CommandSpec = {
  name: 'LIST',
  states: AUTHENTICATED,
  run(s, cmd) {
    listFolders(s, cmd, 'LIST');
  },
};
