import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runSuite } from '../../harness/engine/run';
import { writeReports } from '../../harness/report';
import { runSecrets } from '../../evidence/secrets';
import { runAccounts, runPki } from '../../harness/engine/run-context';

// In-process, so the test knows the run's random passwords and keys and can look for them in the output.
test('no password or private key of the run appears anywhere in its reports', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'evvm-secrets-'));
  const { report } = await runSuite({ faults: [], topology: 'embedded', tags: '@EVVM-AUTH-01 or @EVVM-AUTH-04 or @STD-03', messagesFile: path.join(out, 'messages.ndjson') });
  await writeReports(report, out, runSecrets());
  const passwords = runAccounts().map((a) => a.password);
  const keys = [...(await runPki()).leaves.values()].map((c) => c.keyPem.split('\n')[1]!);
  assert.ok(passwords.length >= 3 && keys.length > 0);
  let transcriptLines = 0;
  for (const name of await readdir(out, { recursive: true })) {
    const file = path.join(out, String(name));
    if (!name.includes('.')) continue;
    const text = await readFile(file, 'utf8');
    transcriptLines += (text.match(/«redacted»/g) ?? []).length;
    for (const p of passwords) assert.ok(!text.includes(p), `a password appears in ${name}`);
    for (const k of keys) assert.ok(!text.includes(k), `a private key appears in ${name}`);
  }
  // the scenarios did send passwords: the transcripts show where, redacted
  assert.ok(transcriptLines > 0, 'no redaction marker: the scenarios sent no credential?');
});
