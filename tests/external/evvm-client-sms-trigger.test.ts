/**
 * trigger.sms of an EVVM Client under test: the harness sends the VVM STATUS through its SMSC to the
 * client's MSISDN; the client's device binds to that SMSC with its own account. A device of third-party
 * parts (tests/external/sms-device-peer.ts: an smpp 0.5.1 ESME and curl) passes EVVM-AUTH-03 verifying
 * the server, and fails it with --insecure, naming the rogue server that got the credential; a device
 * that never binds is inconclusive, exit 2; its bind password appears in no output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { stringify } from 'yaml';
import { missing } from '../real-clients/tools';
import { startSmsDevice } from './sms-device-peer';
import { everything, readVerdicts, runCli } from './helpers';

const BIND_PASSWORD = 'Dev1ce-p';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-client-sms-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});


async function profile(name: string, smppPort: number, caFile: string, timeoutMs = 15_000): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      name,
      // the device holds no client certificate of the run's PKI, and speaks implicit TLS only (a STATUS names no transport)
      policy: { evvmServer: { clientCertificate: 'none' } },
      capabilities: { evvmServer: { transports: ['implicit-tls'] } },
      iut: {
        role: 'evvm-client',
        implementation: 'smpp 0.5.1 device with curl',
        trigger: { sms: { msisdn: '+15550001', bind: { systemId: 'device-alice', passwordEnv: 'DEVICE_BIND_PASSWORD' }, listen: { smpp: smppPort }, trustAnchorFile: caFile } },
        timeoutMs,
      },
    }),
  );
  return file;
}

async function runDevice(name: string, insecure: boolean) {
  const port = await freePort();
  const caFile = path.join(dir, `${name}-ca.pem`);
  const device = startSmsDevice({ port, systemId: 'device-alice', password: BIND_PASSWORD, caFile, insecure });
  try {
    const file = await profile(name, port, caFile);
    const out = path.join(dir, `${name}-out`);
    const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-AUTH-03', '--out', out], { DEVICE_BIND_PASSWORD: BIND_PASSWORD }, 240_000);
    return { v: await readVerdicts(out, r, ['EVVM-AUTH-03']), output: await everything(out, r) };
  } finally {
    device.stop();
  }
}

test('trigger.sms: a device that verifies the server passes EVVM-AUTH-03, and its bind password appears in no output', { timeout: 300_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const { v, output } = await runDevice('sms-verifying', false);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'pass', v.reasons['EVVM-AUTH-03']);
  assert.equal(v.exit, 0);
  assert.ok(!output.includes(BIND_PASSWORD), 'the device\'s bind password appears in the output');
});

test('trigger.sms: a device that does not verify the server fails EVVM-AUTH-03, naming the rogue server', { timeout: 300_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const { v } = await runDevice('sms-insecure', true);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'fail');
  assert.match(v.reasons['EVVM-AUTH-03']!, /Rogue IMAP Server \(certificate [a-z-]+\) received (LOGIN|AUTHENTICATE)/);
  assert.equal(v.exit, 1);
});

test('trigger.sms: a device that never binds is inconclusive, exit 2', { timeout: 120_000 }, async () => {
  const file = await profile('sms-absent', await freePort(), path.join(dir, 'absent-ca.pem'), 1500);
  const out = path.join(dir, 'sms-absent-out');
  const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-AUTH-03 and @positive', '--out', out], { DEVICE_BIND_PASSWORD: BIND_PASSWORD }, 100_000);
  const v = await readVerdicts(out, r, ['EVVM-AUTH-03']);
  assert.equal(v.verdicts['EVVM-AUTH-03'], 'inconclusive', v.reasons['EVVM-AUTH-03']);
  assert.match(v.reasons['EVVM-AUTH-03']!, /never bound to the harness's SMSC/);
  assert.equal(v.exit, 2);
});
