/**
 * A throwaway ECDSA P-256 PKI for the IMAP server tests (the project's PKI lives in
 * simulators/crypto/pki; these tests stay independent of it): a trusted root that issues the server and
 * client leaves, a CRL revoking one client, an expired client, and a client from an untrusted root.
 */
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface TestCert {
  certPem: string;
  keyPem: string;
  fingerprint256: string;
}

export interface TestPkiFiles {
  caPem: string;
  crlPem: string;
  untrustedCaPem: string;
  server: TestCert;
  /** mapped to mailbox alice by SAN URI tel:+15550001 */
  alice: TestCert;
  bob: TestCert;
  expired: TestCert;
  revoked: TestCert;
  untrusted: TestCert;
}

async function keys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(k: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', k), 'PRIVATE KEY');
}

async function root(name: string): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const k = await keys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ALG,
    keys: k,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey),
    ],
  });
  return { cert, keys: k };
}

let serial = 0x100;

async function leaf(
  ca: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  cn: string,
  usage: 'server' | 'client',
  san: Array<{ type: 'dns' | 'ip' | 'url' | 'email'; value: string }>,
  validity: { from: Date; to: Date } = { from: new Date(Date.now() - DAY), to: new Date(Date.now() + 30 * DAY) },
): Promise<TestCert & { serial: string }> {
  const k = await keys();
  const s = (serial++).toString(16);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: s,
    subject: `CN=${cn}`,
    issuer: ca.cert.subject,
    notBefore: validity.from,
    notAfter: validity.to,
    signingAlgorithm: ALG,
    publicKey: k.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(san),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const der = Buffer.from(cert.rawData);
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(k.privateKey), fingerprint256: new X509Certificate(der).fingerprint256, serial: s };
}

let cached: Promise<TestPkiFiles> | undefined;

export function testPki(): Promise<TestPkiFiles> {
  cached ??= (async () => {
    const ca = await root('CN=EVVM Test Root');
    const rogue = await root('CN=Rogue Root');
    const server = await leaf(ca, 'evvm-server.op.example', 'server', [
      { type: 'dns', value: 'evvm-server.op.example' },
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]);
    const alice = await leaf(ca, 'alice', 'client', [{ type: 'url', value: 'tel:+15550001' }]);
    const bob = await leaf(ca, 'bob', 'client', [{ type: 'url', value: 'tel:+15550002' }]);
    const expired = await leaf(ca, 'alice-expired', 'client', [{ type: 'url', value: 'tel:+15550001' }], {
      from: new Date(Date.now() - 10 * DAY),
      to: new Date(Date.now() - 2 * DAY),
    });
    const revoked = await leaf(ca, 'alice-revoked', 'client', [{ type: 'url', value: 'tel:+15550001' }]);
    const untrusted = await leaf(rogue, 'alice-rogue', 'client', [{ type: 'url', value: 'tel:+15550001' }]);
    const crl = await x509.X509CrlGenerator.create({
      issuer: ca.cert.subject,
      thisUpdate: new Date(Date.now() - DAY),
      nextUpdate: new Date(Date.now() + 30 * DAY),
      entries: [{ serialNumber: revoked.serial, revocationDate: new Date(Date.now() - DAY), reason: x509.X509CrlReason.keyCompromise }],
      signingAlgorithm: ALG,
      signingKey: ca.keys.privateKey,
    });
    return {
      caPem: ca.cert.toString('pem') + '\n',
      crlPem: x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n',
      untrustedCaPem: rogue.cert.toString('pem') + '\n',
      server,
      alice,
      bob,
      expired,
      revoked,
      untrusted,
    };
  })();
  return cached;
}
