/**
 * Response parsing: classifies a framed response (tagged, untagged, continuation) and tokenises response
 * data (atoms, quoted strings, literals, NIL, parenthesised lists). Hostile input yields ProtocolError
 * or a 'malformed' response, never an exception of another kind or unbounded recursion.
 */
import { ProtocolError } from './errors';
import type { ImapResponse, ImapToken, ResponseCode, ResponseUnit, Status } from './types';

const MAX_DEPTH = 64;
const LITERAL_TOKEN = /^~?\{(\d+)\+?\}$/;
// tag = 1*<any ASTRING-CHAR except "+">; ASTRING-CHAR excludes SP, CTL, ( ) { % * " \ and ] is allowed only in astring.
const TAG = /^[^\x00-\x20\x7f(){%*"\\+]+$/;
const STATUS_NAMES = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

/** The whole response as text, literals inline (decoded as UTF-8). */
export function unitText(unit: ResponseUnit): string {
  let out = unit.segments[0] ?? '';
  for (let i = 0; i < unit.literals.length; i++) out += `\r\n${unit.literals[i]!.toString('utf8')}${unit.segments[i + 1] ?? ''}`;
  return out;
}

/** Splits resp-text into an optional [code] and the human text. */
export function parseRespText(text: string): { code?: ResponseCode; text: string } {
  const trimmed = text.replace(/^ /, '');
  if (!trimmed.startsWith('[')) return { text: trimmed };
  const close = trimmed.indexOf(']');
  if (close < 0) return { text: trimmed };
  const inner = trimmed.slice(1, close);
  const sp = inner.indexOf(' ');
  const code: ResponseCode = sp < 0 ? { name: inner.toUpperCase() } : { name: inner.slice(0, sp).toUpperCase(), value: inner.slice(sp + 1) };
  return { code, text: trimmed.slice(close + 1).replace(/^ /, '') };
}

export function parseResponse(unit: ResponseUnit): ImapResponse {
  const raw = unitText(unit);
  const first = unit.segments[0] ?? '';
  if (first === '+' || first.startsWith('+ ')) return { kind: 'continuation', text: first.slice(2), raw };
  if (first.startsWith('* ')) {
    let rest = first.slice(2);
    let number: number | undefined;
    const num = /^(\d{1,10}) /.exec(rest);
    if (num) {
      number = Number(num[1]);
      rest = rest.slice(num[0].length);
    }
    const sp = rest.indexOf(' ');
    const name = (sp < 0 ? rest : rest.slice(0, sp)).toUpperCase();
    const after = sp < 0 ? '' : rest.slice(sp + 1);
    if (!/^[A-Z0-9.\-_]+$/.test(name)) return { kind: 'malformed', reason: 'untagged response without a valid name', raw };
    if (number === undefined && STATUS_NAMES.has(name) && unit.literals.length === 0) {
      const { code, text } = parseRespText(after);
      return { kind: 'untagged', name, ...(code ? { code } : {}), text, raw, unit };
    }
    return { kind: 'untagged', name, ...(number !== undefined ? { number } : {}), text: after, raw, unit };
  }
  const sp = first.indexOf(' ');
  if (sp > 0 && unit.literals.length === 0) {
    const tag = first.slice(0, sp);
    const rest = first.slice(sp + 1);
    const sp2 = rest.indexOf(' ');
    const status = (sp2 < 0 ? rest : rest.slice(0, sp2)).toUpperCase();
    if (TAG.test(tag) && (status === 'OK' || status === 'NO' || status === 'BAD')) {
      const { code, text } = parseRespText(sp2 < 0 ? '' : rest.slice(sp2 + 1));
      return { kind: 'tagged', tag, status: status as Status, ...(code ? { code } : {}), text, raw };
    }
  }
  return { kind: 'malformed', reason: 'neither tagged, untagged nor a continuation request', raw };
}

/** Reads the response data of a unit from (segment, offset) to the end. */
export function tokenize(unit: ResponseUnit, segment = 0, offset = 0): ImapToken[] {
  const t = new Tokenizer(unit, segment, offset);
  const out: ImapToken[] = [];
  t.skipSpaces();
  while (!t.atEnd()) {
    out.push(t.read(0));
    t.skipSpaces();
  }
  return out;
}

/** The tokens after the response name: `* 3 FETCH (…)` -> [list]; `* FLAGS (…)` -> [list]. */
export function responseData(response: Extract<ImapResponse, { kind: 'untagged' }>): ImapToken[] {
  const first = response.unit.segments[0] ?? '';
  const start = first.length - response.text.length;
  return tokenize(response.unit, 0, start);
}

class Tokenizer {
  constructor(
    private readonly unit: ResponseUnit,
    private seg: number,
    private pos: number,
  ) {}

  private get line(): string {
    return this.unit.segments[this.seg] ?? '';
  }

  atEnd(): boolean {
    return this.pos >= this.line.length && this.seg >= this.unit.literals.length;
  }

  skipSpaces(): void {
    while (this.line[this.pos] === ' ') this.pos++;
  }

  private fail(what: string): never {
    throw new ProtocolError('MALFORMED_RESPONSE', `${what} at segment ${this.seg} offset ${this.pos}`);
  }

  read(depth: number): ImapToken {
    if (depth > MAX_DEPTH) this.fail(`lists nested deeper than ${MAX_DEPTH}`);
    const line = this.line;
    const c = line[this.pos];
    if (c === undefined) this.fail('unexpected end of response');
    if (c === '(') {
      this.pos++;
      const items: ImapToken[] = [];
      for (;;) {
        this.skipSpaces();
        if (this.line[this.pos] === ')') {
          this.pos++;
          return { kind: 'list', items };
        }
        if (this.atEnd() || (this.pos >= this.line.length && this.seg >= this.unit.literals.length)) this.fail('unterminated list');
        items.push(this.read(depth + 1));
      }
    }
    if (c === '"') return this.quoted();
    if ((c === '{' || c === '~') && LITERAL_TOKEN.test(line.slice(this.pos)) && this.seg < this.unit.literals.length) {
      const value = this.unit.literals[this.seg]!;
      this.seg++;
      this.pos = 0;
      return { kind: 'string', value, literal: true };
    }
    return this.atom();
  }

  private quoted(): ImapToken {
    const line = this.line;
    let i = this.pos + 1;
    let out = '';
    for (;;) {
      const ch = line[i];
      if (ch === undefined) this.fail('unterminated quoted string');
      if (ch === '"') break;
      if (ch === '\\') {
        const next = line[i + 1];
        if (next !== '"' && next !== '\\') this.fail('bad escape in quoted string');
        out += next;
        i += 2;
        continue;
      }
      out += ch;
      i++;
    }
    this.pos = i + 1;
    return { kind: 'string', value: Buffer.from(out, 'utf8'), literal: false };
  }

  private atom(): ImapToken {
    const line = this.line;
    const start = this.pos;
    let i = start;
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '(' || ch === ')') break;
      if (ch === '"' || ch === '{' || ch.charCodeAt(0) < 0x20 || ch === '\x7f') break;
      if (ch === '[') {
        // Section specs may hold spaces and parentheses: BODY[HEADER.FIELDS (FROM TO)]<0>
        const close = line.indexOf(']', i);
        if (close < 0) this.fail('unterminated [ in atom');
        i = close + 1;
        continue;
      }
      i++;
    }
    if (i === start) this.fail(`unexpected ${JSON.stringify(line[i])}`);
    this.pos = i;
    const value = line.slice(start, i);
    return value.toUpperCase() === 'NIL' ? { kind: 'nil' } : { kind: 'atom', value };
  }
}

/** Text of an atom or string token; undefined for NIL and lists. */
export function tokenText(token: ImapToken | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'atom') return token.value;
  if (token.kind === 'string') return token.value.toString('utf8');
  return undefined;
}

/** A non-negative number (nz-number, number, mod-sequence); throws on anything else. */
export function tokenNumber(token: ImapToken | undefined, what: string): number {
  if (token?.kind !== 'atom' || !/^\d{1,20}$/.test(token.value)) throw new ProtocolError('MALFORMED_RESPONSE', `${what} is not a number`);
  return Number(token.value);
}

/** The flags of a flag list token. */
export function tokenFlags(token: ImapToken | undefined, what: string): string[] {
  if (token?.kind !== 'list') throw new ProtocolError('MALFORMED_RESPONSE', `${what} is not a list`);
  return token.items.map((item) => {
    if (item.kind !== 'atom') throw new ProtocolError('MALFORMED_RESPONSE', `${what} holds a non-atom`);
    return item.value;
  });
}
