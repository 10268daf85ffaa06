/**
 * Algorithm identifiers and the Node crypto calls behind them: digests, signatures (RSA PKCS#1 v1.5,
 * RSASSA-PSS, ECDSA) for SignedData and X.509, and the two algorithm suites the content policy names.
 */
import { constants, createHash, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { algorithm, DerError, explicit, integer, nul, readOid, readSmallInt, seq, isContext, type Node } from './der';
import { OID, oidName } from './oids';

/**
 * The content-protection algorithm suites (selectable by policy):
 * - modern: AES-256-GCM in AuthEnvelopedData (RFC 5083), RSAES-OAEP with SHA-256 or ECDH (RFC 5753)
 *   for key management, RSASSA-PSS (or ECDSA) with SHA-256 for signatures;
 * - classic: AES-256-CBC in EnvelopedData, RSA PKCS#1 v1.5 key transport and signatures, SHA-256,
 *   for peers that predate RFC 8551.
 */
export type AlgorithmSuite = 'modern' | 'classic';
export const ALGORITHM_SUITES: readonly AlgorithmSuite[] = ['modern', 'classic'];

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGESTS: Record<string, DigestName> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export const DIGEST_OID: Record<DigestName, string> = { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

export interface AlgorithmId {
  oid: string;
  /** the parameters element, when present (NULL included) */
  params?: Node;
}

export function readAlgorithm(node: Node): AlgorithmId {
  if (node.tag !== 0x30 || node.children.length === 0) throw new DerError('AlgorithmIdentifier: not a SEQUENCE');
  const params = node.children[1];
  return { oid: readOid(node.children[0]!), ...(params ? { params } : {}) };
}

export function digestName(oid: string): DigestName {
  const d = DIGESTS[oid];
  if (!d) throw new DerError(`unsupported digest algorithm ${oidName(oid)}`);
  return d;
}

export function digest(name: DigestName, data: Buffer): Buffer {
  return createHash(name).update(data).digest();
}

export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** The signature scheme a suite uses with a key: ECDSA for EC keys whatever the suite. */
export function schemeFor(suite: AlgorithmSuite, key: KeyObject): SignatureScheme {
  if (key.asymmetricKeyType === 'ec') return 'ecdsa';
  return suite === 'modern' ? 'rsa-pss' : 'rsa-pkcs1';
}

/** RSASSA-PSS-params for SHA-256, MGF1-SHA-256, 32-byte salt (RFC 4056 §3, as OpenSSL writes them). */
function pssParams(): Buffer {
  const sha256 = algorithm(OID.sha256);
  return seq(explicit(0, sha256), explicit(1, algorithm(OID.mgf1, sha256)), explicit(2, integer(32)));
}

export function signatureAlgorithmId(scheme: SignatureScheme): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return algorithm(OID.sha256WithRSAEncryption, nul());
    case 'rsa-pss':
      return algorithm(OID.rsassaPss, pssParams());
    case 'ecdsa':
      return algorithm(OID.ecdsaWithSHA256);
  }
}

export function signData(scheme: SignatureScheme, data: Buffer, key: KeyObject): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return nodeSign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'rsa-pss':
      return nodeSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ecdsa':
      return nodeSign('sha256', data, { key, dsaEncoding: 'der' });
  }
}

interface PssParams {
  hash: DigestName;
  saltLength: number;
}

function readPssParams(params: Node | undefined): PssParams {
  // Defaults of RFC 4055: SHA-1, MGF1-SHA-1, salt 20.
  let hash: DigestName = 'sha1';
  let mgfHash: DigestName = 'sha1';
  let saltLength = 20;
  for (const c of params?.children ?? []) {
    const inner = c.children[0];
    if (!inner) throw new DerError('RSASSA-PSS-params: empty field');
    if (isContext(c, 0)) hash = digestName(readAlgorithm(inner).oid);
    else if (isContext(c, 1)) {
      const mgf = readAlgorithm(inner);
      if (mgf.oid !== OID.mgf1 || !mgf.params) throw new DerError('RSASSA-PSS: only MGF1 is supported');
      mgfHash = digestName(readAlgorithm(mgf.params).oid);
    } else if (isContext(c, 2)) saltLength = readSmallInt(inner);
  }
  if (mgfHash !== hash) throw new DerError('RSASSA-PSS: MGF1 hash differs from the message hash');
  return { hash, saltLength };
}

/** A readable name for an algorithm in reports, PSS with its hash. */
export function signatureAlgorithmName(alg: AlgorithmId): string {
  if (alg.oid === OID.rsassaPss) {
    try {
      return `RSASSA-PSS (${readPssParams(alg.params).hash})`;
    } catch {
      return 'RSASSA-PSS (unreadable parameters)';
    }
  }
  return oidName(alg.oid);
}

/**
 * Verifies a signature of `data`. `digestOid` is the SignerInfo's digest algorithm, needed when the
 * signature algorithm is bare rsaEncryption (as OpenSSL writes it). Never throws: malformed keys,
 * parameters or signatures are simply not valid.
 */
export function verifySignature(alg: AlgorithmId, data: Buffer, signature: Buffer, key: KeyObject, digestOid?: string): boolean {
  try {
    switch (alg.oid) {
      case OID.rsaEncryption:
        return nodeVerify(digestName(digestOid ?? OID.sha256), data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case OID.sha256WithRSAEncryption:
        return nodeVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case OID.sha384WithRSAEncryption:
        return nodeVerify('sha384', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case OID.sha512WithRSAEncryption:
        return nodeVerify('sha512', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case OID.rsassaPss: {
        const p = readPssParams(alg.params);
        return nodeVerify(p.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature);
      }
      case OID.ecdsaWithSHA256:
        return nodeVerify('sha256', data, { key, dsaEncoding: 'der' }, signature);
      case OID.ecdsaWithSHA384:
        return nodeVerify('sha384', data, { key, dsaEncoding: 'der' }, signature);
      case OID.ecdsaWithSHA512:
        return nodeVerify('sha512', data, { key, dsaEncoding: 'der' }, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Whether an algorithm identifier names a signature at all (a MAC or anything else is not one). */
export function isSignatureAlgorithm(oid: string): boolean {
  const known: string[] = [
    OID.rsaEncryption,
    OID.sha256WithRSAEncryption,
    OID.sha384WithRSAEncryption,
    OID.sha512WithRSAEncryption,
    OID.rsassaPss,
    OID.ecdsaWithSHA256,
    OID.ecdsaWithSHA384,
    OID.ecdsaWithSHA512,
  ];
  return known.includes(oid);
}
