/**
 * An EVVM Server's SMS interface as the IUT (iut.role: evvm-server-sms): its ESME binds to the harness's
 * SMSC with its own account, is made to act by its trigger, and is judged on what it bound with and
 * submitted. A third-party ESME built only on the pinned smpp library (tests/external/esme-peer.ts),
 * triggered with curl: configured right it passes EVVM-SMS-C05 and C09; binding without TLS fails C09, a
 * STATUS with a password for strangers fails C05. An ESME that never binds is inconclusive, exit 2. No
 * secret of the profile appears in any output. `simulate evvm-server-sms --profile-out` gives the embedded
 * verdicts where the wire decides, inconclusive where the server's own records would, and its faults are caught.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { missing } from '../real-clients/tools';
import { startThirdPartyEsme } from './esme-peer';
import { everything, profileOut, readVerdicts, runCli } from './helpers';

const REQUIREMENTS = ['EVVM-SMS-C05', 'EVVM-SMS-C07', 'EVVM-SMS-C08', 'EVVM-SMS-C09', 'VVM-07', 'VVM-08'];
const TAGS = '@EVVM-SMS-C05 or @EVVM-SMS-C09';

const SUBSCRIBERS = {
  '15550001': { msisdn: '+15550001', password: 'Al1ce-VVM-secret', blocked: false },
  '15550002': { msisdn: '+15550002', password: 'B0b-VVM-secret', blocked: false },
  '15550003': { msisdn: '+15550003', password: 'Car0l-VVM-secret', blocked: true },
};
const BIND_PASSWORD = 'Esm3-pw!';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-server-sms-iut-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The profile a lab writes: the ESME's own bind, its trigger (curl to its control endpoint), the passwords its STATUS gives alice and bob. */
async function esmeProfile(name: string, command: string[], timeoutMs = 10_000): Promise<{ file: string; env: Record<string, string> }> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      name,
      iut: {
        role: 'evvm-server-sms',
        implementation: 'smpp 0.5.1 (farhadi/node-smpp) as a VVM platform',
        bind: { systemId: 'acme-vvm', passwordEnv: 'ESME_BIND_PASSWORD' },
        trigger: { command },
        subscribers: [
          { name: 'alice', passwordEnv: 'ESME_ALICE_PASSWORD' },
          { name: 'bob', passwordEnv: 'ESME_BOB_PASSWORD' },
        ],
        timeoutMs,
        replyMs: 800,
      },
    }),
  );
  return { file, env: { ESME_BIND_PASSWORD: BIND_PASSWORD, ESME_ALICE_PASSWORD: SUBSCRIBERS['15550001'].password, ESME_BOB_PASSWORD: SUBSCRIBERS['15550002'].password } };
}

/** curl posting the trigger's placeholders to the third party's control endpoint. */
const curlTrigger = (control: string): string[] => [
  'curl', '-sS', '--fail', '--max-time', '10', '-H', 'content-type: application/json', '--data-binary',
  JSON.stringify({ event: '{event}', smppPort: '{smppPort}', smppsPort: '{smppsPort}', servername: '{servername}', trustAnchor: '{trustAnchor}', systemId: '{systemId}', password: '{password}', msisdn: '{msisdn}' }),
  control,
];

async function runEsme(name: string, misconfigured: { plainBind?: boolean; leakyStatus?: boolean }) {
  const peer = await startThirdPartyEsme({ subscribers: SUBSCRIBERS, port: 5499, ...misconfigured });
  try {
    const { file, env } = await esmeProfile(name, curlTrigger(peer.control));
    const out = path.join(dir, `${name}-out`);
    const r = await runCli(['run', '--profile', file, '--tags', TAGS, '--out', out], env, 240_000);
    return { v: await readVerdicts(out, r, REQUIREMENTS), output: await everything(out, r), env };
  } finally {
    await peer.stop();
  }
}

test('a third-party ESME (smpp 0.5.1) configured right passes EVVM-SMS-C05 and C09, and no secret of the profile appears in any output', { timeout: 300_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const { v, output, env } = await runEsme('esme-right', {});
  assert.equal(v.verdicts['EVVM-SMS-C05'], 'pass', v.reasons['EVVM-SMS-C05']);
  assert.equal(v.verdicts['EVVM-SMS-C09'], 'pass', v.reasons['EVVM-SMS-C09']);
  assert.equal(v.exit, 0);
  for (const secret of Object.values(env)) assert.ok(!output.includes(secret), 'a secret of the profile appears in the output');
});

test('the same ESME binding without TLS fails EVVM-SMS-C09; giving strangers a password in its STATUS fails EVVM-SMS-C05', { timeout: 300_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const { v } = await runEsme('esme-wrong', { plainBind: true, leakyStatus: true });
  assert.equal(v.verdicts['EVVM-SMS-C09'], 'fail');
  assert.match(v.reasons['EVVM-SMS-C09']!, /over plain TCP/);
  assert.equal(v.verdicts['EVVM-SMS-C05'], 'fail');
  assert.match(v.reasons['EVVM-SMS-C05']!, /carries u, pw|password of alice/);
  assert.equal(v.exit, 1);
});

test('an ESME that never binds is inconclusive, exit 2', { timeout: 120_000 }, async () => {
  const { file, env } = await esmeProfile('esme-silent', ['true', '{event}'], 1500);
  const out = path.join(dir, 'esme-silent-out');
  const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-SMS-C09 and @positive', '--out', out], env, 100_000);
  const v = await readVerdicts(out, r, REQUIREMENTS);
  assert.equal(v.verdicts['EVVM-SMS-C09'], 'inconclusive', v.reasons['EVVM-SMS-C09']);
  assert.match(v.reasons['EVVM-SMS-C09']!, /never bound to the harness's SMSC as acme-vvm/);
  assert.equal(v.exit, 2);
});

/** `simulate evvm-server-sms --profile-out`, then `run --profile` of what it wrote, with its env file's values. */
async function rehearse(name: string, faults: string[]) {
  const { child, file, env } = await profileOut('evvm-server-sms', dir, name, faults);
  try {
    const out = path.join(dir, `${name}-out`);
    const r = await runCli(['run', '--profile', file, '--tags', ALL_TAGS, '--out', out], env, 300_000);
    return { v: await readVerdicts(out, r, REQUIREMENTS), output: await everything(out, r), env };
  } finally {
    child.kill('SIGTERM');
  }
}

const ALL_TAGS = REQUIREMENTS.map((id) => `@${id}`).join(' or ');
/** decided on the wire; the others need the server's own records (a subscriber's state, which MO text it took for a command) */
const ON_THE_WIRE = ['EVVM-SMS-C05', 'EVVM-SMS-C09', 'VVM-08'];

test('simulate evvm-server-sms --profile-out: the embedded verdicts where the wire decides, inconclusive where only the server knows; its faults are caught', { timeout: 600_000 }, async (t) => {
  const why = await missing('curl');
  if (why) return t.skip(why);
  const embeddedOut = path.join(dir, 'embedded');
  const embedded = await readVerdicts(embeddedOut, await runCli(['run', '--tags', ALL_TAGS, '--out', embeddedOut], {}, 300_000), REQUIREMENTS);
  const clean = await rehearse('ours', []);
  for (const id of REQUIREMENTS) assert.equal(clean.v.verdicts[id], ON_THE_WIRE.includes(id) ? embedded.verdicts[id] : 'inconclusive', `${id}: ${clean.v.reasons[id]}`);
  for (const id of ON_THE_WIRE) assert.equal(clean.v.verdicts[id], 'pass');
  for (const secret of Object.values(clean.env)) assert.ok(!clean.output.includes(secret), 'a secret of the env file appears in the output');
  const faulty = await rehearse('ours-faulty', ['evvm-server:smpp-bind-in-clear', 'evvm-server:status-credentials-for-blocked', 'evvm-server:activate-failure-silent']);
  for (const id of ON_THE_WIRE) assert.notEqual(faulty.v.verdicts[id], 'pass', `${id}: ${faulty.v.reasons[id]}`);
});
