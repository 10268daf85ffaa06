/** The profile's `iut:` section: validated with one clear line per problem; secrets from the environment. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { parseProfile, ProfileError } from '../../harness/profile/profile';
import { loadIut, type Iut, type IutOf, type IutRole } from '../../harness/profile/sections/iut';
import { runSecrets } from '../../evidence/secrets';
import { projectRoot } from '../../harness/paths';
import { runCli } from './helpers';

let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'iut-profile-'));
  const pki = await sharedTestPki();
  const client = pki.leaf('evvm-client');
  writeFileSync(path.join(dir, 'ca.pem'), pki.trustAnchorPem);
  writeFileSync(path.join(dir, 'client.pem'), client.chainPem);
  writeFileSync(path.join(dir, 'client.key'), client.keyPem);
  writeFileSync(path.join(dir, 'other.key'), pki.leaf('evvm-client-bob').keyPem);
  execFileSync('mkfifo', [path.join(dir, 'fifo.pem')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const base = (iut: string): string => `name: vendor\niut:\n${iut}`;
const GOOD = `  role: message-storage
  host: 127.0.0.1
  ports: { imaps: 993, imap: 143 }
  trustAnchor: ca.pem
  clientCertificate: { cert: client.pem, key: client.key }
  accounts:
    - { name: alice, username: alice@op.example, passwordEnv: IUT_TEST_ALICE }
`;

function load(yaml: string): Iut {
  const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadIut(parseProfile(yaml, file), file);
}

/** The resolved section, checked to play the role the test expects. */
function playing<R extends IutRole>(iut: Iut, role: R): IutOf<R> {
  assert.equal(iut.role, role);
  return iut as IutOf<R>;
}

describe('iut section', () => {
  it('a good section resolves: files relative to the profile, passwords from the environment, registered as secrets', () => {
    process.env.IUT_TEST_ALICE = 'alice-from-env-1';
    const iut = playing(load(base(GOOD)), 'message-storage');
    assert.equal(iut.accounts[0]!.password, 'alice-from-env-1');
    assert.equal(iut.servername, '127.0.0.1');
    assert.equal(iut.ports.pskTls, 993, 'PSK-TLS defaults to the implicit TLS port');
    assert.match(iut.trustAnchorPem, /BEGIN CERTIFICATE/);
    assert.ok(runSecrets().includes('alice-from-env-1'));
  });

  const bad: Array<[string, string, RegExp]> = [
    ['unknown role', GOOD.replace('message-storage', 'mms-relay'), /iut\.role/],
    ['no port', GOOD.replace('ports: { imaps: 993, imap: 143 }', 'ports: {}'), /iut\.ports.*imaps \(implicit TLS\) or imap/],
    ['a declared transport without its port', GOOD.replace('ports: { imaps: 993, imap: 143 }', 'ports: { imaps: 993 }'), /iut\.ports\.imap: required, the message-storage declares starttls/],
    ['no password at all', GOOD.replace(', passwordEnv: IUT_TEST_ALICE', ''), /iut\.accounts\.0\.passwordEnv: required/],
    ['an unset environment variable', GOOD.replace('IUT_TEST_ALICE', 'IUT_TEST_NOT_SET'), /iut\.accounts\[0\]\.passwordEnv: environment variable IUT_TEST_NOT_SET is not set/],
    ['a missing trust anchor file', GOOD.replace('trustAnchor: ca.pem', 'trustAnchor: nope.pem'), /iut\.trustAnchor: cannot read .*nope\.pem \(ENOENT\)/],
    ['a trust anchor that is a device (it would be read until memory runs out)', GOOD.replace('trustAnchor: ca.pem', 'trustAnchor: /dev/zero'), /iut\.trustAnchor: cannot read \/dev\/zero \(a character device, not a regular file\)/],
    ['a certificate that is a FIFO (it would block forever)', GOOD.replace('cert: client.pem', 'cert: fifo.pem'), /iut\.clientCertificate\.cert: cannot read .*fifo\.pem \(a FIFO, not a regular file\)/],
    ['a key that does not match the certificate', GOOD.replace('key: client.key', 'key: other.key'), /iut\.clientCertificate\.key: does not match/],
    ['a PSK key that is not hex', GOOD + '  psk: { identity: x, key: zz }\n', /iut\.psk\.key: must be 16 to 64 bytes in hex/],
    ['an EVVM Server IUT account without identifiers', GOOD.replace('role: message-storage', 'role: evvm-server'), /iut\.accounts\[0\]\.identifiers: required/],
    ['an unknown field', GOOD + '  password: oops\n', /iut: Unrecognized key/i],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`refuses ${what} with one line naming the field`, () => {
      process.env.IUT_TEST_ALICE = 'alice-from-env-1';
      assert.throws(
        () => load(base(yaml)),
        (e: Error) => e instanceof ProfileError && expected.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('the example vendor profile is valid (with its environment variables set)', () => {
    const file = path.join(projectRoot(), 'profiles', 'example-vendor-imap.yaml');
    const profile = parseProfile(readFileSync(file, 'utf8'), file);
    assert.equal(profile.iut?.role, 'message-storage');
    assert.ok(profile.iut?.accounts.every((a) => a.password === undefined), 'the example keeps passwords out of the file');
  });

  it('run refuses a bad profile before starting anything: exit status 2 and the line on stderr', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, base(GOOD.replace('IUT_TEST_ALICE', 'IUT_TEST_NOT_SET')));
    const r = await runCli(['run', '--profile', file, '--out', path.join(dir, 'out')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /environment variable IUT_TEST_NOT_SET is not set/);
  });
});

describe('iut section of a Forwarding Gateway', () => {
  const FGW = `  role: forwarding-gateway
  host: 127.0.0.1
  servername: forwarding-gateway.op.example
  ports: { smtp: 2525 }
  trustAnchor: ca.pem
  clientCertificate: { cert: client.pem, key: client.key }
  declares: { transports: [starttls], relayDomains: [mail.example] }
  forwardsTo: { port: 2526 }
`;

  it('a good section resolves: what it declares, where it forwards, its key registered as a secret', () => {
    const iut = playing(load(base(FGW)), 'forwarding-gateway');
    assert.deepEqual(iut.declares, { transports: ['starttls'], clientCertificates: 'required', relayDomains: ['mail.example'] });
    assert.equal(iut.forwardsTo.port, 2526);
    assert.ok(runSecrets().includes(iut.clientCertificate!.keyPem));
  });

  const bad: Array<[string, string, RegExp]> = [
    ['no forwardsTo (where the harness receives what it forwards)', FGW.replace('  forwardsTo: { port: 2526 }\n', ''), /iut\.forwardsTo/],
    ['a declared transport without its port', FGW.replace('transports: [starttls]', 'transports: [starttls, implicit-tls]'), /iut\.ports\.smtps: required, the forwarding-gateway declares implicit-tls/],
    ['client certificates required without the one it accepts', FGW.replace('  clientCertificate: { cert: client.pem, key: client.key }\n', ''), /iut\.clientCertificate: required, the forwarding-gateway declares it requires client certificates/],
    ['an IMAP port', FGW.replace('ports: { smtp: 2525 }', 'ports: { smtp: 2525, imap: 143 }'), /iut\.ports: Unrecognized key/i],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`refuses ${what} with one line naming the field`, () => {
      assert.throws(
        () => load(base(yaml)),
        (e: Error) => e instanceof ProfileError && expected.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

describe('iut section of a Non-OMA VM Service or a peer EVVM Server', () => {
  const section = (role: string) => `  role: ${role}
  host: 127.0.0.1
  servername: ${role}.example
  ports: { smtp: 2525 }
  trustAnchor: ca.pem
  clientCertificate: { cert: client.pem, key: client.key }
  declares: { transports: [starttls], relayDomains: [legacy-vm.example] }
  send: { command: [swaks, --server, '{host}:{port}', --to, '{to}', --data, '@{messageFile}'] }
`;

  it('a good section resolves: what it declares and its send trigger (default timeout), its key registered as a secret', () => {
    const vm = playing(load(base(section('non-oma-vm'))), 'non-oma-vm');
    assert.deepEqual(vm.send, { command: ['swaks', '--server', '{host}:{port}', '--to', '{to}', '--data', '@{messageFile}'], timeoutMs: 20_000 });
    assert.ok(runSecrets().includes(vm.clientCertificate!.keyPem));
    const peer = playing(load(base(section('evvm-server-peer').replace(/  send: .*\n/, ''))), 'evvm-server-peer');
    assert.equal(peer.send, undefined);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a send trigger with an unknown placeholder', section('non-oma-vm').replace("'{to}'", "'{password}'"), /iut\.send\.command: unknown placeholder \{password\}/],
    ['an empty send trigger', section('evvm-server-peer').replace(/command: \[.*\]/, 'command: []'), /iut\.send\.command/],
    ['a Forwarding Gateway field', section('evvm-server-peer') + '  forwardsTo: { port: 2526 }\n', /Unrecognized key/i],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`refuses ${what} with one line naming the field`, () => {
      assert.throws(
        () => load(base(yaml)),
        (e: Error) => e instanceof ProfileError && expected.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});

describe("iut section of an EVVM Server's interworking interfaces", () => {
  const IW = `  role: evvm-server-interworking
  host: 127.0.0.1
  servername: evvm-server.op.example
  ports: { smtp: 2525 }
  trustAnchor: ca.pem
  clientCertificate: { cert: client.pem, key: client.key }
  links:
    nonOmaVm:
      clientCertificate: { cert: client.pem, key: client.key }
`;

  it('a good section resolves: a link without ports uses iut.ports, every key it names is a secret', () => {
    const iut = playing(load(base(IW)), 'evvm-server-interworking');
    assert.deepEqual(iut.links.nonOmaVm!.ports, { smtp: 2525 });
    assert.equal(iut.links.forwardingGateway, undefined);
    assert.ok(runSecrets().includes(iut.links.nonOmaVm!.clientCertificate.keyPem));
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a link with empty ports', IW.replace('    nonOmaVm:\n', '    nonOmaVm:\n      ports: {}\n'), /iut\.links\.nonOmaVm\.ports: needs smtp/],
    ['a link without the certificate it presents', IW.replace(/      clientCertificate: .*\n/, '      ports: { smtp: 2526 }\n'), /iut\.links\.nonOmaVm\.clientCertificate/],
    ['a link the role has no party for', IW.replace('    nonOmaVm:', '    deposit:'), /Unrecognized key/i],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`refuses ${what} with one line naming the field`, () => {
      assert.throws(
        () => load(base(yaml)),
        (e: Error) => e instanceof ProfileError && expected.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});
