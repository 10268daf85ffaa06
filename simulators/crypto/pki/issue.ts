/**
 * Small certificate-issuing core over @peculiar/x509: ECDSA P-256 keys (generation takes well under a
 * millisecond, unlike RSA), CA and leaf certificates with the extensions OpenSSL and Node's TLS check,
 * and CRLs in the PEM form OpenSSL accepts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { x509, webcrypto } from './x509';
import type { Credential, LeafUsage } from './types';

type KeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A CA that can sign: its certificate and key pair. */
export interface Authority {
  cert: x509.X509Certificate;
  keys: KeyPair;
}

/** A freshly issued certificate with its key pair, before it is turned into a Credential. */
export interface Issued {
  cert: x509.X509Certificate;
  keys: KeyPair;
}

export async function newKeyPair(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** 16 random bytes, positive as an ASN.1 INTEGER and without a leading zero byte (RFC 5280 §4.1.2.2). */
export function newSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** PEM with exactly one trailing newline, so PEMs can be concatenated safely (x509 omits it). */
export function normalizePem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trimEnd() + '\n';
}

export function certificatePem(cert: x509.X509Certificate): string {
  return normalizePem(cert.toString('pem'));
}

export async function privateKeyPem(keys: KeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return normalizePem(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

function subjectKeyId(cert: x509.X509Certificate): string {
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error(`issuer ${cert.subject} has no SubjectKeyIdentifier`);
  return ski.keyId;
}

export interface CaParams {
  /** distinguished name, e.g. [{ CN: ['EVVM Test Root CA'] }, { O: ['EVVM Test PKI'] }] */
  subject: x509.JsonName;
  /** absent: self-signed root */
  issuer?: Authority;
  /** BasicConstraints pathLenConstraint; absent: unlimited */
  pathLength?: number;
  notBefore: Date;
  notAfter: Date;
}

export async function issueCa(params: CaParams): Promise<Authority> {
  const keys = await newKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, params.pathLength, true),
    // cRLSign: OpenSSL refuses CRLs signed by a CA without it when -crl_check is on.
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (params.issuer) extensions.push(new x509.AuthorityKeyIdentifierExtension(subjectKeyId(params.issuer.cert)));
  const common = {
    serialNumber: newSerialNumber(),
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  };
  const cert = params.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: new x509.Name(params.subject),
        issuer: params.issuer.cert.subjectName,
        publicKey: keys.publicKey,
        signingKey: params.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: new x509.Name(params.subject), keys });
  return { cert, keys };
}

export interface EndEntityParams {
  subject: x509.JsonName;
  issuer: Authority;
  /** the subject's public key: a WebCrypto key, or SPKI DER from a key made elsewhere */
  publicKey: webcrypto.CryptoKey | ArrayBuffer;
  /** x509.KeyUsageFlags, combined */
  keyUsage: number;
  /** extended key usage OIDs (x509.ExtendedKeyUsage) */
  extendedKeyUsage: string[];
  /** no SubjectAlternativeName extension when empty (RFC 5280 §4.2.1.6 allows no empty one) */
  subjectAltNames: x509.JsonGeneralName[];
  notBefore: Date;
  notAfter: Date;
}

/** A certificate that is not a CA's: the TLS leaves and the S/MIME ones, each with its own usages. */
export async function issueEndEntity(params: EndEntityParams): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(params.keyUsage, true),
    new x509.ExtendedKeyUsageExtension(params.extendedKeyUsage, false),
    await x509.SubjectKeyIdentifierExtension.create(params.publicKey),
    new x509.AuthorityKeyIdentifierExtension(subjectKeyId(params.issuer.cert)),
  ];
  if (params.subjectAltNames.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(params.subjectAltNames, false));
  }
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: new x509.Name(params.subject),
    issuer: params.issuer.cert.subjectName,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    publicKey: params.publicKey,
    signingKey: params.issuer.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
}

export interface LeafParams {
  subject: x509.JsonName;
  issuer: Authority;
  /** which extended key usage the leaf carries: serverAuth or clientAuth */
  usage: LeafUsage;
  subjectAltNames: x509.JsonGeneralName[];
  notBefore: Date;
  notAfter: Date;
}

/** A TLS leaf with a fresh key pair. */
export async function issueLeaf(params: LeafParams): Promise<Issued> {
  const { usage, ...names } = params;
  const keys = await newKeyPair();
  const cert = await issueEndEntity({
    ...names,
    publicKey: keys.publicKey,
    // digitalSignature is all an ECDSA key needs for (EC)DHE TLS, as server or as client.
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
  });
  return { cert, keys };
}

export interface CrlParams {
  issuer: Authority;
  /** hexadecimal serial numbers to list, all with reason keyCompromise */
  revoked: readonly string[];
  revocationDate: Date;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** A v2 CRL as PEM labelled 'X509 CRL' (x509's own toString('pem') writes 'CRL', which OpenSSL and Node reject). */
export async function issueCrlPem(params: CrlParams): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: params.issuer.cert.subjectName,
    thisUpdate: params.thisUpdate,
    nextUpdate: params.nextUpdate,
    entries: params.revoked.map((serialNumber) => ({
      serialNumber,
      revocationDate: params.revocationDate,
      reason: x509.X509CrlReason.keyCompromise,
    })),
    extensions: [
      new x509.AuthorityKeyIdentifierExtension(subjectKeyId(params.issuer.cert)),
      // cRLNumber (RFC 5280 §5.2.3, MUST for conforming CAs): INTEGER 1; one CRL per CA per run.
      new x509.Extension('2.5.29.20', false, new Uint8Array([0x02, 0x01, 0x01])),
    ],
    signingKey: params.issuer.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  return normalizePem(x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
}

/** As Node's X509Certificate.fingerprint256 and getPeerCertificate() print it (parsing with Node costs more). */
export function fingerprint256(cert: x509.X509Certificate): string {
  const hex = createHash('sha256').update(new Uint8Array(cert.rawData)).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/** Turns an issued leaf into the Credential peers use; `chain` follows the leaf (issuing CA first). */
export function toCredential(name: string, cert: x509.X509Certificate, chain: readonly x509.X509Certificate[], keyPem: string): Credential {
  const certPem = certificatePem(cert);
  return {
    name,
    certPem,
    chainPem: [certPem, ...chain.map(certificatePem)].join(''),
    keyPem,
    subject: cert.subject,
    fingerprint256: fingerprint256(cert),
    // Node prints serials in upper case; ours never start with a zero byte (newSerialNumber).
    serialNumber: cert.serialNumber.toUpperCase(),
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A leaf's dates: from an hour ago for 30 days; an 'expired' one ended yesterday, a 'not-yet-valid' one
 * starts tomorrow. The CAs (caValidity) cover all of them, so a twin's dates are its only date problem.
 */
export function leafValidity(now: number, flaw?: string): { notBefore: Date; notAfter: Date } {
  if (flaw === 'expired') return { notBefore: new Date(now - 31 * DAY), notAfter: new Date(now - DAY) };
  if (flaw === 'not-yet-valid') return { notBefore: new Date(now + DAY), notAfter: new Date(now + 31 * DAY) };
  return { notBefore: new Date(now - HOUR), notAfter: new Date(now + 30 * DAY) };
}

export function caValidity(now: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now - 60 * DAY), notAfter: new Date(now + 365 * DAY) };
}

/** The dates of every CRL of a run: revocations half an hour old, issued five minutes ago, good for 30 days. */
export function crlDates(now: number): Pick<CrlParams, 'revocationDate' | 'thisUpdate' | 'nextUpdate'> {
  return { revocationDate: new Date(now - 30 * 60_000), thisUpdate: new Date(now - 5 * 60_000), nextUpdate: new Date(now + 30 * DAY) };
}
