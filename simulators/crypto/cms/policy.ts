/**
 * The service provider's policy for voicemail contents (EVVM-CONT-01..04), shared by the EVVM Server
 * (what it applies on deposit) and the EVVM Client (what it insists on before playing).
 */
import type { AlgorithmSuite } from './algorithms';
import type { PartKind } from './voicemail';

export type EncryptionMode = 'whole' | 'parts' | 'none';
export const ENCRYPTION_MODES: readonly EncryptionMode[] = ['whole', 'parts', 'none'];

export interface ContentPolicy {
  /** encrypt the whole voicemail (EVVM-CONT-01), chosen parts (EVVM-CONT-02), or nothing */
  encryption: EncryptionMode;
  /** the parts encrypted in 'parts' mode */
  parts: PartKind[];
  /** the algorithm suites allowed; the first is used to protect, the others are accepted */
  algorithms: AlgorithmSuite[];
  /** every voicemail must carry a valid signature (EVVM-CONT-03) */
  signatureRequired: boolean;
  /**
   * the signature must give non-repudiation (EVVM-CONT-04): an asymmetric signature with a signing
   * time, by a certificate with nonRepudiation bound to the originator or to the depositing EVVM Server
   */
  nonRepudiation: boolean;
}

export const DEFAULT_CONTENT_POLICY: ContentPolicy = {
  encryption: 'whole',
  parts: ['audio'],
  algorithms: ['modern', 'classic'],
  signatureRequired: true,
  nonRepudiation: true,
};
