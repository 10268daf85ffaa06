/**
 * The sending half of EVVM-AUTH-07 holds on a real third-party MTA: Debian's Postfix as the Non-OMA VM
 * Service under test (iut.role non-oma-vm), made to send by the send trigger docs/certifying.md shows for a
 * Postfix platform (relayhost set, reload, sendmail). Verifying the EVVM Server's certificate
 * (smtp_tls_security_level = secure), it delivers to the harness's EVVM Server and to no impostor: pass.
 * Encrypting without verifying (encrypt), it hands the voicemail to an impostor: not a pass, and the
 * impostor scenarios fail. Skipped, with the reason, without postfix or root (see postfix.test.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { dovecotWorkspace } from './dovecot';
import { readVerdicts, runCli, type Verdicts } from './helpers';
import { POSTFIX, startPostfix } from './postfix';

const root = process.getuid?.() === 0;
const SKIP = !POSTFIX ? 'postfix is not installed (apt-get install postfix); the Non-OMA VM Service interop test needs it' : root ? false : 'postfix must be started as root for this test (its master drops to the postfix user)';

/** How Postfix checks the server it sends to: `secure` verifies its certificate and name, `encrypt` only encrypts. */
type Level = 'secure' | 'encrypt';

let dir = '';
let pkiDir = '';
let pki: TestPki;
let remove: (() => Promise<void>) | undefined;

/**
 * The vendor's side of the send trigger, for a platform whose MTA is Postfix: a clean queue (an earlier
 * delivery it deferred must not go to this scenario's server), its outbound pointed at {host}:{port} with
 * the trust anchor and name, then the voicemail handed to sendmail; it ends once Postfix has tried it.
 */
function sendScript(postfixDir: string, level: Level): string {
  return `#!/bin/sh
d='${postfixDir}'
postsuper -c "$d" -d ALL >/dev/null 2>&1
cp "$4" "$d/outbound-ca.pem" && chmod 644 "$d/outbound-ca.pem"
postconf -c "$d" -e "relayhost=[$1]:$2" "smtp_tls_CAfile=$d/outbound-ca.pem" "smtp_tls_secure_cert_match=$3" "smtp_tls_security_level=${level}" || exit 1
postfix -c "$d" reload >/dev/null 2>&1 || exit 1
tried() { grep -c ' status=' "$d/maillog" 2>/dev/null; }
before=$(tried)
/usr/sbin/sendmail -C "$d" -f "$5" "$6" < "$7" || exit 1
i=0
while [ "$i" -lt 150 ]; do
  [ "$(tried)" -gt "\${before:-0}" ] && exit 0
  sleep 0.1
  i=$((i + 1))
done
echo "postfix did not try the delivery within 15 s" >&2
exit 1
`;
}

async function profileFor(name: string, port: number, script: string): Promise<string> {
  const p = (f: string): string => path.join(pkiDir, f);
  const file = path.join(dir, `${name}.yaml`);
  const profile = {
    name: `postfix-non-oma-vm-${name}`,
    policy: { interfaces: { nonOmaVm: { mutualAuth: true } } },
    iut: {
      role: 'non-oma-vm',
      host: '127.0.0.1',
      servername: 'non-oma-vm.op.example',
      ports: { smtp: port },
      trustAnchor: p('ca.pem'),
      clientCertificate: { cert: p('evvm-server-client.crt'), key: p('evvm-server-client.key') },
      badClientCertificates: {
        expired: { cert: p('bad/evvm-server-client.expired.crt'), key: p('bad/evvm-server-client.expired.key') },
        wrongHost: { cert: p('forwarding-gateway-client.crt'), key: p('forwarding-gateway-client.key') },
      },
      declares: { transports: ['starttls'], clientCertificates: 'required', relayDomains: ['legacy-vm.example'] },
      send: { command: ['/bin/sh', script, '{host}', '{port}', '{servername}', '{trustAnchor}', '{from}', '{to}', '{messageFile}'], timeoutMs: 20000 },
    },
  };
  await writeFile(file, stringify(profile));
  return file;
}

interface Run extends Verdicts {
  stdout: string;
  /** each EVVM-AUTH-07 scenario's outcome, by name */
  scenarios: Record<string, string>;
}

async function certify(level: Level): Promise<Run> {
  const postfixDir = path.join(dir, level);
  const service = await startPostfix({
    dir: postfixDir,
    hostname: 'non-oma-vm.op.example',
    serverChainPem: pki.leaf('non-oma-vm').chainPem,
    serverKeyPem: pki.leaf('non-oma-vm').keyPem,
    clientCaPem: clientCaPem(pki),
    requireClientCert: true,
    evvmServerCertPem: pki.leaf('evvm-server-client').chainPem,
    relayDomain: 'legacy-vm.example',
    outbound: { chainPem: pki.leaf('non-oma-vm-client').chainPem, keyPem: pki.leaf('non-oma-vm-client').keyPem },
  });
  try {
    const script = path.join(dir, `send-${level}.sh`);
    await writeFile(script, sendScript(postfixDir, level), { mode: 0o755 });
    const file = await profileFor(level, service.port, script);
    const out = path.join(dir, `${level}-report`);
    const r = await runCli(['run', '--profile', file, '--tags', '@EVVM-AUTH-07', '--out', out], {}, 300_000);
    const report = JSON.parse(await readFile(path.join(out, 'conformance.json'), 'utf8')) as { requirements: Array<{ id: string; scenarios: Array<{ name: string; outcome: string }> }> };
    const scenarios = Object.fromEntries(report.requirements.find((q) => q.id === 'EVVM-AUTH-07')!.scenarios.map((s) => [s.name, s.outcome]));
    return { ...(await readVerdicts(out, r, ['EVVM-AUTH-07'])), stdout: r.stdout + r.stderr, scenarios };
  } finally {
    await service.stop();
  }
}

const runs = new Map<Level, Promise<Run>>();
const DELIVERS = 'The Non-OMA VM Service delivers a voicemail into a mailbox over mutually authenticated TLS';
const IMPOSTOR = /^The Non-OMA VM Service delivers nothing to an impostor EVVM Server whose certificate is /;

before(async () => {
  if (SKIP) return;
  ({ dir, pki, pkiDir, remove } = await dovecotWorkspace('evvm-postfix-nonoma-'));
  await mkdir(dir, { recursive: true });
  // one at a time: each is a Postfix and a CLI run
  const secure = certify('secure');
  secure.catch(() => undefined);
  runs.set('secure', secure);
  const encrypt = secure.catch(() => undefined).then(() => certify('encrypt'));
  encrypt.catch(() => undefined);
  runs.set('encrypt', encrypt);
});

after(async () => {
  await remove?.();
});

test('Postfix verifying the EVVM Server it sends to passes EVVM-AUTH-07, its own half judged on what it sent', { skip: SKIP }, async () => {
  const v = await runs.get('secure')!;
  assert.equal(v.verdicts['EVVM-AUTH-07'], 'pass', `${v.reasons['EVVM-AUTH-07']}\n${JSON.stringify(v.scenarios, null, 1)}\n${v.stdout}`);
  // judged on what Postfix did, not passed by default: it delivered to the EVVM Server and refused each impostor
  assert.equal(v.scenarios[DELIVERS], 'pass', JSON.stringify(v.scenarios));
  const impostors = Object.entries(v.scenarios).filter(([name]) => IMPOSTOR.test(name));
  assert.ok(impostors.length >= 2 && impostors.every(([, outcome]) => outcome === 'pass'), JSON.stringify(v.scenarios));
  assert.equal(v.exit, 0, v.stdout);
});

test('Postfix encrypting without verifying hands an impostor the voicemail: EVVM-AUTH-07 does not pass', { skip: SKIP }, async () => {
  const v = await runs.get('encrypt')!;
  assert.notEqual(v.verdicts['EVVM-AUTH-07'], 'pass', v.stdout);
  assert.match(v.verdicts['EVVM-AUTH-07'] ?? '', /^(warning|fail)$/, `${v.reasons['EVVM-AUTH-07']}\n${v.stdout}`);
  const impostors = Object.entries(v.scenarios).filter(([name]) => IMPOSTOR.test(name));
  assert.ok(impostors.length >= 2 && impostors.every(([, outcome]) => outcome === 'fail'), JSON.stringify(v.scenarios));
  // the legitimate delivery still works: the failure is the impostor's, not a broken setup
  assert.equal(v.scenarios[DELIVERS], 'pass', JSON.stringify(v.scenarios));
});
