/**
 * CMS and S/MIME for voicemail contents (EVVM-CONT-01..04): hand-written DER, Node crypto for every
 * primitive, node-forge only for PKCS#1 v1.5 decryption (refused by Node 20). See
 * docs/content-security.md for the key model and ../shared/notes/stack.md §2.4 for why.
 */
export * from './errors';
export { DerError, decode, type Node } from './der';
export { OID, oidName } from './oids';
export { ALGORITHM_SUITES, schemeFor, signatureAlgorithmName, type AlgorithmSuite, type SignatureScheme } from './algorithms';
export { parseCertificate, certificatesFromPem, pemToDers, keyIdentifier, type Certificate, type KeyUsageName, type SubjectAltNames } from './certificate';
export { parseCrl, crlsFromPem, validatePath, type Crl, type TrustStore, type PathResult, type PathProblem, type PathProblemCode } from './path';
export {
  createSignedData,
  parseSignedData,
  checkSigner,
  findSignerCertificate,
  attributeValue,
  attribute,
  type Signer,
  type SignOptions,
  type SignedDataView,
  type SignerInfoView,
  type SignerCheck,
} from './signed-data';
export {
  createEnvelope,
  parseEnvelope,
  openEnvelope,
  suiteEnvelopeOptions,
  type EnvelopeOptions,
  type EnvelopeView,
  type DecryptionKey,
  type Opened,
  type OpenOptions,
  type ContentCipher,
  type KeyTransport,
} from './envelope';
export { createAuthenticatedData, openAuthenticatedData, type AuthenticatedDataView } from './authenticated-data';
export * from './mime';
export { PROTECTED_HEADERS, secureHeaderFieldsAttribute, readSecureHeaderFields, compareSecuredHeaders, type SecureHeaderFields, type HeaderMismatch } from './secure-headers';
export { buildVoicemail, voicemailContent, partKind, messageId, PART_KINDS, type VoicemailSpec, type PartKind, type VoicemailContent } from './voicemail';
export {
  protectVoicemail,
  signEntity,
  envelopeEntity,
  envelopeParts,
  pkcs7MimeEntity,
  multipartSignedEntity,
  inspectProtection,
  type ProtectOptions,
  type Protected,
  type ProtectionLayout,
  type EnvelopeFacts,
  type SmimeType,
} from './smime';
export { loadKey, type KeyMaterial } from './keys';
export { DEFAULT_CONTENT_POLICY, ENCRYPTION_MODES, type ContentPolicy, type EncryptionMode } from './policy';
