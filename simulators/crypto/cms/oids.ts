/** Object identifiers of CMS (RFC 5652, 5083, 5753, 4056, 8017, 7508) and X.509 used by this module. */
export const OID = {
  // content types
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authData: '1.2.840.113549.1.9.16.1.2',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  secureHeaderFields: '1.2.840.113549.1.9.16.2.55',
  // digests and MACs
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  hmacWithSHA256: '1.2.840.113549.2.9',
  // signatures
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  rsaesOaep: '1.2.840.113549.1.1.7',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  // key agreement (RFC 5753)
  dhSinglePassStdDHsha256kdf: '1.3.132.1.11.1',
  // content encryption and key wrap
  aes128CBC: '2.16.840.1.101.3.4.1.2',
  aes192CBC: '2.16.840.1.101.3.4.1.22',
  aes256CBC: '2.16.840.1.101.3.4.1.42',
  desEde3CBC: '1.2.840.113549.3.7',
  aes128GCM: '2.16.840.1.101.3.4.1.6',
  aes192GCM: '2.16.840.1.101.3.4.1.26',
  aes256GCM: '2.16.840.1.101.3.4.1.46',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  // X.509 extensions and EKUs
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlReason: '2.5.29.21',
  anyExtendedKeyUsage: '2.5.29.37.0',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  commonName: '2.5.4.3',
} as const;

const NAMES = new Map<string, string>(Object.entries(OID).map(([k, v]) => [v, k]));

/** A readable name for transcripts: the OID's name here, else the dotted form. */
export function oidName(oid: string): string {
  return NAMES.get(oid) ?? oid;
}
