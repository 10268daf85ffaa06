import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  CERTIFICATE_FLAWS,
  DEFAULT_LEAVES,
  generateTestPki,
  sharedTestPki,
  type LeafSpec,
  type TestPki,
} from '../../simulators/crypto/pki';
import { x509 } from '../../simulators/crypto/pki/x509';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----\n/g) ?? [];
}

/** Node's subjectAltName string for a spec, in x509's encoding order (dns, ip, email, uri). */
function expectedSan(spec: LeafSpec): string {
  return [
    ...(spec.dns ?? []).map((v) => `DNS:${v}`),
    ...(spec.ip ?? []).map((v) => `IP Address:${v}`),
    ...(spec.email ?? []).map((v) => `email:${v}`),
    ...(spec.uri ?? []).map((v) => `URI:${v}`),
  ].join(', ');
}

let pki: TestPki;

// The generation time is printed, never asserted: timing does not decide a test (bench/ holds figures).
test('the default PKI generates, and says how long it took', async (t) => {
  const started = performance.now();
  // The first call in a process generates (DEFAULT_LEAVES); later calls share it (last test).
  pki = await sharedTestPki();
  const elapsed = performance.now() - started;
  const certificates = 3 + DEFAULT_LEAVES.length * (1 + CERTIFICATE_FLAWS.length);
  t.diagnostic(`test PKI: ${certificates} certificates and 2 CRLs in ${elapsed.toFixed(0)} ms`);
  console.log(`test PKI generation: ${elapsed.toFixed(0)} ms for ${certificates} certificates`);
  assert.ok(pki.leaves.size >= DEFAULT_LEAVES.length);
});

test('hierarchy: root -> issuing CA, and a separate rogue root', () => {
  const root = new X509Certificate(pki.rootPem);
  const intermediate = new X509Certificate(pki.intermediatePem);
  const rogue = new X509Certificate(pki.untrustedRootPem);
  assert.equal(pki.trustAnchorPem, pki.rootPem);
  assert.match(root.subject, /CN=EVVM Test Root CA/);
  assert.equal(root.subject, root.issuer);
  assert.ok(root.verify(root.publicKey));
  assert.match(intermediate.subject, /CN=EVVM Test Issuing CA/);
  assert.ok(intermediate.checkIssued(root) && intermediate.verify(root.publicKey));
  assert.ok(root.ca && intermediate.ca && rogue.ca);
  assert.match(rogue.subject, /CN=Rogue Root CA/);
  assert.ok(rogue.verify(rogue.publicKey));
  assert.ok(!intermediate.verify(rogue.publicKey));
  assert.equal(root.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('every default leaf: names, usage, validity, key and chain', () => {
  const intermediate = new X509Certificate(pki.intermediatePem);
  const now = Date.now();
  assert.deepEqual([...pki.leaves.keys()].sort(), DEFAULT_LEAVES.map((s) => s.name).sort());
  for (const spec of DEFAULT_LEAVES) {
    const credential = pki.leaf(spec.name);
    const cert = new X509Certificate(credential.certPem);
    assert.equal(credential.name, spec.name);
    assert.equal(credential.subject, `CN=${spec.name}, O=EVVM Test PKI`);
    assert.equal(credential.fingerprint256, cert.fingerprint256);
    assert.equal(credential.serialNumber, cert.serialNumber);
    assert.equal(cert.subjectAltName, expectedSan(spec), spec.name);
    assert.deepEqual(cert.keyUsage, [spec.usage === 'server' ? SERVER_AUTH : CLIENT_AUTH]);
    assert.ok(!cert.ca);
    assert.ok(cert.checkIssued(intermediate) && cert.verify(intermediate.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(credential.keyPem)));
    const validFrom = Date.parse(cert.validFrom);
    const validTo = Date.parse(cert.validTo);
    assert.ok(validFrom <= now - 59 * 60_000 && validFrom >= now - 61 * 60_000);
    assert.ok(Math.abs(validTo - (now + 30 * 86_400_000)) < 120_000);
    // chain: leaf then issuing CA, each PEM ending in a newline so concatenation stays valid
    assert.deepEqual(splitPem(credential.chainPem), [credential.certPem, pki.intermediatePem]);
    assert.match(credential.keyPem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
  }
  const leafKu = new x509.X509Certificate(pki.leaf('evvm-server').certPem).getExtension(x509.KeyUsagesExtension);
  assert.equal(leafKu?.usages, x509.KeyUsageFlags.digitalSignature);
});

test('bad twins carry exactly their one flaw', () => {
  const intermediate = new X509Certificate(pki.intermediatePem);
  const rogue = new X509Certificate(pki.untrustedRootPem);
  const now = Date.now();
  for (const spec of DEFAULT_LEAVES) {
    const good = new X509Certificate(pki.leaf(spec.name).certPem);
    for (const flaw of CERTIFICATE_FLAWS) {
      const credential = pki.bad(spec.name, flaw);
      assert.equal(credential.name, `${spec.name}:${flaw}`);
      assert.equal(pki.bad(spec.name, flaw), credential, 'cached: same object on every call');
      const cert = new X509Certificate(credential.certPem);
      assert.notEqual(cert.serialNumber, good.serialNumber);
      assert.equal(credential.fingerprint256, cert.fingerprint256);
      assert.ok(cert.checkPrivateKey(createPrivateKey(credential.keyPem)));
      const issuer = flaw === 'untrusted-ca' ? rogue : intermediate;
      assert.ok(cert.checkIssued(issuer) && cert.verify(issuer.publicKey), `${credential.name} issuer`);
      assert.equal(
        cert.subjectAltName,
        flaw === 'wrong-host' ? 'DNS:attacker.example' : good.subjectAltName,
        `${credential.name} names`,
      );
      const swapped = spec.usage === 'server' ? CLIENT_AUTH : SERVER_AUTH;
      assert.deepEqual(cert.keyUsage, flaw === 'wrong-eku' ? [swapped] : good.keyUsage, `${credential.name} EKU`);
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      if (flaw === 'expired') assert.ok(to < now - 23 * 3_600_000 && to > now - 25 * 3_600_000);
      else if (flaw === 'not-yet-valid') assert.ok(from > now + 23 * 3_600_000 && from < now + 25 * 3_600_000);
      else assert.ok(from < now && to > now, `${credential.name} is currently valid`);
      // the rogue hierarchy has no intermediate: its leaf is presented alone
      assert.equal(credential.chainPem, flaw === 'untrusted-ca' ? credential.certPem : credential.certPem + pki.intermediatePem);
    }
  }
});

test('CRLs: root and issuing CA, PEM label X509 CRL, every revoked twin and nothing else', async () => {
  const pems = splitPem(pki.crlPem);
  assert.equal(pems.length, 2);
  assert.deepEqual(pems, pki.crls);
  for (const pem of pems) assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
  const [rootCrl, intermediateCrl] = pems.map((pem) => new x509.X509Crl(pem)) as [x509.X509Crl, x509.X509Crl];
  const root = new x509.X509Certificate(pki.rootPem);
  const intermediate = new x509.X509Certificate(pki.intermediatePem);
  assert.equal(rootCrl.issuer, root.subject);
  assert.equal(intermediateCrl.issuer, intermediate.subject);
  assert.ok(await rootCrl.verify({ publicKey: root }));
  assert.ok(await intermediateCrl.verify({ publicKey: intermediate }));
  assert.equal(rootCrl.entries.length, 0);
  assert.equal(intermediateCrl.entries.length, DEFAULT_LEAVES.length);
  for (const spec of DEFAULT_LEAVES) {
    assert.ok(intermediateCrl.findRevoked(new x509.X509Certificate(pki.bad(spec.name, 'revoked').certPem)));
    assert.equal(intermediateCrl.findRevoked(new x509.X509Certificate(pki.leaf(spec.name).certPem)), null);
  }
});

test('leaf() and bad() name what is missing', () => {
  assert.throws(() => pki.leaf('nobody'), /no leaf 'nobody'.*evvm-server/);
  assert.throws(() => pki.bad('nobody', 'expired'), /no leaf 'nobody'/);
  assert.throws(() => pki.bad('evvm-server', 'stale' as never), /unknown certificate flaw 'stale'/);
});

test('custom leaves: commonName overrides the name, bad specs are refused', async () => {
  const custom = await generateTestPki({
    leaves: [{ name: 'voicemail', usage: 'server', commonName: 'vm.op.example', dns: ['vm.op.example'] }],
  });
  const cert = new X509Certificate(custom.leaf('voicemail').certPem);
  assert.match(cert.subject, /^CN=vm.op.example$/m);
  assert.equal(cert.subjectAltName, 'DNS:vm.op.example');
  assert.equal(splitPem(custom.crlPem).length, 2);
  await assert.rejects(generateTestPki({ leaves: [{ name: '../x', usage: 'server' }] }), /must match/);
  await assert.rejects(
    generateTestPki({ leaves: [{ name: 'a', usage: 'client' }, { name: 'a', usage: 'server' }] }),
    /given twice/,
  );
});

test('sharedTestPki: one PKI per process', async () => {
  const [a, b] = await Promise.all([sharedTestPki(), sharedTestPki()]);
  assert.equal(a, b);
  assert.equal(a, pki);
});
