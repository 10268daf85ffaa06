import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, SecretMatcher } from '../../evidence/redact';

test('every occurrence of every secret is replaced, longest first where two start together', () => {
  const m = new SecretMatcher(['hunter2', 'hunter2-long']);
  assert.equal(m.redact('a hunter2 b hunter2-long c hunter2'), `a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
});

test('overlapping secrets are merged: no part of either survives beside the marker', () => {
  const m = new SecretMatcher(['xyzab', 'abcdef']);
  assert.equal(m.redact('1 xyzabcdef 2'), `1 ${REDACTED} 2`);
  assert.equal(new SecretMatcher(['abcdef', 'defghi']).redact('abcdefghi!'), `${REDACTED}!`);
});

test('markers already in the text are left alone, even when a secret is part of one', () => {
  const m = new SecretMatcher(['dac', 'secret']);
  assert.equal(m.redact(`${REDACTED} secret ${REDACTED}`), `${REDACTED} ${REDACTED} ${REDACTED}`);
  assert.equal(m.occursIn(`only ${REDACTED} here`), false);
  assert.equal(m.occursIn('a dac b'), true);
});

test('secrets shorter than three code units are ignored; text without secrets is returned as it is', () => {
  const m = new SecretMatcher(['ab', 'a']);
  assert.equal(m.size, 0);
  const text = 'nothing to see';
  assert.equal(new SecretMatcher(['zzz']).redact(text), text);
});

test('a secret at the very end of the text, and multi-byte text around it', () => {
  assert.equal(new SecretMatcher(['päss']).redact('😀 x päss'), `😀 x ${REDACTED}`);
});

test('in JSON, a secret is replaced in strings and nested JSON text, never in numbers where its digits occur by chance', () => {
  const pin = '417263';
  const m = new SecretMatcher([pin]);
  const line = JSON.stringify({ timestamp: { seconds: 1796695003, nanos: 941726300 }, text: `XCHANGE_TUI_PWD PWD=${pin} OLD_PWD=000000`, body: JSON.stringify({ pin }) });
  const out = m.redactJson(line);
  const parsed = JSON.parse(out) as { timestamp: { nanos: number }; text: string; body: string };
  assert.equal(parsed.timestamp.nanos, 941726300, 'the number keeps its digits');
  assert.equal(parsed.text, `XCHANGE_TUI_PWD PWD=${REDACTED} OLD_PWD=000000`);
  assert.ok(!parsed.body.includes(pin));
  // the text-level scrub breaks the same line: that is what made messages.ndjson unreadable
  assert.throws(() => JSON.parse(m.redact(line)));
  assert.equal(m.occursInJson(out), false);
  assert.equal(m.occursInJson(line), true);
  assert.equal(m.occursInJson(JSON.stringify({ [pin]: 1 })), true, 'a key is searched too');
  assert.equal(m.occursInJson(JSON.stringify({ n: 941726300 })), false, 'a number is not');
});
