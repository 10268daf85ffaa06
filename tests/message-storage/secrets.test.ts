import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runSuite } from '../../harness/engine/run';
import { writeReports } from '../../harness/report';
import { runSecrets } from '../../evidence/secrets';
import { runAccounts } from '../../harness/engine/run-context';
import { mssCredentials } from '../../harness/roles/message-storage';

// In-process, so the test knows the run's Message Storage passwords, TUI PINs, SIP passwords and PSK.
test('no Message Storage credential of the run appears in its reports, and the scenarios did send them', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'mss-secrets-'));
  try {
    const tags = '@CPM-MS-AUTH-03 or @CPM-MS-AUTH-04 or @CPM-MS-AUTH-06 or @EVVM-AUTH-05';
    const { report } = await runSuite({ faults: [], topology: 'embedded', tags, messagesFile: path.join(out, 'messages.ndjson') });
    assert.equal(report.summary.fail + report.summary.error, 0, JSON.stringify(report.summary));
    await writeReports(report, out, runSecrets());
    const creds = mssCredentials(runAccounts());
    const secrets = [...creds.accounts.flatMap((a) => [a.password, a.tuiPin!, a.sip!.password]), creds.psk.toString('hex'), creds.psk.toString('base64').replace(/=+$/, '')];
    let redacted = 0;
    for (const name of await readdir(out, { recursive: true })) {
      if (!String(name).includes('.')) continue;
      const text = await readFile(path.join(out, String(name)), 'utf8');
      redacted += (text.match(/«redacted»/g) ?? []).length;
      for (const s of secrets) assert.ok(!text.includes(s), `a Message Storage secret appears in ${name}`);
    }
    assert.ok(redacted > 0, 'no redaction marker: the scenarios sent no credential?');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
