/**
 * An SMSC as the IUT (iut.role: smsc): the harness's ESMEs bind to it with the accounts the profile names
 * and judge its answers on the wire. A third-party SMSC built only on the pinned smpp library
 * (tests/external/smpp-peer.ts) passes EVVM-SMS-C01, C09, PRAC-04 and STD-07 configured right, and fails
 * C09 when any password binds and C01 when it passes on a claimed source address; `simulate smsc
 * --profile-out` gives the embedded verdicts (and its faults are caught); an SMSC that is down is
 * inconclusive, exit 2; no bind password of the profile appears in any output.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { startThirdPartySmsc, type PeerAccount } from './smpp-peer';
import { everything, profileOut, readVerdicts, runCli } from './helpers';

const SMSC_REQUIREMENTS = ['EVVM-SMS-C01', 'EVVM-SMS-C09', 'PRAC-04', 'STD-07'];
const TAGS = SMSC_REQUIREMENTS.map((id) => `@${id}`).join(' or ');

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'evvm-smsc-iut-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The third party's accounts: the EVVM Server on the short code, a customer (the spoofer), the test ESME at SMPP's limits, the subscribers' handsets. */
const ACCOUNTS: PeerAccount[] = [
  { systemId: 'vvm-platform', password: 'Vvm-pw01', address: '94183', ton: 3 },
  { systemId: 'bulk-customer', password: 'Bulk-pw2', address: '15550100', ton: 1 },
  { systemId: 'test-esme-limit', password: 'Lim1t-pw', address: '15559998', ton: 1 },
  { systemId: 'hs-alice', password: 'Alice-p1', address: '15550001', ton: 1 },
  { systemId: 'hs-bob', password: 'Bob-pw02', address: '15550002', ton: 1 },
];

/** The profile a lab writes for the third-party SMSC: every password by environment variable. */
async function peerProfile(name: string, ports: { smpp: number; smpps: number }): Promise<{ file: string; env: Record<string, string> }> {
  const ca = path.join(dir, 'ca.pem');
  await writeFile(ca, (await sharedTestPki()).trustAnchorPem);
  const env: Record<string, string> = {};
  const account = (a: PeerAccount) => {
    const v = `PEER_${a.systemId.toUpperCase().replace(/-/g, '_')}`;
    env[v] = a.password;
    return { systemId: a.systemId, passwordEnv: v };
  };
  const [server, customer, limit, alice, bob] = ACCOUNTS as [PeerAccount, PeerAccount, PeerAccount, PeerAccount, PeerAccount];
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({
      name,
      iut: {
        role: 'smsc',
        implementation: 'smpp 0.5.1 (farhadi/node-smpp) as an SMSC',
        host: '127.0.0.1',
        servername: 'smsc.op.example',
        ports,
        trustAnchor: ca,
        accounts: {
          evvmServer: account(server),
          spoofer: account(customer),
          testEsme: account(limit),
          handsets: [
            { name: 'alice', msisdn: '+15550001', ...account(alice) },
            { name: 'bob', msisdn: '+15550002', ...account(bob) },
          ],
        },
        timeoutMs: 3000,
      },
    }),
  );
  return { file, env };
}

/** Every file a run wrote, as text, with its stdout and stderr. */
async function runPeer(name: string, misconfigured: { anyPassword?: boolean; trustSourceAddr?: boolean }): Promise<{ v: Awaited<ReturnType<typeof readVerdicts>>; output: string; env: Record<string, string> }> {
  const leaf = (await sharedTestPki()).leaf('smsc');
  const peer = await startThirdPartySmsc({ accounts: ACCOUNTS, tls: { key: leaf.keyPem, cert: leaf.chainPem }, ...misconfigured });
  try {
    const { file, env } = await peerProfile(name, peer.ports);
    const out = path.join(dir, `${name}-out`);
    const r = await runCli(['run', '--profile', file, '--tags', TAGS, '--out', out], env, 200_000);
    return { v: await readVerdicts(out, r, SMSC_REQUIREMENTS), output: await everything(out, r), env };
  } finally {
    await peer.stop();
  }
}

test('a third-party SMSC (smpp 0.5.1) configured right passes, and no bind password appears in any output', { timeout: 240_000 }, async () => {
  const { v, output, env } = await runPeer('peer-right', {});
  for (const id of SMSC_REQUIREMENTS) assert.equal(v.verdicts[id], 'pass', `${id}: ${v.reasons[id]}`);
  assert.equal(v.exit, 0);
  for (const secret of Object.values(env)) assert.ok(!output.includes(secret), 'a bind password of the profile appears in the output');
});

test('the same SMSC binding any password fails EVVM-SMS-C09, and passing on a claimed originator fails EVVM-SMS-C01', { timeout: 240_000 }, async () => {
  const { v } = await runPeer('peer-wrong', { anyPassword: true, trustSourceAddr: true });
  assert.equal(v.verdicts['EVVM-SMS-C09'], 'fail');
  assert.match(v.reasons['EVVM-SMS-C09']!, /bind_transceiver_resp ESME_ROK/);
  assert.equal(v.verdicts['EVVM-SMS-C01'], 'fail');
  assert.match(v.reasons['EVVM-SMS-C01']!, /claiming 94183 was answered ESME_ROK/);
  assert.equal(v.exit, 1);
});

test('an SMSC that is down is inconclusive, exit 2', { timeout: 120_000 }, async () => {
  // two ports nothing listens on: a server bound and closed again
  const peer = await startThirdPartySmsc({ accounts: ACCOUNTS, tls: { key: (await sharedTestPki()).leaf('smsc').keyPem, cert: (await sharedTestPki()).leaf('smsc').chainPem } });
  await peer.stop();
  const { file, env } = await peerProfile('peer-down', peer.ports);
  const out = path.join(dir, 'peer-down-out');
  const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-SMS-C09 or @PRAC-04', '--out', out], env, 100_000);
  const v = await readVerdicts(out, r, SMSC_REQUIREMENTS);
  assert.equal(v.verdicts['EVVM-SMS-C09'], 'inconclusive', v.reasons['EVVM-SMS-C09']);
  assert.match(v.reasons['EVVM-SMS-C09']!, /SMSC \(IUT\) at 127\.0\.0\.1:\d+ is unreachable/);
  assert.equal(v.verdicts['PRAC-04'], 'inconclusive');
  assert.equal(v.exit, 2);
});

/** `simulate smsc --profile-out`, then `run --profile` of what it wrote, with its env file's values. */
async function rehearse(name: string, faults: string[]): Promise<{ v: Awaited<ReturnType<typeof readVerdicts>>; output: string; env: Record<string, string> }> {
  const { child, file, env } = await profileOut('smsc', dir, name, faults);
  try {
    const out = path.join(dir, `${name}-out`);
    const r = await runCli(['run', '--profile', file, '--tags', TAGS, '--out', out], env, 200_000);
    return { v: await readVerdicts(out, r, SMSC_REQUIREMENTS), output: await everything(out, r), env };
  } finally {
    child.kill('SIGTERM');
  }
}

test('simulate smsc --profile-out: our own SMSC as the IUT gives the embedded verdicts, and its faults are caught', { timeout: 400_000 }, async () => {
  const embeddedOut = path.join(dir, 'embedded');
  const embedded = await readVerdicts(embeddedOut, await runCli(['run', '--tags', TAGS, '--out', embeddedOut], {}, 200_000), SMSC_REQUIREMENTS);
  const clean = await rehearse('ours', []);
  assert.deepEqual(clean.v.verdicts, embedded.verdicts);
  assert.deepEqual(clean.v.verdicts, Object.fromEntries(SMSC_REQUIREMENTS.map((id) => [id, 'pass'])));
  assert.ok(Object.keys(clean.env).length > 0);
  for (const secret of Object.values(clean.env)) assert.ok(!clean.output.includes(secret), 'a secret of the env file appears in the output');
  const faulty = await rehearse('ours-faulty', ['smsc:bind-without-password', 'smsc:trust-source-addr', 'smsc:accept-legacy-tls', 'smsc:truncate-long-fields']);
  assert.deepEqual(faulty.v.verdicts, { 'EVVM-SMS-C01': 'fail', 'EVVM-SMS-C09': 'fail', 'PRAC-04': 'warning', 'STD-07': 'fail' });
});
