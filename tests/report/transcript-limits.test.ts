/** The transcript keeps a bounded number of entries and characters, and says what it did not keep (issue 12, item 11). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { REDACTED, Transcript } from '../../evidence/transcript';

it('keeps at most maxEntries entries and counts the rest in one closing note', () => {
  const t = new Transcript({ maxEntries: 100 });
  for (let i = 0; i < 250; i++) t.record({ actor: 'IMAP Server', channel: 'imap', dir: 'recv', text: `a${i} NOOP` });
  assert.equal(t.entries().length, 101);
  assert.equal(t.entries()[99]!.text, 'a99 NOOP');
  assert.equal(t.entries()[100]!.text, 'transcript limit of 100 entries reached: 150 later entries not kept');
});

it('cuts an entry longer than maxText, after scrubbing, and says how much was cut', () => {
  const t = new Transcript({ maxText: 50 });
  t.secret('Secret-Password-1');
  t.record({ actor: 'IMAP Server', channel: 'imap', dir: 'recv', text: `${'x'.repeat(40)}Secret-Password-1${'y'.repeat(100)}` });
  const text = t.entries()[0]!.text;
  assert.ok(text.startsWith(`${'x'.repeat(40)}${REDACTED}`.slice(0, 50)), text);
  assert.doesNotMatch(text, /Secret-Pa/);
  assert.match(text, /… \(\d+ more characters not kept\)$/);
});
