/**
 * VVM-05 and VVM-06 on the EVVM Client: judged on what the EVVM Server received from it (its record of the
 * client's connections, framed and parsed the way the server parses commands), never on what the client says
 * it did. Only the commands that set a flag or ask for a STATUS are shown, and the names of the others: their
 * arguments may carry a password.
 */
import { CommandReader } from '../../../simulators/protocol/imap/server/framing';
import { mailboxName } from '../../../simulators/protocol/imap/server/commands/types';
import { parseCommand, type ImapValue, type ParsedCommand } from '../../../simulators/protocol/imap/server/tokenizer';
import type { ConnectionObservation } from '../../roles/authentication';
import { condition, judged } from '../condition';

/** The flags a VVM client may set: read and deleted state, and the active greeting (VVM 1.2 p.17, chapter 7). IMAP flags compare case-insensitively. */
const ALLOWED_FLAGS = ['\\Seen', '\\Deleted', '$CNS-Greeting-On'];

export interface ClientCommands {
  /** every command's name, in order (UID STORE as one) */
  names: string[];
  /** the commands that set flags (STORE and UID STORE with FLAGS or +FLAGS, APPEND with a flag list) */
  flagSetting: Array<{ shown: string; flags: string[] }>;
  /** the STATUS commands and the folder each asked about */
  statuses: Array<{ shown: string; folder: string }>;
}

const MAX_SHOWN = 200;

/** A value as the client sent it, literals by their size only, control characters escaped. */
function shown(v: ImapValue): string {
  if (v.type === 'atom') return v.value;
  if (v.type === 'list') return `(${v.items.map(shown).join(' ')})`;
  if (v.literal) return `{${v.value.length} bytes}`;
  return JSON.stringify(v.value.toString('utf8'));
}

const line = (words: string[]): string => {
  const text = words.join(' ');
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

const atoms = (vs: readonly ImapValue[]): string[] => vs.flatMap((v) => (v.type === 'list' ? atoms(v.items) : v.type === 'atom' ? [v.value] : []));

function classify(cmd: ParsedCommand, into: ClientCommands): void {
  const byUid = cmd.name === 'UID' && cmd.args[0]?.type === 'atom' && cmd.args[0].value.toUpperCase() === 'STORE';
  into.names.push(byUid ? 'UID STORE' : cmd.name);
  if (cmd.name === 'STORE' || byUid) {
    const args = byUid ? cmd.args.slice(1) : cmd.args;
    const [set, ...rest] = args;
    // a modifier list before the item (RFC 7162's UNCHANGEDSINCE) is passed over
    const [item, ...flags] = rest[0]?.type === 'list' ? rest.slice(1) : rest;
    // -FLAGS takes flags away: nothing is set
    if (!set || !item || item.type !== 'atom' || !/^\+?FLAGS(\.SILENT)?$/i.test(item.value)) return;
    into.flagSetting.push({ shown: line([byUid ? 'UID STORE' : 'STORE', ...args.map(shown)]), flags: atoms(flags) });
  } else if (cmd.name === 'APPEND') {
    const list = cmd.args.slice(1, -1).find((v) => v.type === 'list');
    if (list) into.flagSetting.push({ shown: line(['APPEND', ...cmd.args.map(shown)]), flags: atoms([list]) });
  } else if (cmd.name === 'STATUS' && cmd.args[0] && cmd.args[0].type !== 'list') {
    const folder = mailboxName(cmd.args[0].type === 'atom' ? cmd.args[0].value : cmd.args[0].value.toString('utf8'));
    into.statuses.push({ shown: line(['STATUS', ...cmd.args.map(shown)]), folder });
  }
}

/** The commands the client sent on these connections, as the server frames and parses them; lines that are no command (SASL responses, DONE) are passed over. */
export async function clientCommands(connections: readonly ConnectionObservation[]): Promise<ClientCommands> {
  const into: ClientCommands = { names: [], flagSetting: [], statuses: [] };
  for (const c of connections) {
    const reader = new CommandReader(() => undefined);
    reader.push(c.clientBytes);
    reader.end();
    for (let framed = await reader.readCommand(); framed !== null; framed = await reader.readCommand()) {
      if (framed.kind !== 'command') continue;
      let cmd: ParsedCommand;
      try {
        cmd = parseCommand(framed.segments);
      } catch {
        continue;
      }
      classify(cmd, into);
    }
  }
  return into;
}

const allowed = (flag: string): boolean => ALLOWED_FLAGS.some((a) => a.toLowerCase() === flag.toLowerCase());

/** VVM-05: every flag the EVVM Client set is \Seen, \Deleted or $CNS-Greeting-On. */
export const onlyAllowedFlagsSet = condition('OnlyAllowedFlagsSet', ['VVM-05'], (seen: ClientCommands) => {
  const restricted = seen.flagSetting.filter((c) => c.flags.some((f) => !allowed(f)));
  const flags = [...new Set(restricted.flatMap((c) => c.flags.filter((f) => !allowed(f))))];
  const pass = seen.flagSetting.length
    ? `every flag the EVVM Client set is one VVM allows: ${seen.flagSetting.map((c) => c.shown).join('; ')}`
    : `the EVVM Client set no flag (it sent ${seen.names.join(' ') || 'no command'})`;
  return judged(restricted.length === 0, pass, `the EVVM Client set ${flags.join(', ')}, which VVM does not allow: ${restricted.map((c) => c.shown).join('; ')}`, {
    flagCommands: seen.flagSetting.map((c) => c.shown),
    commands: seen.names,
  });
});

/** VVM-06: no STATUS named the Greetings folder (by its name, or under an identifier's namespace, "#id/<identifier>/Greetings"). */
export const noStatusOnGreetings = condition('NoStatusOnGreetings', ['VVM-06'], (seen: ClientCommands) => {
  const onGreetings = seen.statuses.filter((s) => s.folder.split('/').pop()!.toLowerCase() === 'greetings');
  const pass = seen.statuses.length
    ? `the EVVM Client asked STATUS only of other folders: ${seen.statuses.map((s) => s.shown).join('; ')}`
    : `the EVVM Client asked no STATUS (it sent ${seen.names.join(' ') || 'no command'})`;
  return judged(onGreetings.length === 0, pass, `the EVVM Client performed STATUS on the Greetings folder: ${onGreetings.map((s) => s.shown).join('; ')}`, {
    statusCommands: seen.statuses.map((s) => s.shown),
    commands: seen.names,
  });
});
