/** A mistyped command, option or fault gets one line that names what was probably meant, and exit 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './cli';

async function usage(args: string[]): Promise<string> {
  const r = await cli(args);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  return r.stderr.trim();
}

test('mistyped commands and options name the nearest one', async () => {
  assert.equal(await usage(['rnu']), "error: unknown command 'rnu' (Did you mean run?)");
  assert.equal(await usage(['requirments']), "error: unknown command 'requirments' (Did you mean requirements?)");
  assert.equal(await usage(['run', '--tag', '@STD-02']), "error: unknown option '--tag' (Did you mean --tags?)");
});

test('a mistyped fault names the nearest faults, not all of them', async () => {
  assert.equal(await usage(['run', '--fault', 'evvm-server:skip-pasword-check']), 'evvm-conformance: unknown fault "evvm-server:skip-pasword-check" (did you mean evvm-server:skip-password-check?)');
  const far = await usage(['run', '--fault', 'smsc:accept-any-sender']);
  assert.match(far, /^evvm-conformance: unknown fault "smsc:accept-any-sender" \(the nearest smsc faults: smsc:[a-z-]+, smsc:[a-z-]+, smsc:[a-z-]+\); `evvm-conformance requirements --json` lists each requirement's faults$/);
  const role = await usage(['run', '--fault', 'evvm-sever:skip-password-check']);
  assert.match(role, /did you mean evvm-server:skip-password-check\?/);
  const nobody = await usage(['run', '--fault', 'nobody:anything']);
  assert.match(nobody, /a fault is ROLE:NAME, ROLE one of evvm-server, .*message-storage/);
  assert.ok(nobody.split(':').length < 12, `a short line, not every fault: ${nobody}`);
});
