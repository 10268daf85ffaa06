/**
 * The test PKI a run generates for itself (no key material lives in git): a root CA, an intermediate
 * that issues every leaf, a certificate per role, and the bad ones that negative scenarios present.
 */
export interface Credential {
  /** what the certificate is for, e.g. 'evvm-server', 'evvm-client', 'bad-server:expired' */
  name: string;
  /** the leaf alone */
  certPem: string;
  /** leaf then issuing intermediate, joined with '\n': what a TLS peer presents */
  chainPem: string;
  /** PKCS#8 private key (test key; never written to a report) */
  keyPem: string;
  subject: string;
  /** as Node's X509Certificate.fingerprint256 prints it */
  fingerprint256: string;
  serialNumber: string;
}

export type LeafUsage = 'server' | 'client';

export interface LeafSpec {
  name: string;
  usage: LeafUsage;
  commonName?: string;
  dns?: string[];
  ip?: string[];
  email?: string[];
  uri?: string[];
}

/** The flaws a bad certificate carries; each breaks exactly one property of an otherwise good leaf. */
export type CertificateFlaw = 'untrusted-ca' | 'expired' | 'not-yet-valid' | 'wrong-host' | 'wrong-eku' | 'revoked';

export interface TestPki {
  rootPem: string;
  intermediatePem: string;
  /** what a relying party trusts: the root */
  trustAnchorPem: string;
  /**
   * CRLs of root and intermediate concatenated, as `openssl verify -CRLfile` wants them. Not for Node's
   * `crl` option: from one string it loads only the first CRL (then UNABLE_TO_GET_CRL); use `crls`.
   */
  crlPem: string;
  /** the same CRLs one per entry: pass this to Node's `crl` option, which wants one for every CA in the chain */
  crls: readonly string[];
  /** the root of the untrusted (rogue) hierarchy */
  untrustedRootPem: string;
  /** good leaves by LeafSpec name */
  leaves: ReadonlyMap<string, Credential>;
  leaf(name: string): Credential;
  /**
   * A bad twin of a good leaf: same names and usage, one flaw. 'wrong-host' keeps the usage but names
   * only attacker.example; 'wrong-eku' swaps serverAuth and clientAuth; 'revoked' is listed in the CRL.
   */
  bad(leafName: string, flaw: CertificateFlaw): Credential;
}
