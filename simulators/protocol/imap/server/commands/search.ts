import { fieldValue, sectionContent } from '../message';
import type { MailFolder, StoredMessage } from '../mailstore';
import { parseImapDate } from '../response';
import { inSequenceSet, parseSequenceSet } from '../sequence';
import type { ImapSession } from '../session';
import { ImapSyntaxError, MAX_NESTING, text, type ImapValue, type ParsedCommand } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

interface Ctx {
  folder: MailFolder;
  exists: number;
  maxUid: number;
}
type Pred = (seq: number, m: StoredMessage, c: Ctx) => boolean;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const HEADER_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);

function utcDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Search-key parser (RFC 3501 §6.4.4) over the argument values. */
class Criteria {
  private pos = 0;
  constructor(
    private readonly cmd: ParsedCommand,
    private readonly args: readonly ImapValue[],
    /** how deep this key list sits in NOT, OR and parentheses */
    private readonly depth = 0,
  ) {}

  private fail(msg: string): never {
    throw new ImapSyntaxError(msg, this.cmd.tag);
  }

  private str(key: string): string {
    const v = text(this.args[this.pos++]);
    if (v === undefined) this.fail(`${key} needs a string argument`);
    return v;
  }

  private date(key: string): number {
    const d = parseImapDate(this.str(key));
    if (!d) this.fail(`${key} needs a date like 1-Feb-1994`);
    return d.getTime();
  }

  private number(key: string): number {
    const v = this.str(key);
    if (!/^\d{1,10}$/.test(v)) this.fail(`${key} needs a number`);
    return Number(v);
  }

  all(): Pred {
    if (this.args.length === 0) this.fail('SEARCH needs at least one key');
    const preds: Pred[] = [];
    while (this.pos < this.args.length) preds.push(this.key());
    return (seq, m, c) => preds.every((p) => p(seq, m, c));
  }

  private key(depth = this.depth): Pred {
    // NOT and OR recurse here and their predicates recurse again on every message: bound both
    if (depth > MAX_NESTING) this.fail(`search keys nested deeper than ${MAX_NESTING} levels`);
    const v = this.args[this.pos++];
    if (v === undefined) this.fail('missing search key');
    if (v.type === 'list') {
      if (v.items.length === 0) this.fail('empty parenthesised search key');
      return new Criteria(this.cmd, v.items, depth + 1).all();
    }
    if (v.type !== 'atom') this.fail('a search key must be an atom');
    const k = v.value.toUpperCase();
    if (FLAG_KEYS[k]) {
      const [flag, want] = FLAG_KEYS[k];
      return (_s, m) => m.flags.has(flag) === want;
    }
    if (HEADER_KEYS.has(k)) {
      const needle = this.str(k).toLowerCase();
      return (_s, m, c) => (fieldValue(c.folder.mime(m).fields, k) ?? '').toLowerCase().includes(needle);
    }
    switch (k) {
      case 'ALL':
        return () => true;
      case 'NEW':
        return (_s, m) => m.recent && !m.flags.has('\\Seen');
      case 'OLD':
        return (_s, m) => !m.recent;
      case 'RECENT':
        return (_s, m) => m.recent;
      case 'KEYWORD':
      case 'UNKEYWORD': {
        const kw = this.str(k);
        const want = k === 'KEYWORD';
        return (_s, m) => [...m.flags].some((f) => f.toLowerCase() === kw.toLowerCase()) === want;
      }
      case 'HEADER': {
        const name = this.str(k);
        const needle = this.str(k).toLowerCase();
        return (_s, m, c) => {
          const f = c.folder.mime(m).fields.filter((x) => x.name.toLowerCase() === name.toLowerCase());
          return f.length > 0 && f.some((x) => x.value.toLowerCase().includes(needle));
        };
      }
      case 'BODY':
      case 'TEXT': {
        const needle = Buffer.from(this.str(k).toLowerCase(), 'utf8');
        return (_s, m, c) => {
          const hay = k === 'TEXT' ? m.raw : (sectionContent(m.raw, c.folder.mime(m), { path: [], kind: 'TEXT' }) ?? Buffer.alloc(0));
          return Buffer.from(hay.toString('utf8').toLowerCase(), 'utf8').includes(needle);
        };
      }
      case 'BEFORE':
      case 'ON':
      case 'SINCE': {
        const d = this.date(k);
        return (_s, m) => {
          const day = utcDay(m.internalDate);
          return k === 'BEFORE' ? day < d : k === 'ON' ? day === d : day >= d;
        };
      }
      case 'SENTBEFORE':
      case 'SENTON':
      case 'SENTSINCE': {
        const d = this.date(k);
        return (_s, m, c) => {
          const h = fieldValue(c.folder.mime(m).fields, 'date');
          const t = h ? Date.parse(h) : NaN;
          if (Number.isNaN(t)) return false;
          const day = utcDay(new Date(t));
          return k === 'SENTBEFORE' ? day < d : k === 'SENTON' ? day === d : day >= d;
        };
      }
      case 'LARGER': {
        const n = this.number(k);
        return (_s, m) => m.raw.length > n;
      }
      case 'SMALLER': {
        const n = this.number(k);
        return (_s, m) => m.raw.length < n;
      }
      case 'UID': {
        const set = parseSequenceSet(this.str(k));
        if (!set) this.fail('UID needs a sequence set');
        return (_s, m, c) => inSequenceSet(set, m.uid, c.maxUid);
      }
      case 'NOT': {
        const p = this.key(depth + 1);
        return (s, m, c) => !p(s, m, c);
      }
      case 'OR': {
        const a = this.key(depth + 1);
        const b = this.key(depth + 1);
        return (s, m, c) => a(s, m, c) || b(s, m, c);
      }
      default: {
        const set = parseSequenceSet(v.value);
        if (!set) this.fail(`unknown search key ${v.value.slice(0, 40)}`);
        return (s, _m, c) => inSequenceSet(set, s, c.exists);
      }
    }
  }
}

/** SEARCH / UID SEARCH (RFC 3501 §6.4.4): US-ASCII and UTF-8 charsets. */
export function runSearch(s: ImapSession, cmd: ParsedCommand, args: readonly ImapValue[], byUid: boolean): void {
  let rest = args;
  if (rest[0]?.type === 'atom' && rest[0].value.toUpperCase() === 'CHARSET') {
    const cs = text(rest[1])?.toUpperCase();
    if (cs === undefined) throw new ImapSyntaxError('CHARSET needs a name', cmd.tag);
    if (cs !== 'US-ASCII' && cs !== 'UTF-8') {
      s.tagged(cmd.tag, 'NO', `unsupported charset ${cs.slice(0, 40)}`, 'BADCHARSET (US-ASCII UTF-8)');
      return;
    }
    rest = rest.slice(2);
  }
  const pred = new Criteria(cmd, rest).all();
  s.flushArrivals();
  const view = s.view!;
  const entries = view.entries();
  const ctx: Ctx = { folder: view.folder, exists: view.exists, maxUid: entries.length ? entries[entries.length - 1]!.msg.uid : 0 };
  const hits = entries.filter((e) => pred(e.seq, e.msg, ctx)).map((e) => (byUid ? e.msg.uid : e.seq));
  s.untagged(`SEARCH${hits.length ? ` ${hits.join(' ')}` : ''}`);
  s.tagged(cmd.tag, 'OK', `${byUid ? 'UID SEARCH' : 'SEARCH'} completed`);
}

export const search: CommandSpec = {
  name: 'SEARCH',
  states: SELECTED,
  run(s, cmd) {
    runSearch(s, cmd, cmd.args, false);
  },
};
