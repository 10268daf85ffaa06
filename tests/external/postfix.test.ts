/**
 * The verdicts hold on a real third-party SMTP server: Debian's Postfix as the Forwarding Gateway under
 * test (iut.role forwarding-gateway), judged on EVVM-AUTH-06. Requiring client certificates (and relaying
 * only for the EVVM Server's), it passes; taking mail from anyone, it does not (a SHOULD: a warning, with
 * the sender it let in named); down, it is inconclusive (exit 2). Skipped, with the reason, when postfix is
 * not installed (apt-get install postfix) or the test is not root (Postfix's master starts as root).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { dovecotWorkspace } from './dovecot';
import { readVerdicts, runCli, type Verdicts } from './helpers';
import { freePort } from './ports';
import { POSTFIX, startGatewayPostfix } from './postfix';

const root = process.getuid?.() === 0;
const SKIP = !POSTFIX ? 'postfix is not installed (apt-get install postfix); the Forwarding Gateway interop test needs it' : root ? false : 'postfix must be started as root for this test (its master drops to the postfix user)';

let dir = '';
let pkiDir = '';
let pki: TestPki;
let remove: (() => Promise<void>) | undefined;

type Config = 'client certificates required' | 'client certificates not required' | 'down';

/** The vendor's profile for the gateway: the files of its own PKI, its declared transports and relay domain. */
async function profileFor(name: string, port: number, forwardTo: number): Promise<string> {
  const p = (f: string): string => path.join(pkiDir, f);
  const file = path.join(dir, `${name}.yaml`);
  const profile = {
    name: `postfix-${name}`,
    policy: { interfaces: { forwardingGateway: { mutualAuth: true } } },
    iut: {
      role: 'forwarding-gateway',
      host: '127.0.0.1',
      servername: 'forwarding-gateway.op.example',
      ports: { smtp: port },
      trustAnchor: p('ca.pem'),
      clientCertificate: { cert: p('evvm-server-client.crt'), key: p('evvm-server-client.key') },
      badClientCertificates: {
        expired: { cert: p('bad/evvm-server-client.expired.crt'), key: p('bad/evvm-server-client.expired.key') },
        wrongHost: { cert: p('non-oma-vm-client.crt'), key: p('non-oma-vm-client.key') },
      },
      declares: { transports: ['starttls'], clientCertificates: 'required', relayDomains: ['mail.example'] },
      forwardsTo: { port: forwardTo },
    },
  };
  await writeFile(file, stringify(profile));
  return file;
}

interface Run extends Verdicts {
  stdout: string;
  /** each EVVM-AUTH-06 scenario's outcome, by name */
  scenarios: Record<string, string>;
}

async function certify(config: Config): Promise<Run> {
  const name = config.replace(/\W+/g, '-');
  const forwardTo = await freePort();
  const gateway =
    config === 'down'
      ? undefined
      : await startGatewayPostfix(pki, { dir: path.join(dir, name), requireClientCert: config === 'client certificates required', forwardTo });
  try {
    const file = await profileFor(name, gateway?.port ?? (await freePort()), forwardTo);
    const out = path.join(dir, `${name}-report`);
    const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-AUTH-06', '--out', out], {}, 240_000);
    const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as { requirements: Array<{ id: string; scenarios: Array<{ name: string; outcome: string }> }> };
    const scenarios = Object.fromEntries(report.requirements.find((q) => q.id === 'EVVM-AUTH-06')!.scenarios.map((s) => [s.name, s.outcome]));
    return { ...(await readVerdicts(out, r, ['EVVM-AUTH-06'])), stdout: r.stdout + r.stderr, scenarios };
  } finally {
    await gateway?.stop();
  }
}

const runs = new Map<Config, Promise<Run>>();
const FORWARDED = 'The EVVM Server forwards a voicemail to the Forwarding Gateway over mutually authenticated TLS';
const NO_CERTIFICATE = 'The Forwarding Gateway takes no voicemail from a sender whose certificate is missing';

before(async () => {
  if (SKIP) return;
  ({ dir, pki, pkiDir, remove } = await dovecotWorkspace('evvm-postfix-'));
  await mkdir(dir, { recursive: true });
  // one at a time: each is a Postfix and a CLI run
  let chain: Promise<unknown> = Promise.resolve();
  for (const config of ['client certificates required', 'client certificates not required', 'down'] as const) {
    const run = chain.then(() => certify(config));
    run.catch(() => undefined);
    runs.set(config, run);
    chain = run.catch(() => undefined);
  }
});

after(async () => {
  await remove?.();
});

test('Postfix requiring client certificates passes EVVM-AUTH-06 (exit 0)', { skip: SKIP }, async () => {
  const v = await runs.get('client certificates required')!;
  assert.equal(v.verdicts['EVVM-AUTH-06'], 'pass', `${v.reasons['EVVM-AUTH-06']}\n${v.stdout}`);
  // judged on the gateway itself, not passed by default: the voicemail went through it, the sender without a certificate was refused
  assert.equal(v.scenarios[FORWARDED], 'pass', JSON.stringify(v.scenarios));
  assert.equal(v.scenarios[NO_CERTIFICATE], 'pass', JSON.stringify(v.scenarios));
  assert.equal(v.exit, 0, v.stdout);
});

test('Postfix taking mail from a sender without a client certificate does not pass EVVM-AUTH-06 (a SHOULD not met)', { skip: SKIP }, async () => {
  const v = await runs.get('client certificates not required')!;
  assert.equal(v.verdicts['EVVM-AUTH-06'], 'warning', `${v.reasons['EVVM-AUTH-06']}\n${v.stdout}`);
  assert.match(v.reasons['EVVM-AUTH-06'] ?? '', /SenderRefused/, v.stdout);
  assert.equal(v.scenarios[NO_CERTIFICATE], 'fail', JSON.stringify(v.scenarios));
});

test('a Postfix that is down is inconclusive on EVVM-AUTH-06 (exit 2), never a pass', { skip: SKIP }, async () => {
  const v = await runs.get('down')!;
  assert.equal(v.verdicts['EVVM-AUTH-06'], 'inconclusive', `${v.reasons['EVVM-AUTH-06']}\n${v.stdout}`);
  assert.equal(v.exit, 2, v.stdout);
});
