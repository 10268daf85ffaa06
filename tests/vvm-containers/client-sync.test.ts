/**
 * VVM-05/06 in the container topology without a Docker engine (tests/containers/in-process-fleet.ts): the EVVM
 * Client's sync runs in the evvm-client driven host (POST /evvm-client/sync), against the EVVM Server in its own,
 * and is judged on that server's record, as `run --topology containers` judges it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientCommands, noStatusOnGreetings, onlyAllowedFlagsSet } from '../../harness/conditions/vvm/client-commands';
import { mailboxCredentials, syncWithEvvmServer } from '../../harness/roles/authentication';
import { InProcessFleet } from '../containers/in-process-fleet';

test('the EVVM Client in its container syncs with allowed flags and no STATUS on Greetings; with its two faults on, the server records both', async () => {
  const fleet = await InProcessFleet.start(['evvm-server', 'evvm-client']);
  try {
    const alice = fleet.accounts.find((a) => a.name === 'alice')!;
    const judged = async (faults: string[]) => {
      const { topology } = await fleet.scenario(faults);
      try {
        const seen = await clientCommands(await syncWithEvvmServer(topology, 'implicit-tls', mailboxCredentials(alice)));
        return { flags: onlyAllowedFlagsSet.judge(seen), status: noStatusOnGreetings.judge(seen), seen };
      } finally {
        await topology.stop();
      }
    };
    const clean = await judged([]);
    assert.ok(clean.flags.ok && clean.status.ok, `${clean.flags.message}; ${clean.status.message}`);
    assert.ok(clean.seen.names.includes('UID STORE') && clean.seen.names.includes('APPEND'), clean.seen.names.join(' '));
    const faulty = await judged(['evvm-client:set-restricted-flag', 'evvm-client:status-on-greetings']);
    assert.match(faulty.flags.message, /set \\Flagged, which VVM does not allow/);
    assert.match(faulty.status.message, /performed STATUS on the Greetings folder: STATUS Greetings/);
  } finally {
    await fleet.close();
  }
});
