/**
 * What the EVVM Client concluded about one voicemail's content security: play it, or report it (with
 * every problem found) instead of playing it. The harness judges these observations; the client only
 * reports what it checked.
 */

/** One problem, named for what the user is told; each maps to the requirement it protects. */
export type ContentProblemCode =
  /** unreadable S/MIME or MIME structure */
  | 'malformed'
  /** EVVM-CONT-01: the policy asks for whole-message encryption, the voicemail is not enveloped */
  | 'not-encrypted'
  /** EVVM-CONT-02: a part of a kind the policy encrypts is in clear */
  | 'part-not-encrypted'
  /** EVVM-CONT-01/02: this device's key does not open it */
  | 'cannot-decrypt'
  /** EVVM-CONT-03: the content (or ciphertext, or a MAC) does not verify: altered */
  | 'integrity'
  /** EVVM-CONT-03: the signature's own cryptography fails */
  | 'signature-invalid'
  /** EVVM-CONT-03: a signed message header field was changed */
  | 'header-altered'
  /** EVVM-CONT-03/04: no signature although the policy requires one */
  | 'unsigned'
  /** EVVM-CONT-04: a MAC (AuthenticatedData) where a signature is required */
  | 'mac-not-signature'
  /** EVVM-CONT-04: the signer certificate is not in the message */
  | 'signer-unknown'
  /** EVVM-CONT-04: the signer does not chain to a trust anchor */
  | 'signer-untrusted'
  /** EVVM-CONT-04: a certificate of the path was expired at the signing time */
  | 'signer-expired'
  /** EVVM-CONT-04: a certificate of the path was not yet valid at the signing time */
  | 'signer-not-yet-valid'
  /** EVVM-CONT-04: a certificate of the path is revoked */
  | 'signer-revoked'
  /** EVVM-CONT-04: no current CRL says the certificate is not revoked */
  | 'revocation-unknown'
  /** EVVM-CONT-04: the signer certificate is not for S/MIME signing (KeyUsage, EKU) */
  | 'signer-key-usage'
  /** EVVM-CONT-04: the signer certificate lacks nonRepudiation (contentCommitment) */
  | 'no-non-repudiation'
  /** EVVM-CONT-04: no signing time, or one in the future */
  | 'signing-time'
  /** EVVM-CONT-04: the signer is neither the originator nor the EVVM Server */
  | 'signer-identity'
  /** an algorithm the policy does not allow (downgrade to the classic suite) */
  | 'algorithm-not-allowed';

export interface ContentProblem {
  code: ContentProblemCode;
  detail: string;
}

export interface EnvelopeSeen {
  at: string;
  type: 'enveloped' | 'authEnveloped';
  contentEncryption: string;
  keyManagement?: string;
  /** the GCM tag verified; undefined for CBC */
  authenticated?: boolean;
  opened: boolean;
  error?: string;
}

export interface SignatureSeen {
  at: string;
  form: 'detached' | 'opaque';
  algorithm: string;
  signer?: { subject: string; issuer: string; serialHex: string; san: string[] };
  /** who the signer is in the key model */
  signedBy?: 'originator' | 'evvm-server' | 'other';
  /** the From of the message */
  originator?: string;
  signingTime?: string;
  digestMatches: boolean;
  signatureValid: boolean;
  chain: string[];
  trusted: boolean;
  revocation: Array<{ subject: string; status: string; detail: string }>;
  keyUsage: string[];
  extendedKeyUsage?: string[];
  /** the message header fields the signature secures (RFC 7508) */
  securedHeaders: string[];
  /** the content matched only after canonical CRLF conversion */
  canonicalised?: boolean;
}

export interface ContentReport {
  verdict: 'play' | 'reported';
  problems: ContentProblem[];
  /** the body was one envelope (whole-message encryption) */
  encryptedWhole: boolean;
  envelopes: EnvelopeSeen[];
  /** leaf parts: where, what, and whether they were inside an envelope */
  parts: Array<{ at: string; mime: string; kind: string; encrypted: boolean }>;
  signatures: SignatureSeen[];
  macs: Array<{ at: string; algorithm: string; valid: boolean }>;
  /** the voicemail as the device reconstructs it (message headers + plaintext entity), only when played */
  voicemail?: Buffer;
  /** what this key holder could read, whatever the verdict (to show what a wrong key does not reveal) */
  readable: { audio?: Buffer; transcription?: string };
}

/** One line per fact, for the transcript and for people. */
export function summarise(r: ContentReport): string {
  const bits: string[] = [];
  for (const e of r.envelopes) bits.push(`${e.type === 'authEnveloped' ? 'AuthEnvelopedData' : 'EnvelopedData'} at ${e.at} (${e.contentEncryption}${e.keyManagement ? ', ' + e.keyManagement : ''})${e.opened ? (e.authenticated === false ? ' opened, tag NOT verified' : ' opened') : ` not opened: ${e.error ?? ''}`}`);
  for (const s of r.signatures) {
    bits.push(
      `signature (${s.form}, ${s.algorithm}) by ${s.signer?.subject ?? 'unknown'}${s.signedBy ? ` [${s.signedBy}]` : ''}${s.signingTime ? ` at ${s.signingTime}` : ''}: ` +
        `digest ${s.digestMatches ? 'ok' : 'MISMATCH'}, signature ${s.signatureValid ? 'ok' : 'INVALID'}, chain ${s.trusted ? 'trusted' : 'UNTRUSTED'}, ` +
        `revocation ${s.revocation.map((x) => x.status).join('/') || 'n/a'}, headers secured: ${s.securedHeaders.join(' ') || 'none'}`,
    );
  }
  for (const m of r.macs) bits.push(`MAC (${m.algorithm}) at ${m.at}: ${m.valid ? 'valid' : 'INVALID'}`);
  const clear = r.parts.filter((p) => !p.encrypted).map((p) => `${p.kind} (${p.mime})`);
  if (clear.length) bits.push(`in clear: ${clear.join(', ')}`);
  const verdict = r.verdict === 'play' ? 'played' : `REPORTED instead of played: ${r.problems.map((p) => `${p.code} (${p.detail})`).join('; ')}`;
  return `${bits.join('; ')}${bits.length ? '; ' : ''}${verdict}`;
}
