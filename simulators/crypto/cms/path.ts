/**
 * Signer certificate checks for CMS: CRL parsing, path building to a trust anchor, and the checks a
 * relying party makes on the path at a given time (the signing time): signatures, CA constraints,
 * validity and revocation. Node verifies certificates only inside TLS and @peculiar/x509 builds paths
 * without checking dates or revocation (stack.md §2.4), so this is written out; `openssl verify`
 * and `openssl cms -verify` are its oracles in tests/cms.
 */
import { child, decode, expect, integerBytes, octets, readOid, readSmallInt, readTime, TAG, type Node } from './der';
import { readAlgorithm, verifySignature, type AlgorithmId } from './algorithms';
import { nameText, pemToDers, type Certificate } from './certificate';
import { OID } from './oids';

export interface RevokedEntry {
  serial: Buffer;
  revocationDate: Date;
  /** CRLReason code; undefined when the entry carries none */
  reason?: number;
}

export interface Crl {
  der: Buffer;
  tbs: Buffer;
  issuer: Buffer;
  issuerText: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: RevokedEntry[];
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
}

const REASON_KEY_COMPROMISE = 1;
const REASON_CA_COMPROMISE = 2;

function readEntry(node: Node): RevokedEntry {
  const entry: RevokedEntry = { serial: integerBytes(child(node, 0, 'revoked entry')), revocationDate: readTime(child(node, 1, 'revoked entry')) };
  const exts = node.children[2];
  for (const ext of exts?.children ?? []) {
    if (readOid(child(ext, 0, 'entry extension')) !== OID.crlReason) continue;
    entry.reason = readSmallInt(decode(octets(ext.children[ext.children.length - 1]!)));
  }
  return entry;
}

export function parseCrl(der: Buffer): Crl {
  const list = expect(decode(der), TAG.SEQUENCE, 'CertificateList');
  const tbs = expect(child(list, 0, 'CertificateList'), TAG.SEQUENCE, 'TBSCertList');
  let i = 0;
  if (tbs.children[0]?.tag === TAG.INTEGER) i++;
  i++; // signature algorithm
  const issuer = expect(child(tbs, i++, 'TBSCertList'), TAG.SEQUENCE, 'CRL issuer');
  const thisUpdate = readTime(child(tbs, i++, 'TBSCertList'));
  const crl: Crl = {
    der,
    tbs: tbs.raw,
    issuer: issuer.raw,
    issuerText: nameText(issuer),
    thisUpdate,
    revoked: [],
    signatureAlgorithm: readAlgorithm(child(list, 1, 'CertificateList')),
    signature: expect(child(list, 2, 'CertificateList'), TAG.BIT_STRING, 'CRL signature').content.subarray(1),
  };
  const next = tbs.children[i];
  if (next && (next.tag === TAG.UTC_TIME || next.tag === TAG.GENERALIZED_TIME)) {
    crl.nextUpdate = readTime(next);
    i++;
  }
  const entries = tbs.children[i];
  if (entries && entries.tag === TAG.SEQUENCE) crl.revoked = entries.children.map(readEntry);
  return crl;
}

export function crlsFromPem(pem: string): Crl[] {
  return pemToDers(pem, 'X509 CRL').map(parseCrl);
}

/** What a relying party trusts: anchors, the CRLs it has (from distribution points in real life). */
export interface TrustStore {
  anchors: readonly Certificate[];
  crls: readonly Crl[];
}

export type PathProblemCode = 'untrusted' | 'bad-ca' | 'expired' | 'not-yet-valid' | 'revoked' | 'revocation-unknown';

export interface PathProblem {
  code: PathProblemCode;
  /** the certificate concerned, for people */
  subject: string;
  detail: string;
}

export interface PathResult {
  /** leaf first, trust anchor last; ends early when no issuer was found */
  chain: Certificate[];
  trusted: boolean;
  problems: PathProblem[];
  /** revocation status of each non-anchor certificate, leaf first */
  revocation: Array<{ subject: string; status: 'good' | 'revoked' | 'unknown'; detail: string }>;
}

const MAX_PATH = 6;

function issuedBy(cert: Certificate, issuer: Certificate): boolean {
  return cert.issuer.equals(issuer.subject) && verifySignature(cert.signatureAlgorithm, cert.tbs, cert.signature, issuer.publicKey);
}

/**
 * Builds the path from `leaf` through `intermediates` to an anchor and checks it at `at`. Every
 * problem is listed (not only the first), so a report can say everything that is wrong and a
 * deliberately broken client (a fault) can ignore exactly one kind.
 */
export function validatePath(leaf: Certificate, intermediates: readonly Certificate[], trust: TrustStore, at: Date, now = new Date()): PathResult {
  const chain: Certificate[] = [leaf];
  const problems: PathProblem[] = [];
  let trusted = false;
  let current = leaf;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    const anchor = trust.anchors.find((a) => a.der.equals(current.der) || issuedBy(current, a));
    if (anchor) {
      if (!anchor.der.equals(current.der)) chain.push(anchor);
      trusted = true;
      break;
    }
    const next = intermediates.find((c) => !chain.includes(c) && issuedBy(current, c));
    if (!next) break;
    if (!next.isCa || (next.keyUsage && !next.keyUsage.has('keyCertSign'))) {
      problems.push({ code: 'bad-ca', subject: next.subjectText, detail: 'issues certificates but is not a CA (basicConstraints/keyCertSign)' });
    }
    chain.push(next);
    current = next;
  }
  if (!trusted) {
    const top = chain[chain.length - 1]!;
    problems.push({ code: 'untrusted', subject: top.subjectText, detail: `no path to a trust anchor (issuer ${top.issuerText} unknown or its signature does not verify)` });
  }
  for (const c of chain) {
    if (at < c.notBefore) problems.push({ code: 'not-yet-valid', subject: c.subjectText, detail: `not valid before ${c.notBefore.toISOString()} (checked at ${at.toISOString()})` });
    if (at > c.notAfter) problems.push({ code: 'expired', subject: c.subjectText, detail: `expired ${c.notAfter.toISOString()} (checked at ${at.toISOString()})` });
  }
  const revocation: PathResult['revocation'] = [];
  // Every certificate with a known issuer (the next in the chain) needs that issuer's current CRL; the
  // top of an untrusted chain has none, and 'untrusted' already says all there is to say about it.
  for (let k = 0; k < chain.length - 1; k++) {
    const cert = chain[k]!;
    const issuer = chain[k + 1];
    const status = revocationStatus(cert, issuer, trust.crls, at, now);
    revocation.push({ subject: cert.subjectText, ...status });
    if (status.status === 'revoked') problems.push({ code: 'revoked', subject: cert.subjectText, detail: status.detail });
    if (status.status === 'unknown') problems.push({ code: 'revocation-unknown', subject: cert.subjectText, detail: status.detail });
  }
  return { chain, trusted, problems, revocation };
}

function revocationStatus(cert: Certificate, issuer: Certificate | undefined, crls: readonly Crl[], at: Date, now: Date): { status: 'good' | 'revoked' | 'unknown'; detail: string } {
  if (!issuer) return { status: 'unknown', detail: 'issuer unknown, no CRL can be checked' };
  const crl = crls.find((l) => l.issuer.equals(cert.issuer) && verifySignature(l.signatureAlgorithm, l.tbs, l.signature, issuer.publicKey));
  if (!crl) return { status: 'unknown', detail: `no CRL signed by ${issuer.subjectText}` };
  if (crl.nextUpdate && crl.nextUpdate < now) return { status: 'unknown', detail: `the CRL of ${crl.issuerText} is stale (nextUpdate ${crl.nextUpdate.toISOString()})` };
  const entry = crl.revoked.find((e) => e.serial.equals(cert.serial));
  if (!entry) return { status: 'good', detail: `not listed in the CRL of ${crl.issuerText} (thisUpdate ${crl.thisUpdate.toISOString()})` };
  // A key compromise voids every signature; otherwise a signature made before revocation stands.
  const compromised = entry.reason === undefined || entry.reason === 0 || entry.reason === REASON_KEY_COMPROMISE || entry.reason === REASON_CA_COMPROMISE;
  if (compromised || entry.revocationDate <= at) {
    return { status: 'revoked', detail: `revoked ${entry.revocationDate.toISOString()} (reason ${entry.reason ?? 'unspecified'}) by ${crl.issuerText}` };
  }
  return { status: 'good', detail: `revoked ${entry.revocationDate.toISOString()}, after the signing time, for reason ${entry.reason}` };
}
