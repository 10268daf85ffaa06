import { sectionContent, writeBodyStructure, writeEnvelope, type Section } from '../message';
import type { StoredMessage } from '../mailstore';
import { imapDateTime, Out } from '../response';
import { parseSequenceSet, selectEntries } from '../sequence';
import type { ImapSession } from '../session';
import { ImapSyntaxError, type ImapValue, type ParsedCommand } from '../tokenizer';
import { SELECTED, type CommandSpec } from './types';

type FetchItem =
  | { kind: 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: Section; label: string; partial?: { start: number; length?: number } };

const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const SIMPLE = new Set(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);

function parseSection(spec: string): Section | undefined {
  const m = /^(\d+(?:\.\d+)*)(?:\.(.+))?$/s.exec(spec);
  const path = m ? m[1]!.split('.').map(Number) : [];
  const rest = m ? (m[2] ?? '') : spec;
  if (path.some((n) => n < 1 || !Number.isSafeInteger(n))) return undefined;
  const upper = rest.toUpperCase();
  if (upper === '') return { path, kind: '' };
  if (upper === 'HEADER' || upper === 'TEXT') return { path, kind: upper };
  if (upper === 'MIME') return path.length ? { path, kind: 'MIME' } : undefined;
  const f = /^HEADER\.FIELDS(\.NOT)? \(([^()]+)\)$/i.exec(rest);
  if (f) {
    const fields = f[2]!.split(' ').map((x) => x.replace(/^"(.*)"$/, '$1'));
    if (fields.some((x) => x === '' || !/^[\x21-\x39\x3b-\x7e]+$/.test(x))) return undefined;
    return { path, kind: f[1] ? 'HEADER.FIELDS.NOT' : 'HEADER.FIELDS', fields };
  }
  return undefined;
}

function sectionLabel(s: Section): string {
  const parts: string[] = [];
  if (s.path.length) parts.push(s.path.join('.'));
  if (s.kind) parts.push(s.kind);
  const head = parts.join('.');
  return s.fields ? `${head} (${s.fields.map((x) => x.toUpperCase()).join(' ')})` : head;
}

function parseItem(cmd: ParsedCommand, v: ImapValue): FetchItem {
  if (v.type !== 'atom') throw new ImapSyntaxError('FETCH items must be atoms', cmd.tag);
  const upper = v.value.toUpperCase();
  if (SIMPLE.has(upper)) return { kind: upper } as FetchItem;
  const m = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d{1,10})(?:\.(\d{1,10}))?>)?$/i.exec(v.value);
  if (!m) throw new ImapSyntaxError(`unknown FETCH item ${v.value.slice(0, 60)}`, cmd.tag);
  const section = parseSection(m[2]!);
  if (!section) throw new ImapSyntaxError(`invalid section [${m[2]!.slice(0, 60)}]`, cmd.tag);
  const item: FetchItem = { kind: 'section', peek: !!m[1], section, label: sectionLabel(section) };
  if (m[3] !== undefined) {
    if (m[4] !== undefined && Number(m[4]) === 0) throw new ImapSyntaxError('partial length must be non-zero', cmd.tag);
    item.partial = m[4] !== undefined ? { start: Number(m[3]), length: Number(m[4]) } : { start: Number(m[3]) };
  }
  return item;
}

export function parseFetchItems(cmd: ParsedCommand, v: ImapValue | undefined): FetchItem[] {
  if (v === undefined) throw new ImapSyntaxError('FETCH needs a sequence set and items', cmd.tag);
  if (v.type === 'atom' && MACROS[v.value.toUpperCase()]) return MACROS[v.value.toUpperCase()]!.map((k) => ({ kind: k }) as FetchItem);
  if (v.type === 'list') {
    if (v.items.length === 0) throw new ImapSyntaxError('empty FETCH item list', cmd.tag);
    return v.items.map((i) => parseItem(cmd, i));
  }
  return [parseItem(cmd, v)];
}

const setsSeen = (i: FetchItem): boolean =>
  i.kind === 'RFC822' || i.kind === 'RFC822.TEXT' || (i.kind === 'section' && !i.peek);

function flagsText(m: StoredMessage): string {
  const f = [...m.flags];
  if (m.recent) f.push('\\Recent');
  return `FLAGS (${f.join(' ')})`;
}

/** FETCH / UID FETCH (RFC 3501 §6.4.5, §6.4.8). */
export function runFetch(s: ImapSession, cmd: ParsedCommand, args: readonly ImapValue[], byUid: boolean): void {
  if (args.length !== 2) throw new ImapSyntaxError(`${byUid ? 'UID FETCH' : 'FETCH'} takes a sequence set and items`, cmd.tag);
  const setText = args[0]!.type === 'atom' ? args[0]!.value : '';
  const set = parseSequenceSet(setText);
  if (!set) throw new ImapSyntaxError('invalid sequence set', cmd.tag);
  const items = parseFetchItems(cmd, args[1]);
  if (byUid && !items.some((i) => i.kind === 'UID')) items.unshift({ kind: 'UID' });
  s.flushArrivals();
  const view = s.view!;
  const chosen = selectEntries(view.entries(), set, byUid, view.exists);
  if (typeof chosen === 'string') throw new ImapSyntaxError(chosen, cmd.tag);
  const marksSeen = !view.readOnly && items.some(setsSeen);
  for (const { seq, msg } of chosen) {
    const folder = view.folder;
    let flagsChanged = false;
    if (marksSeen && !msg.flags.has('\\Seen')) {
      msg.flags.add('\\Seen');
      flagsChanged = true;
    }
    const out = new Out().text(`* ${seq} FETCH (`);
    let first = true;
    const sep = (): void => {
      if (!first) out.text(' ');
      first = false;
    };
    for (const item of items) {
      sep();
      switch (item.kind) {
        case 'FLAGS':
          out.text(flagsText(msg));
          break;
        case 'UID':
          out.text(`UID ${msg.uid}`);
          break;
        case 'INTERNALDATE':
          out.text(`INTERNALDATE "${imapDateTime(msg.internalDate)}"`);
          break;
        case 'RFC822.SIZE':
          out.text(`RFC822.SIZE ${msg.raw.length}`);
          break;
        case 'ENVELOPE':
          out.text('ENVELOPE ');
          writeEnvelope(out, folder.mime(msg));
          break;
        case 'BODY':
        case 'BODYSTRUCTURE':
          out.text(`${item.kind} `);
          writeBodyStructure(out, folder.mime(msg), item.kind === 'BODYSTRUCTURE');
          break;
        case 'RFC822':
          out.text('RFC822 ').literal(msg.raw);
          break;
        case 'RFC822.HEADER':
          out.text('RFC822.HEADER ').literal(folder.mime(msg).header);
          break;
        case 'RFC822.TEXT':
          out.text('RFC822.TEXT ').literal(folder.mime(msg).body);
          break;
        case 'section': {
          const content = sectionContent(msg.raw, folder.mime(msg), item.section) ?? Buffer.alloc(0);
          if (item.partial) {
            const { start, length } = item.partial;
            const slice = content.subarray(start, length === undefined ? undefined : start + length);
            out.text(`BODY[${item.label}]<${start}> `).literal(slice);
          } else {
            out.text(`BODY[${item.label}] `).literal(content);
          }
          break;
        }
      }
    }
    if (flagsChanged && !items.some((i) => i.kind === 'FLAGS')) {
      sep();
      out.text(flagsText(msg));
    }
    out.text(')');
    s.send(out);
  }
  s.tagged(cmd.tag, 'OK', `${byUid ? 'UID FETCH' : 'FETCH'} completed`);
}

export const fetch: CommandSpec = {
  name: 'FETCH',
  states: SELECTED,
  run(s, cmd) {
    runFetch(s, cmd, cmd.args, false);
  },
};
