import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, sectionContent, writeBodyStructure, writeEnvelope } from '../../simulators/protocol/imap/server/message';
import { Out } from '../../simulators/protocol/imap/server/response';

const raw = (lines: string[], eol = '\r\n'): Buffer => Buffer.from(lines.join(eol));

describe('MIME parsing for FETCH', () => {
  it('nested message/rfc822 inside multipart: structure, part numbers, envelope', () => {
    const m = raw([
      'From: "Doe, John" <john@example.com>, jane@example.com',
      'To: undisclosed-recipients:;',
      'Subject: fwd',
      'Content-Type: multipart/mixed; boundary=b1',
      '',
      'preamble',
      '--b1',
      'Content-Type: text/plain',
      '',
      'hello',
      '--b1',
      'Content-Type: message/rfc822',
      '',
      'Subject: inner',
      'From: x@y',
      '',
      'inner body',
      '--b1--',
      'epilogue',
    ]);
    const p = parseMessage(m);
    assert.equal(p.parts?.length, 2);
    assert.equal(sectionContent(m, p, { path: [1], kind: '' })!.toString(), 'hello');
    assert.equal(sectionContent(m, p, { path: [2], kind: 'TEXT' })!.toString(), 'inner body');
    assert.equal(sectionContent(m, p, { path: [2], kind: 'HEADER.FIELDS', fields: ['subject'] })!.toString(), 'Subject: inner\r\n\r\n');
    assert.equal(sectionContent(m, p, { path: [3], kind: '' }), undefined);
    const from = '(("Doe, John" NIL "john" "example.com")(NIL NIL "jane" "example.com"))';
    const env = new Out();
    writeEnvelope(env, p);
    assert.equal(
      env.transcript(),
      `(NIL "fwd" ${from} ${from} ${from} NIL NIL NIL NIL NIL)`,
    );
    const bs = new Out();
    writeBodyStructure(bs, p, false);
    assert.match(bs.transcript(), /^\(\("TEXT" "PLAIN" NIL NIL NIL "7BIT" 5 0\)\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \d+ \(NIL "inner" /);
    assert.match(bs.transcript(), /"MIXED"\)$/);
  });

  it('LF-only messages, messages without a body, and headers without a blank line', () => {
    const lf = raw(['Subject: a', '', 'b'], '\n');
    assert.equal(sectionContent(lf, parseMessage(lf), { path: [], kind: 'TEXT' })!.toString(), 'b');
    const headerOnly = Buffer.from('Subject: only\r\n');
    const p = parseMessage(headerOnly);
    assert.equal(p.body.length, 0);
    assert.equal(sectionContent(headerOnly, p, { path: [1], kind: '' })!.length, 0);
    const folded = parseMessage(raw(['Subject: one', '\ttwo', '', 'x']));
    assert.equal(folded.fields[0]!.value, 'one two');
  });
});
