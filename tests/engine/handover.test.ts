import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Handover, HANDOVER_ENV, handedOverAccounts, handedOverPki } from '../../harness/engine/handover';
import { HarnessError } from '../../harness/engine/outcomes';
import { demoAccounts } from '../../harness/topology/accounts';

test('a worker gets the run accounts at once, an error (not a wait) when the PKI could not be made, and nothing is left', async () => {
  const accounts = demoAccounts('handover');
  const handover = await Handover.open(Promise.reject(new Error('key generation failed')), accounts);
  assert.equal(statSync(handover.dir).mode & 0o777, 0o700, 'only this user may read the handed-over keys');
  process.env[HANDOVER_ENV] = handover.dir;
  try {
    const received = handedOverAccounts()!;
    assert.deepEqual(received, accounts);
    assert.ok(Buffer.isBuffer(received[0]!.voicemail.raw));
    const started = Date.now();
    await assert.rejects(handedOverPki()!, (err: Error) => err instanceof HarnessError && /key generation failed/.test(err.message));
    assert.ok(Date.now() - started < 5_000, 'the worker does not wait out its deadline');
    await assert.rejects(handover.ready, /key generation failed/);
    assert.equal(statSync(path.join(handover.dir, 'accounts.json')).mode & 0o777, 0o600);
  } finally {
    delete process.env[HANDOVER_ENV];
    await handover.close();
  }
  assert.equal(existsSync(handover.dir), false);
});
