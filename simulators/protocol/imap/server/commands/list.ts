import { Out } from '../response';
import type { ImapSession } from '../session';
import { arity, astring, type ParsedCommand } from '../tokenizer';
import { AUTHENTICATED, type CommandSpec } from './types';

/**
 * Whether a mailbox name matches a LIST pattern ('*' any run, '%' any run without the delimiter '/'),
 * by walking the set of pattern positions once per character: O(|name| × |pattern|) whatever the
 * pattern (a backtracking matcher took seconds on `#**********X`).
 */
export function matchesPattern(name: string, pattern: string): boolean {
  const m = pattern.length;
  let cur = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  // a wildcard may match nothing: reaching it reaches the position after it
  const close = (set: Uint8Array): void => {
    for (let i = 0; i < m; i++) if (set[i] && (pattern[i] === '*' || pattern[i] === '%')) set[i + 1] = 1;
  };
  cur[0] = 1;
  close(cur);
  for (let k = 0; k < name.length; k++) {
    const c = name[k];
    next.fill(0);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (!cur[i]) continue;
      const p = pattern[i];
      if (p === '*' || (p === '%' && c !== '/')) next[i] = 1;
      else if (p === c) next[i + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    close(next);
    [cur, next] = [next, cur];
  }
  return cur[m] === 1;
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
  for (const name of s.backend.folders(s, s.user!)) {
    // Views under another namespace ('#…') are listed only when asked for by that prefix.
    if (name.startsWith('#') && !full.startsWith('#')) continue;
    const match = matchesPattern(name, full) || (name === 'INBOX' && matchesPattern(name, full.toUpperCase()));
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
