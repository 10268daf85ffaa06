/**
 * IMAP command tokeniser (RFC 3501 §9 / RFC 9051 §9 grammar, the parts a server needs): tag, command
 * name, then values separated by single spaces: atoms (with `[...]` sections kept whole, as in
 * `BODY[HEADER.FIELDS (DATE)]<0.10>`), quoted strings, literals, and parenthesised lists. Anything else
 * raises ImapSyntaxError, which the session answers with BAD; commands check their own arity and types
 * with the helpers at the end.
 */
import type { Segment } from './framing';

export type ImapValue =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: Buffer; literal: boolean }
  | { type: 'list'; items: ImapValue[] };

export interface ParsedCommand {
  tag: string;
  /** upper-cased */
  name: string;
  args: ImapValue[];
}

export class ImapSyntaxError extends Error {
  constructor(
    message: string,
    /** the command's tag when one could be read; without it the answer is an untagged `* BAD` */
    readonly tag?: string,
  ) {
    super(message);
    this.name = 'ImapSyntaxError';
  }
}

type Token =
  | { t: 'sp' }
  | { t: '(' }
  | { t: ')' }
  | { t: 'word'; v: string }
  | { t: 'quoted'; v: Buffer }
  | { t: 'literal'; v: Buffer };

/** ASTRING-CHAR minus '+' */
export const TAG_RE = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7e]+$/;

function lexText(data: Buffer, out: Token[]): void {
  let i = 0;
  while (i < data.length) {
    const c = data[i]!;
    if (c === 0x20) {
      out.push({ t: 'sp' });
      i++;
    } else if (c === 0x28) {
      out.push({ t: '(' });
      i++;
    } else if (c === 0x29) {
      out.push({ t: ')' });
      i++;
    } else if (c === 0x22) {
      const bytes: number[] = [];
      let j = i + 1;
      for (;;) {
        if (j >= data.length) throw new ImapSyntaxError('unterminated quoted string');
        const q = data[j]!;
        if (q === 0x22) break;
        if (q === 0x5c) {
          const e = data[j + 1];
          if (e !== 0x22 && e !== 0x5c) throw new ImapSyntaxError('invalid escape in quoted string (only \\" and \\\\ are allowed)');
          bytes.push(e);
          j += 2;
          continue;
        }
        if (q === 0x00 || q === 0x0d || q === 0x0a) throw new ImapSyntaxError('NUL, CR or LF in quoted string');
        bytes.push(q);
        j++;
      }
      out.push({ t: 'quoted', v: Buffer.from(bytes) });
      i = j + 1;
    } else if (c === 0x7b) {
      throw new ImapSyntaxError("unexpected '{': a literal is {n} or {n+} at the end of a line");
    } else if (c < 0x20 || c === 0x7f) {
      throw new ImapSyntaxError(`control character 0x${c.toString(16).padStart(2, '0')} in command`);
    } else if (c >= 0x80) {
      throw new ImapSyntaxError('8-bit character outside a quoted string or literal');
    } else {
      // A word runs to SP, parenthesis, quote or brace; a '[' opens a section that may hold spaces and lists.
      let j = i;
      while (j < data.length) {
        const w = data[j]!;
        if (w === 0x20 || w === 0x28 || w === 0x29 || w === 0x22 || w === 0x7b || w < 0x20 || w >= 0x7f) break;
        if (w === 0x5b) {
          const close = data.indexOf(0x5d, j + 1);
          if (close < 0) throw new ImapSyntaxError("unterminated '[' section");
          for (let k = j + 1; k < close; k++) {
            const b = data[k]!;
            if (b < 0x20 || b >= 0x7f) throw new ImapSyntaxError('invalid character in [section]');
          }
          j = close + 1;
          continue;
        }
        j++;
      }
      out.push({ t: 'word', v: data.subarray(i, j).toString('latin1') });
      i = j;
    }
  }
}

function lex(segments: readonly Segment[]): Token[] {
  const out: Token[] = [];
  for (const s of segments) {
    if (s.kind === 'text') lexText(s.data, out);
    else out.push({ t: 'literal', v: s.data });
  }
  return out;
}

/** How deep parenthesised lists may nest (real commands use a few levels; recursion must stay bounded). */
export const MAX_NESTING = 64;

/** Parses one framed command; throws ImapSyntaxError (with the tag once it is known). */
export function parseCommand(segments: readonly Segment[]): ParsedCommand {
  let tokens: Token[];
  let tag: string | undefined;
  try {
    tokens = lex(segments);
  } catch (e) {
    // Recover the tag from the raw first segment so that the error can still be tagged.
    const first = segments[0];
    if (first?.kind === 'text') {
      const head = first.data.subarray(0, 200).toString('latin1');
      const t = head.slice(0, head.indexOf(' ') > 0 ? head.indexOf(' ') : 0);
      if (TAG_RE.test(t)) tag = t;
    }
    if (e instanceof ImapSyntaxError) throw new ImapSyntaxError(e.message, tag);
    throw e;
  }
  if (tokens.length === 0) throw new ImapSyntaxError('empty command line');
  const t0 = tokens[0]!;
  if (t0.t !== 'word' || !TAG_RE.test(t0.v)) throw new ImapSyntaxError('missing or invalid tag');
  tag = t0.v;
  if (tokens.length === 1) throw new ImapSyntaxError('missing command', tag);
  if (tokens[1]!.t !== 'sp') throw new ImapSyntaxError('expected SP after the tag', tag);
  const t2 = tokens[2];
  if (t2 === undefined) throw new ImapSyntaxError('missing command', tag);
  if (t2.t !== 'word' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(t2.v)) throw new ImapSyntaxError('invalid command name', tag);
  const name = t2.v.toUpperCase();
  let pos = 3;
  const err = (msg: string): ImapSyntaxError => new ImapSyntaxError(msg, tag);

  const value = (depth: number): ImapValue => {
    const tk = tokens[pos];
    if (tk === undefined) throw err('unexpected end of command');
    pos++;
    switch (tk.t) {
      case 'word':
        return { type: 'atom', value: tk.v };
      case 'quoted':
        return { type: 'string', value: tk.v, literal: false };
      case 'literal':
        return { type: 'string', value: tk.v, literal: true };
      case '(': {
        if (depth >= MAX_NESTING) throw err(`parenthesised lists nested deeper than ${MAX_NESTING} levels`);
        const items: ImapValue[] = [];
        if (tokens[pos]?.t === ')') {
          pos++;
          return { type: 'list', items };
        }
        for (;;) {
          items.push(value(depth + 1));
          const n = tokens[pos];
          if (n === undefined) throw err("unterminated list: missing ')'");
          pos++;
          if (n.t === ')') return { type: 'list', items };
          if (n.t !== 'sp') throw err('expected SP or ) in list');
          if (tokens[pos]?.t === ')' || tokens[pos]?.t === 'sp') throw err('unexpected space in list');
        }
      }
      case ')':
        throw err("unexpected ')'");
      case 'sp':
        throw err('unexpected extra space');
    }
  };

  const args: ImapValue[] = [];
  while (pos < tokens.length) {
    if (tokens[pos]!.t !== 'sp') throw err('expected SP between arguments');
    pos++;
    if (pos >= tokens.length) throw err('trailing space');
    args.push(value(0));
  }
  return { tag, name, args };
}

// ---- helpers for command handlers ----

export function arity(cmd: ParsedCommand, min: number, max = min): void {
  const n = cmd.args.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new ImapSyntaxError(`${cmd.name} takes ${want} argument${max === 1 && min === 1 ? '' : 's'}, got ${n}`, cmd.tag);
  }
}

export function isNil(v: ImapValue | undefined): boolean {
  return v?.type === 'atom' && v.value.toUpperCase() === 'NIL';
}

/** astring: an atom (without '[' ']'-only quirks) or a string; returned as UTF-8 text. */
export function astring(cmd: ParsedCommand, v: ImapValue | undefined, what: string): string {
  if (v?.type === 'string') return v.value.toString('utf8');
  if (v?.type === 'atom' && /^[\x21\x23-\x27\x2a-\x5b\x5d-\x7a\x7c-\x7e\]]+$/.test(v.value)) return v.value;
  throw new ImapSyntaxError(`${cmd.name}: ${what} must be an atom or a string`, cmd.tag);
}

export function atom(cmd: ParsedCommand, v: ImapValue | undefined, what: string): string {
  if (v?.type === 'atom') return v.value;
  throw new ImapSyntaxError(`${cmd.name}: ${what} must be an atom`, cmd.tag);
}

export function list(cmd: ParsedCommand, v: ImapValue | undefined, what: string): ImapValue[] {
  if (v?.type === 'list') return v.items;
  throw new ImapSyntaxError(`${cmd.name}: ${what} must be a parenthesised list`, cmd.tag);
}

/** Text of an atom or string (for search keys and similar); undefined for lists. */
export function text(v: ImapValue | undefined): string | undefined {
  if (v?.type === 'atom') return v.value;
  if (v?.type === 'string') return v.value.toString('utf8');
  return undefined;
}
