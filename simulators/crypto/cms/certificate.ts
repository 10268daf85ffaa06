/**
 * The parts of an X.509 certificate the CMS checks need: names (as DER, for issuerAndSerialNumber and
 * path building), validity, public key, KeyUsage bits (Node's X509Certificate cannot show them: its
 * `keyUsage` returns EKU OIDs), EKU, subjectAltName and the key identifiers.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { child, decode, DerError, expect, integerBytes, isContext, octets, readOid, readString, readTime, TAG, type Node } from './der';
import { readAlgorithm, type AlgorithmId } from './algorithms';
import { OID } from './oids';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface SubjectAltNames {
  uri: string[];
  email: string[];
  dns: string[];
}

export interface Certificate {
  der: Buffer;
  tbs: Buffer;
  /** INTEGER magnitude, leading zeros removed */
  serial: Buffer;
  /** upper-case hex, as Node prints serials */
  serialHex: string;
  issuer: Buffer;
  subject: Buffer;
  issuerText: string;
  subjectText: string;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  publicKey: KeyObject;
  keyType: 'rsa' | 'ec' | 'other';
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
  /** undefined when the certificate has no KeyUsage extension */
  keyUsage?: ReadonlySet<KeyUsageName>;
  /** undefined when the certificate has no EKU extension */
  extendedKeyUsage?: readonly string[];
  san: SubjectAltNames;
  isCa: boolean;
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** "CN=EVVM Test Root CA, O=EVVM Test PKI": for people, never for comparisons (those use the DER). */
export function nameText(name: Node): string {
  const parts: string[] = [];
  for (const rdn of name.children) {
    for (const atv of rdn.children) {
      const type = atv.children[0];
      const value = atv.children[1];
      if (!type || !value) continue;
      const oid = readOid(type);
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${readString(value)}`);
    }
  }
  return parts.join(', ');
}

function bitStringBytes(node: Node): Buffer {
  expect(node, TAG.BIT_STRING, 'BIT STRING');
  if (node.content.length === 0) throw new DerError('empty BIT STRING');
  return node.content.subarray(1);
}

function readKeyUsage(value: Buffer): Set<KeyUsageName> {
  const bits = bitStringBytes(decode(value));
  const out = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bits[i >> 3];
    if (byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0) out.add(name);
  });
  return out;
}

function readSan(value: Buffer): SubjectAltNames {
  const san: SubjectAltNames = { uri: [], email: [], dns: [] };
  for (const gn of decode(value).children) {
    const text = gn.content.toString('latin1');
    if (gn.tag === 0x81) san.email.push(text);
    else if (gn.tag === 0x82) san.dns.push(text);
    else if (gn.tag === 0x86) san.uri.push(text);
  }
  return san;
}

export function parseCertificate(der: Buffer): Certificate {
  const cert = expect(decode(der), TAG.SEQUENCE, 'Certificate');
  const tbs = expect(child(cert, 0, 'Certificate'), TAG.SEQUENCE, 'TBSCertificate');
  let i = 0;
  if (tbs.children[0] && isContext(tbs.children[0], 0)) i++;
  const serialNode = child(tbs, i++, 'TBSCertificate');
  i++; // signature algorithm (repeated outside)
  const issuer = expect(child(tbs, i++, 'TBSCertificate'), TAG.SEQUENCE, 'issuer');
  const validity = expect(child(tbs, i++, 'TBSCertificate'), TAG.SEQUENCE, 'validity');
  const subject = expect(child(tbs, i++, 'TBSCertificate'), TAG.SEQUENCE, 'subject');
  const spki = expect(child(tbs, i++, 'TBSCertificate'), TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const serial = integerBytes(serialNode);
  const out: Certificate = {
    der,
    tbs: tbs.raw,
    serial,
    serialHex: serial.toString('hex').toUpperCase(),
    issuer: issuer.raw,
    subject: subject.raw,
    issuerText: nameText(issuer),
    subjectText: nameText(subject),
    notBefore: readTime(child(validity, 0, 'validity')),
    notAfter: readTime(child(validity, 1, 'validity')),
    spki: spki.raw,
    publicKey: createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }),
    keyType: 'other',
    signatureAlgorithm: readAlgorithm(child(cert, 1, 'Certificate')),
    signature: bitStringBytes(child(cert, 2, 'Certificate')),
    san: { uri: [], email: [], dns: [] },
    isCa: false,
  };
  const keyOid = readOid(child(child(spki, 0, 'spki'), 0, 'spki algorithm'));
  out.keyType = keyOid === OID.rsaEncryption ? 'rsa' : keyOid === OID.ecPublicKey ? 'ec' : 'other';
  for (; i < tbs.children.length; i++) {
    const c = tbs.children[i]!;
    if (!isContext(c, 3)) continue;
    for (const ext of expect(child(c, 0, 'extensions'), TAG.SEQUENCE, 'Extensions').children) {
      const id = readOid(child(ext, 0, 'Extension'));
      const value = octets(expect(ext.children[ext.children.length - 1], TAG.OCTET_STRING, 'extnValue'));
      if (id === OID.keyUsage) out.keyUsage = readKeyUsage(value);
      else if (id === OID.extKeyUsage) out.extendedKeyUsage = decode(value).children.map(readOid);
      else if (id === OID.subjectAltName) out.san = readSan(value);
      else if (id === OID.basicConstraints) {
        const bc = decode(value);
        out.isCa = bc.children[0]?.tag === TAG.BOOLEAN && bc.children[0].content[0] !== 0;
      } else if (id === OID.subjectKeyIdentifier) out.subjectKeyId = decode(value).content;
      else if (id === OID.authorityKeyIdentifier) {
        const kid = decode(value).children.find((n) => n.tag === 0x80);
        if (kid) out.authorityKeyId = kid.content;
      }
    }
  }
  return out;
}

/** The key identifier RFC 5280 §4.2.1.2 method 1 computes when a certificate carries none. */
export function keyIdentifier(cert: Certificate): Buffer {
  if (cert.subjectKeyId) return cert.subjectKeyId;
  const spki = decode(cert.spki);
  return createHash('sha1').update(bitStringBytes(child(spki, 1, 'spki'))).digest();
}

/** PEM (one or more certificates) to DER buffers, in order. */
export function pemToDers(pem: string, label = 'CERTIFICATE'): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

export function certificatesFromPem(pem: string): Certificate[] {
  return pemToDers(pem).map(parseCertificate);
}

/** Certificates are the same when their encodings are. */
export function sameCertificate(a: Certificate, b: Certificate): boolean {
  return a.der.equals(b.der);
}
