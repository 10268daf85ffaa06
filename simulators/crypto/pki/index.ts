export type { Credential, LeafUsage, LeafSpec, CertificateFlaw, TestPki } from './types';
export {
  generateTestPki,
  DEFAULT_LEAVES,
  CERTIFICATE_FLAWS,
  WRONG_HOST,
  ROOT_CA_NAME,
  ISSUING_CA_NAME,
  ROGUE_ROOT_CA_NAME,
  twinName,
  type TestPkiOptions,
} from './generate';
export { clientCaPem } from './trust';
export { writePki, type WritePkiOptions, type PkiIndex, type PkiIndexEntry, type PkiFileKind } from './write';
export { sharedTestPki } from './shared';
export {
  generateSmimePki,
  smimePkiFor,
  sharedSmimePki,
  generatedSmimePki,
  smimeTwinName,
  DEFAULT_SMIME_LEAVES,
  SMIME_FLAWS,
  SMIME_CA_NAME,
  OTHER_IDENTITY,
  type SmimePki,
  type SmimeLeafSpec,
  type SmimeFlaw,
  type SmimeUsage,
  type SmimeKeyAlgorithm,
} from './smime';
