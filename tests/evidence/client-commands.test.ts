/**
 * VVM-05/06 judged on what the EVVM Server received from the client (harness/conditions/vvm/client-commands.ts):
 * the bytes framed as the server frames them (literals skipped whole, SASL lines passed over), flags compared
 * case-insensitively, -FLAGS setting nothing, APPEND's flag list counted, the Greetings folder found under an
 * identifier's namespace too, and no argument of another command (a password) shown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientCommands, noStatusOnGreetings, onlyAllowedFlagsSet } from '../../harness/conditions/vvm/client-commands';

const seen = (...lines: string[]) => clientCommands([{ conn: 'c1', secure: true, clientBytes: Buffer.from(lines.join('\r\n') + '\r\n', 'latin1') }]);

test('allowed flags, in any case and by STORE, UID STORE or APPEND, pass; -FLAGS sets nothing', async () => {
  const s = await seen('a1 LOGIN alice {6}', 'S3cret a2 ignored-by-literal', 'a2 SELECT INBOX', 'a3 UID STORE 1:* +FLAGS.SILENT (\\seen)', 'a4 STORE 1 -FLAGS (\\Flagged)', 'a5 APPEND Greetings ($cns-greeting-on) {3+}', 'AMR', 'a6 STORE 1 FLAGS (\\Deleted)');
  assert.deepEqual(s.names, ['LOGIN', 'SELECT', 'UID STORE', 'STORE', 'APPEND', 'STORE']);
  const j = onlyAllowedFlagsSet.judge(s);
  assert.ok(j.ok, j.message);
  assert.ok(!JSON.stringify(j).includes('S3cret'), 'a password reached the evidence');
});

test('a restricted flag fails, naming the command; a keyword in an APPEND too', async () => {
  const stored = onlyAllowedFlagsSet.judge(await seen('a1 SELECT INBOX', 'a2 STORE 1 +FLAGS (\\Seen \\Flagged)'));
  assert.equal(stored.ok, false);
  assert.match(stored.message, /set \\Flagged, which VVM does not allow: STORE 1 \+FLAGS \(\\Seen \\Flagged\)/);
  const conditional = onlyAllowedFlagsSet.judge(await seen('a1 UID STORE 4 (UNCHANGEDSINCE 12) +FLAGS \\Answered'));
  assert.match(conditional.message, /set \\Answered, which VVM does not allow: UID STORE 4 \(UNCHANGEDSINCE 12\) \+FLAGS \\Answered/);
  const appended = onlyAllowedFlagsSet.judge(await seen('a1 APPEND Greetings ($Junk) {3}', 'AMR'));
  assert.match(appended.message, /set \$Junk, which VVM does not allow: APPEND Greetings \(\$Junk\) \{3 bytes\}/);
});

test('STATUS on Greetings fails by name or by an identifier\'s namespace; STATUS elsewhere and SASL lines pass', async () => {
  const elsewhere = noStatusOnGreetings.judge(await seen('a1 AUTHENTICATE PLAIN', 'AGFsaWNlAFMzY3JldA==', 'a2 STATUS INBOX (MESSAGES UNSEEN)', 'a3 SELECT Greetings'));
  assert.ok(elsewhere.ok, elsewhere.message);
  assert.match(elsewhere.message, /STATUS INBOX \(MESSAGES UNSEEN\)/);
  for (const folder of ['Greetings', '"#id/tel:+15550001/Greetings"']) {
    const j = noStatusOnGreetings.judge(await seen(`a1 STATUS ${folder} (MESSAGES)`));
    assert.equal(j.ok, false, folder);
    assert.match(j.message, /performed STATUS on the Greetings folder: STATUS .*Greetings.* \(MESSAGES\)/);
  }
});
