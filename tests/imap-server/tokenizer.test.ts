import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Segment } from '../../simulators/protocol/imap/server/framing';
import { ImapSyntaxError, parseCommand, type ImapValue } from '../../simulators/protocol/imap/server/tokenizer';

const line = (s: string | Buffer): Segment[] => [{ kind: 'text', data: Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1') }];

function show(v: ImapValue): unknown {
  if (v.type === 'atom') return v.value;
  if (v.type === 'string') return `"${v.value.toString()}"`;
  return v.items.map(show);
}

function bad(input: Segment[], tag: string | undefined, message?: RegExp): void {
  assert.throws(
    () => parseCommand(input),
    (e: unknown) => {
      assert.ok(e instanceof ImapSyntaxError, String(e));
      assert.equal(e.tag, tag);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

describe('IMAP tokeniser', () => {
  it('parses atoms, quoted strings with escapes, lists, NIL and sections', () => {
    const c = parseCommand(line('A1 uid fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> "a\\"b\\\\c" NIL ())'));
    assert.equal(c.tag, 'A1');
    assert.equal(c.name, 'UID');
    assert.deepEqual(c.args.map(show), ['fetch', '1:*', ['FLAGS', 'BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>', '"a"b\\c"', 'NIL', []]]);
  });

  it('parses literals as strings, next to text', () => {
    const c = parseCommand([
      { kind: 'text', data: Buffer.from('A2 LOGIN ') },
      { kind: 'literal', data: Buffer.from('tel:+15550001'), nonSync: false },
      { kind: 'text', data: Buffer.from(' ') },
      { kind: 'literal', data: Buffer.from('p w"d'), nonSync: true },
      { kind: 'text', data: Buffer.alloc(0) },
    ]);
    assert.deepEqual(c.args.map(show), ['"tel:+15550001"', '"p w"d"']);
    assert.equal(c.args[0]!.type === 'string' && c.args[0]!.literal, true);
  });

  it('accepts flags and tags with unusual but legal characters', () => {
    const c = parseCommand(line('a.b-c] STORE 1 +FLAGS (\\Seen $Label)'));
    assert.equal(c.tag, 'a.b-c]');
    assert.deepEqual(c.args.map(show), ['1', '+FLAGS', ['\\Seen', '$Label']]);
  });

  describe('malformed input raises ImapSyntaxError, tagged when a tag is readable', () => {
    it('empty line', () => bad(line(''), undefined, /empty/));
    it('missing command', () => bad(line('A1'), 'A1', /missing command/));
    it('invalid tag (+)', () => bad(line('+ NOOP'), undefined, /tag/));
    it('invalid tag (*)', () => bad(line('* NOOP'), undefined, /tag/));
    it('leading space (no tag)', () => bad(line(' NOOP'), undefined));
    it('unterminated quote', () => bad(line('A1 LOGIN "alice secret'), 'A1', /unterminated quoted/));
    it('invalid escape', () => bad(line('A1 LOGIN "a\\x" b'), 'A1', /escape/));
    it('bad literal size {abc}', () => bad(line('A1 LOGIN {abc}'), 'A1', /literal/));
    it('negative literal size {-1}', () => bad(line('A1 LOGIN {-1}'), 'A1', /literal/));
    it('literal marker mid-line', () => bad(line('A1 LOGIN {5} x'), 'A1', /literal/));
    it('double space', () => bad(line('A1 LOGIN  a b'), 'A1', /space/));
    it('trailing space', () => bad(line('A1 NOOP '), 'A1', /trailing space/));
    it('unbalanced (', () => bad(line('A1 FETCH 1 (FLAGS UID'), 'A1', /unterminated list/));
    it('stray )', () => bad(line('A1 FETCH 1 FLAGS)'), 'A1'));
    it('unterminated [', () => bad(line('A1 FETCH 1 BODY[HEADER'), 'A1', /\[/));
    it('8-bit atom', () => bad(line(Buffer.from('A1 SELECT Gr\xfc\xdfe', 'latin1')), 'A1', /8-bit/));
    it('NUL in quoted string', () => bad(line(Buffer.from('A1 LOGIN "a\0b" c', 'latin1')), 'A1', /NUL/));
    it('control characters', () => bad(line(Buffer.from('A1 NO\x07OP', 'latin1')), 'A1', /control/));
    it('binary garbage', () => bad(line(Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x80, 0x20, 0x41])), undefined));
    it('invalid command name', () => bad(line('A1 9NOOP'), 'A1', /command name/));
  });
});
