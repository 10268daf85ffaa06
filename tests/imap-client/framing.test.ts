import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtocolError,
  ResponseReader,
  parseResponse,
  parseFetchItems,
  responseData,
  tokenize,
  encodeModifiedUtf7,
  astring,
  type ResponseUnit,
} from '../../simulators/protocol/imap/client';

function frame(text: string | Buffer, chunkSize = 0, limits = { maxLineBytes: 1024, maxLiteralBytes: 4096, maxResponseBytes: 8192 }): ResponseUnit[] {
  const reader = new ResponseReader(limits);
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  const units: ResponseUnit[] = [];
  const step = chunkSize || data.length;
  for (let i = 0; i < data.length; i += step) {
    reader.push(data.subarray(i, i + step));
    for (let u = reader.next(); u; u = reader.next()) units.push(u);
  }
  return units;
}

const isProtocol = (code: string) => (err: unknown) => err instanceof ProtocolError && err.code === code;

test('framing: lines, literals with CRLF inside, split at every byte boundary', () => {
  const wire = '* OK hi\r\n* 1 FETCH (BODY[] {12}\r\nab\r\ncd\r\nef\r\n UID 7)\r\nA1 OK done\r\n';
  for (const size of [0, 1, 2, 3, 7]) {
    const units = frame(wire, size);
    assert.equal(units.length, 3, `chunk ${size}`);
    assert.deepEqual(units[1]!.segments, ['* 1 FETCH (BODY[] {12}', ' UID 7)']);
    assert.equal(units[1]!.literals[0]!.toString(), 'ab\r\ncd\r\nef\r\n');
  }
});

test('framing: bare LF tolerated, empty literal, binary literal bytes kept exactly', () => {
  const bin = Buffer.from([0, 255, 13, 10, 1]);
  const units = frame(Buffer.concat([Buffer.from('* OK x\n* 2 FETCH (BODY[] {0}\r\n BINARY[1] ~{5}\r\n'), bin, Buffer.from(')\r\n')]));
  assert.equal(units.length, 2);
  assert.equal(units[1]!.literals[0]!.length, 0);
  assert.deepEqual(units[1]!.literals[1], bin);
});

test('framing: limits give typed errors (endless line, huge literal, huge response)', () => {
  assert.throws(() => frame('*'.repeat(2000)), isProtocol('LINE_TOO_LONG'));
  assert.throws(() => frame('*'.repeat(2000), 1), isProtocol('LINE_TOO_LONG'));
  assert.throws(() => frame('* 1 FETCH (BODY[] {99999999999999999999}\r\n'), isProtocol('LITERAL_TOO_LARGE'));
  assert.throws(() => frame('* 1 FETCH (BODY[] {5000}\r\n'), isProtocol('LITERAL_TOO_LARGE'));
  const many = '* 1 FETCH (A {4000}\r\n' + 'x'.repeat(4000) + ' B {4000}\r\n' + 'x'.repeat(4000) + ' C {4000}\r\n';
  assert.throws(() => frame(many), isProtocol('RESPONSE_TOO_LARGE'));
  // a continuation request never announces a literal
  assert.equal(frame('+ {99999999999}\r\n').length, 1);
});

test('parseResponse: tagged, untagged, continuation, malformed', () => {
  const [greeting, caps, exists, tagged, cont, bad1, bad2] = frame(
    '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n* 23 EXISTS\r\nA7 no [AUTHENTICATIONFAILED] nope\r\n+ \r\n)(garbage\r\nA1 MAYBE x\r\n',
  ).map(parseResponse);
  assert.deepEqual(
    { kind: greeting!.kind, name: (greeting as { name: string }).name, code: (greeting as { code: unknown }).code, text: (greeting as { text: string }).text },
    { kind: 'untagged', name: 'OK', code: { name: 'CAPABILITY', value: 'IMAP4rev1 STARTTLS' }, text: 'ready' },
  );
  assert.equal(caps!.kind === 'untagged' && caps.text, 'IMAP4rev1 AUTH=PLAIN');
  assert.ok(exists!.kind === 'untagged' && exists.name === 'EXISTS' && exists.number === 23);
  assert.ok(tagged!.kind === 'tagged' && tagged.status === 'NO' && tagged.code?.name === 'AUTHENTICATIONFAILED' && tagged.text === 'nope');
  assert.ok(cont!.kind === 'continuation' && cont.text === '');
  assert.equal(bad1!.kind, 'malformed');
  assert.equal(bad2!.kind, 'malformed');
});

test('tokenize: quoted escapes, NIL, nested lists, section atoms with spaces, literals', () => {
  const [unit] = frame('* 4 FETCH (FLAGS (\\Seen \\Answered) BODY[HEADER.FIELDS (FROM TO)]<0> {5}\r\nhello X-Q "a \\"q\\" \\\\" Y NIL)\r\n');
  const r = parseResponse(unit!);
  assert.ok(r.kind === 'untagged');
  const [list] = responseData(r);
  assert.ok(list?.kind === 'list');
  const items = list.items;
  assert.deepEqual(items[0], { kind: 'atom', value: 'FLAGS' });
  assert.deepEqual(items[1], { kind: 'list', items: [{ kind: 'atom', value: '\\Seen' }, { kind: 'atom', value: '\\Answered' }] });
  assert.deepEqual(items[2], { kind: 'atom', value: 'BODY[HEADER.FIELDS (FROM TO)]<0>' });
  assert.ok(items[3]?.kind === 'string' && items[3].literal && items[3].value.toString() === 'hello');
  assert.ok(items[5]?.kind === 'string' && items[5].value.toString() === 'a "q" \\');
  assert.deepEqual(items[7], { kind: 'nil' });
});

test('tokenize: hostile data is a ProtocolError, not a crash', () => {
  const bad = ['* 1 FETCH (FLAGS (\\Seen)', '* 1 FETCH ("unterminated)', '* 1 FETCH (' + '('.repeat(500) + ')'.repeat(501), '* 1 FETCH (BODY[ x)', '* 1 FETCH )'];
  for (const line of bad) {
    const [unit] = frame(line + '\r\n', 0, { maxLineBytes: 4096, maxLiteralBytes: 10, maxResponseBytes: 10000 });
    const r = parseResponse(unit!);
    assert.ok(r.kind === 'untagged');
    assert.throws(() => responseData(r), isProtocol('MALFORMED_RESPONSE'), line);
  }
  assert.throws(() => parseFetchItems(1, tokenize(frame('* (UID)\r\n')[0]!, 0, 2)), isProtocol('MALFORMED_RESPONSE'));
  assert.throws(() => parseFetchItems(1, tokenize(frame('* (UID x)\r\n')[0]!, 0, 2)), isProtocol('MALFORMED_RESPONSE'));
  assert.throws(() => parseFetchItems(1, tokenize(frame('* (BODY[] (a))\r\n')[0]!, 0, 2)), isProtocol('MALFORMED_RESPONSE'));
});

test('encoding: astring quoting, literal fallback, modified UTF-7', () => {
  assert.equal(astring('a "b" \\c'), '"a \\"b\\" \\\\c"');
  assert.deepEqual(astring('pässword'), { literal: Buffer.from('pässword') });
  assert.deepEqual(astring('x\r\ny', '«redacted»'), { literal: Buffer.from('x\r\ny'), shown: '«redacted»' });
  assert.equal(encodeModifiedUtf7('INBOX'), 'INBOX');
  assert.equal(encodeModifiedUtf7('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(encodeModifiedUtf7('A&B'), 'A&-B');
});
