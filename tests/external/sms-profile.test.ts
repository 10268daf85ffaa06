/** The `iut:` sections of the SMS roles (smsc, evvm-server-sms, an EVVM Client's trigger.sms): one clear line per problem, bind passwords from the environment and registered as secrets. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { parseProfile, ProfileError } from '../../harness/profile/profile';
import { loadIut, type Iut } from '../../harness/profile/sections/iut';
import { runSecrets } from '../../evidence/secrets';

let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sms-profile-'));
  writeFileSync(path.join(dir, 'ca.pem'), (await sharedTestPki()).trustAnchorPem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function load(iut: string): Iut {
  const yaml = `name: vendor\niut:\n${iut}`;
  const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadIut(parseProfile(yaml, file), file);
}

const SMSC = `  role: smsc
  host: 127.0.0.1
  ports: { smpp: 2775, smpps: 3550 }
  trustAnchor: ca.pem
  accounts:
    evvmServer: { systemId: vvm, passwordEnv: SMS_TEST_VVM }
    handsets: [{ name: alice, msisdn: '+15550001', systemId: hs-alice, passwordEnv: SMS_TEST_ALICE }]
`;
const ESME = `  role: evvm-server-sms
  implementation: Acme 1
  bind: { systemId: acme, passwordEnv: SMS_TEST_VVM }
  trigger: { command: [drive, '{event}', '{msisdn}'] }
`;
const CLIENT = `  role: evvm-client
  implementation: Phone 1
  trigger: { sms: { msisdn: '+15550001', bind: { systemId: dev, passwordEnv: SMS_TEST_ALICE } } }
`;

describe('SMS iut sections', () => {
  process.env.SMS_TEST_VVM = 'vvm-pw1';
  process.env.SMS_TEST_ALICE = 'alice-p1';

  it('an SMSC, an ESME and trigger.sms resolve, their bind passwords registered as secrets', () => {
    const smsc = load(SMSC);
    assert.equal(smsc.role === 'smsc' && smsc.accounts.handsets.get('alice')?.password, 'alice-p1');
    const esme = load(ESME);
    assert.equal(esme.role === 'evvm-server-sms' && esme.bind.password, 'vvm-pw1');
    const client = load(CLIENT);
    assert.equal(client.role === 'evvm-client' && client.trigger.kind, 'sms');
    for (const s of ['vvm-pw1', 'alice-p1']) assert.ok(runSecrets().includes(s));
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a handset on a number that is not the subscriber\'s', SMSC.replace("'+15550001'", "'+15550009'"), /iut\.accounts\.handsets\[0\]\.msisdn: the harness's alice is \+15550001/],
    ['SMPP over TLS without a trust anchor', SMSC.replace('  trustAnchor: ca.pem\n', ''), /iut\.trustAnchor: required with ports\.smpps/],
    ['TLS required without an smpps port', SMSC.replace('smpp: 2775, smpps: 3550', 'smpp: 2775') + '  declares: { tlsRequired: true }\n', /iut\.ports\.smpps: required, the SMSC declares tlsRequired/],
    ['an ESME bind password longer than SMPP allows', ESME.replace('passwordEnv: SMS_TEST_VVM', 'password: nine-char'), /iut\.bind\.password: SMPP passwords are at most 8 octets/],
    ['an unknown trigger placeholder', ESME.replace('{msisdn}', '{port}'), /unknown placeholder \{port\}/],
    ['two triggers of a client', CLIENT.replace('trigger: { sms:', 'trigger: { manual: { instructions: go }, sms:'), /give command, manual or sms, exactly one/],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`refuses ${what} with one line naming the field`, () => {
      assert.throws(() => load(yaml), (e: Error) => e instanceof ProfileError && expected.test(e.message) && !e.message.includes('\n'));
    });
  }
});
