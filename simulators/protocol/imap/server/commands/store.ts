import { SYSTEM_FLAGS } from '../mailstore';
import { Out } from '../response';
import { parseSequenceSet, selectEntries } from '../sequence';
import type { ImapSession } from '../session';
import { ImapSyntaxError, type ImapValue, type ParsedCommand } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

const KEYWORD = /^[\x21\x23-\x24\x26-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/; // atom without '\' or specials

function parseFlag(cmd: ParsedCommand, v: ImapValue): string {
  if (v.type !== 'atom') throw new ImapSyntaxError('flags must be atoms', cmd.tag);
  if (v.value.startsWith('\\')) {
    const known = SYSTEM_FLAGS.find((f) => f.toLowerCase() === v.value.toLowerCase());
    if (!known) throw new ImapSyntaxError(`${v.value.slice(0, 40)} is not a flag a client may store`, cmd.tag);
    return known;
  }
  if (!KEYWORD.test(v.value)) throw new ImapSyntaxError(`invalid keyword ${v.value.slice(0, 40)}`, cmd.tag);
  return v.value;
}

/** STORE / UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS, each optionally .SILENT. */
export function runStore(s: ImapSession, cmd: ParsedCommand, args: readonly ImapValue[], byUid: boolean): void {
  if (args.length < 3) throw new ImapSyntaxError(`${byUid ? 'UID STORE' : 'STORE'} takes a sequence set, an item and flags`, cmd.tag);
  const set = parseSequenceSet(args[0]!.type === 'atom' ? args[0]!.value : '');
  if (!set) throw new ImapSyntaxError('invalid sequence set', cmd.tag);
  const item = args[1]!.type === 'atom' ? args[1]!.value.toUpperCase() : '';
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) throw new ImapSyntaxError('STORE item must be FLAGS, +FLAGS or -FLAGS (optionally .SILENT)', cmd.tag);
  const flagArgs = args[2]!.type === 'list' ? (args.length === 3 ? args[2]!.items : undefined) : args.slice(2);
  if (!flagArgs) throw new ImapSyntaxError('extra arguments after the flag list', cmd.tag);
  const flags = flagArgs.map((f) => parseFlag(cmd, f));
  s.flushArrivals();
  const view = s.view!;
  if (view.readOnly) {
    s.tagged(cmd.tag, 'NO', 'mailbox is read-only', 'READ-ONLY');
    return;
  }
  const chosen = selectEntries(view.entries(), set, byUid, view.exists);
  if (typeof chosen === 'string') throw new ImapSyntaxError(chosen, cmd.tag);
  const over = m[1] === '-' ? undefined : view.folder.tooManyKeywords(flags);
  if (over) {
    s.tagged(cmd.tag, 'NO', over, 'LIMIT');
    return;
  }
  const refused = m[1] === '-' ? undefined : s.backend.storeRefusal?.(s, s.user!, view.folder, flags);
  if (refused) {
    s.tagged(cmd.tag, 'NO', refused.text, refused.code);
    return;
  }
  for (const { seq, msg } of chosen) {
    if (m[1] === '') msg.flags = new Set(flags);
    else for (const f of flags) m[1] === '+' ? msg.flags.add(f) : msg.flags.delete(f);
    if (!m[2]) {
      const list = [...msg.flags].join(' ');
      s.send(new Out().text(`* ${seq} FETCH (${byUid ? `UID ${msg.uid} ` : ''}FLAGS (${list}))`));
    }
  }
  s.tagged(cmd.tag, 'OK', `${byUid ? 'UID STORE' : 'STORE'} completed`);
}

export const store: CommandSpec = {
  name: 'STORE',
  states: SELECTED,
  run(s, cmd) {
    runStore(s, cmd, cmd.args, false);
  },
};
