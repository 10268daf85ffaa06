/**
 * The EVVM Client's content security (EVVM-CONT-01..04): it decrypts, checks integrity, verifies the
 * signature, the signer's chain, key usage, validity at the signing time and revocation, the signer's
 * identity against the originator, and the signed header fields; then it plays the voicemail, or
 * reports it instead of playing it.
 *
 * Order: decrypt, then verify (the signature is over plaintext, RFC 8551 §3.7). Every problem is
 * collected rather than stopping at the first, so a report says everything that is wrong. Each fault
 * switch (simulators/faults.ts) turns off exactly one rule, written next to that rule.
 */
import {
  checkSigner,
  attributeValue,
  canonicalCrlf,
  CmsError,
  compareSecuredHeaders,
  contentTypeOf,
  decode,
  decodedBody,
  headerValue,
  isContentHeader,
  joinMessage,
  OID,
  oidName,
  openAuthenticatedData,
  openEnvelope,
  parseEntity,
  parseEnvelope,
  parseSignedData,
  partEntities,
  partKind,
  readSecureHeaderFields,
  signatureAlgorithmName,
  splice,
  splitMessage,
  validatePath,
  voicemailContent,
  MAX_MIME_DEPTH,
  type Certificate,
  type ContentPolicy,
  type DecryptionKey,
  type Entity,
  type HeaderField,
  type SignedDataView,
  type TrustStore,
  type AlgorithmSuite,
} from '../../crypto/cms';
import { readOid, child } from '../../crypto/cms/der';
import { sameIdentifier } from '../../evvm-server/identifiers';
import type { FaultSet } from '../../fault-set';
import { EVVM_CLIENT_FAULTS } from '../faults';
import type { ContentProblem, ContentProblemCode, ContentReport, SignatureSeen } from './report';

export interface OpenVoicemailOptions {
  /** this device's decryption keys */
  deviceKeys: readonly DecryptionKey[];
  trust: TrustStore;
  policy: ContentPolicy;
  /** the EVVM Server's identity: the name its TLS certificate proved to this client */
  evvmServerIdentity: string;
  /** evvm-client:* fault switches */
  faults?: Iterable<string>;
  /** try every recipient info with every key (what a holder of another key would do) */
  trial?: boolean;
  now?: Date;
}

/** Signing times this far ahead of the client's clock are implausible. */
const CLOCK_SKEW_MS = 5 * 60_000;

const isPkcs7Mime = (m: string): boolean => m === 'application/pkcs7-mime' || m === 'application/x-pkcs7-mime';
const isPkcs7Signature = (m: string): boolean => m === 'application/pkcs7-signature' || m === 'application/x-pkcs7-signature';

/** Which suite an algorithm belongs to, for the policy's allowed suites. */
function suiteOf(name: string): AlgorithmSuite | undefined {
  if (/GCM|Oaep|RSASSA-PSS|ECDH|ecdsa/i.test(name)) return 'modern';
  if (/CBC|rsaEncryption|WithRSAEncryption/i.test(name)) return 'classic';
  return undefined;
}

class Opener {
  readonly report: ContentReport = { verdict: 'reported', problems: [], encryptedWhole: false, envelopes: [], parts: [], signatures: [], macs: [], readable: {} };
  private readonly faults: FaultSet<'evvm-client'>;
  private readonly now: Date;
  private outer: HeaderField[] = [];
  private algorithms = new Set<string>();

  constructor(private readonly o: OpenVoicemailOptions) {
    this.faults = EVVM_CLIENT_FAULTS.among(o.faults);
    this.now = o.now ?? new Date();
  }

  problem(code: ContentProblemCode, detail: string): void {
    if (!this.report.problems.some((p) => p.code === code && p.detail === detail)) this.report.problems.push({ code, detail } satisfies ContentProblem);
  }

  open(raw: Buffer): ContentReport {
    let plain: Buffer | undefined;
    try {
      const split = splitMessage(raw);
      this.outer = split.outer;
      plain = this.unwrap(split.entity, 'message', 0, false);
    } catch (err) {
      this.problem('malformed', (err as Error).message);
    }
    this.checkPolicy();
    if (plain) {
      try {
        const content = voicemailContent(plain);
        if (content.audio) this.report.readable.audio = content.audio;
        if (content.transcription !== undefined) this.report.readable.transcription = content.transcription;
      } catch (err) {
        // A device that skips integrity checks would play this garbage; a conformant one has already reported it.
        this.problem('malformed', `the decrypted voicemail does not parse: ${(err as Error).message}`);
      }
    } else {
      this.readableClearParts(raw);
    }
    if (this.report.problems.length === 0) {
      this.report.verdict = 'play';
      if (plain) this.report.voicemail = joinMessage(this.outer.filter((h) => !isContentHeader(h)), plain);
    }
    return this.report;
  }

  /** What anyone can read of a voicemail this device cannot fully open: its parts in clear. */
  private readableClearParts(raw: Buffer): void {
    try {
      const clear = voicemailContentOfClearParts(raw);
      Object.assign(this.report.readable, clear);
    } catch {
      // nothing readable
    }
  }

  /**
   * Removes the protection layers of an entity and returns the plaintext entity (with enveloped parts
   * spliced back), or undefined when something could not be decrypted.
   */
  private unwrap(raw: Buffer, at: string, depth: number, encrypted: boolean): Buffer | undefined {
    if (depth > MAX_MIME_DEPTH) throw new CmsError('malformed', 'MIME nested too deep');
    const e = parseEntity(raw);
    const mime = contentTypeOf(e).mime;
    if (isPkcs7Mime(mime)) return this.unwrapCms(e, at, depth, encrypted);
    if (mime === 'multipart/signed') return this.unwrapSigned(e, raw, at, depth, encrypted);
    if (mime.startsWith('multipart/')) {
      let out: Buffer | undefined = raw;
      const parts = partEntities(e);
      for (let i = parts.length - 1; i >= 0; i--) {
        const p = parts[i]!;
        const part = raw.subarray(p.range.start, p.range.end);
        const plain = this.unwrap(part, `${at}/${i + 1}`, depth + 1, encrypted);
        if (plain === undefined) out = undefined;
        else if (out !== undefined && plain !== part) out = splice(out, p.range, plain);
      }
      return out;
    }
    if (!isPkcs7Signature(mime)) this.report.parts.push({ at, mime, kind: partKind(e), encrypted });
    return raw;
  }

  private unwrapCms(e: Entity, at: string, depth: number, encrypted: boolean): Buffer | undefined {
    const ci = decode(decodedBody(e));
    const type = readOid(child(ci, 0, 'ContentInfo'));
    if (type === OID.envelopedData || type === OID.authEnvelopedData) {
      const view = parseEnvelope(ci);
      if (depth === 0) this.report.encryptedWhole = true;
      const seen: ContentReport['envelopes'][number] = { at, type: view.type, contentEncryption: oidName(view.contentEncryption.oid), opened: false };
      this.report.envelopes.push(seen);
      this.algorithms.add(seen.contentEncryption);
      try {
        // FAULT evvm-client:skip-integrity-check (EVVM-CONT-01, EVVM-CONT-02, EVVM-CONT-03): GCM plaintext is used even when its tag fails.
        const opened = openEnvelope(view, this.o.deviceKeys, { trial: this.o.trial === true, ignoreAuthTag: this.faults.has('evvm-client:skip-integrity-check') });
        seen.opened = true;
        seen.keyManagement = opened.keyManagement;
        this.algorithms.add(opened.keyManagement);
        if (opened.authenticated !== undefined) seen.authenticated = opened.authenticated;
        return this.unwrap(opened.content, `${at}/decrypted`, depth + 1, true);
      } catch (err) {
        if (!(err instanceof CmsError)) throw err;
        seen.error = err.message;
        this.problem(err.code === 'integrity' ? 'integrity' : err.code === 'malformed' ? 'malformed' : 'cannot-decrypt', `${at}: ${err.message}`);
        return undefined;
      }
    }
    if (type === OID.signedData) {
      const sd = parseSignedData(ci);
      if (!sd.eContent) throw new CmsError('malformed', `${at}: opaque signed-data without content`);
      const plain = this.unwrap(sd.eContent, `${at}/signed`, depth + 1, encrypted);
      this.verify(sd, sd.eContent, at, 'opaque');
      return plain;
    }
    if (type === OID.authData) {
      try {
        const mac = openAuthenticatedData(ci, this.o.deviceKeys);
        this.report.macs.push({ at, algorithm: mac.macAlgorithm, valid: mac.macValid });
        // FAULT evvm-client:skip-integrity-check (EVVM-CONT-01, EVVM-CONT-02, EVVM-CONT-03): a MAC that does not verify is not looked at.
        if (!mac.macValid && !this.faults.has('evvm-client:skip-integrity-check')) this.problem('integrity', `${at}: the MAC does not verify`);
        return this.unwrap(mac.content, `${at}/authenticated`, depth + 1, encrypted);
      } catch (err) {
        if (!(err instanceof CmsError)) throw err;
        this.report.macs.push({ at, algorithm: 'unknown', valid: false });
        this.problem('cannot-decrypt', `${at}: ${err.message}`);
        return undefined;
      }
    }
    throw new CmsError('unsupported', `${at}: CMS content type ${oidName(type)}`);
  }

  private unwrapSigned(e: Entity, raw: Buffer, at: string, depth: number, encrypted: boolean): Buffer | undefined {
    const parts = partEntities(e);
    const signed = parts[0];
    const signature = parts[1];
    if (!signed || !signature || !isPkcs7Signature(contentTypeOf(signature.entity).mime)) throw new CmsError('malformed', `${at}: multipart/signed without its two parts`);
    // Decrypt, then verify: the signature covers the plaintext of any part enveloped after signing.
    const signedBytes = raw.subarray(signed.range.start, signed.range.end);
    const plain = this.unwrap(signedBytes, `${at}/1`, depth + 1, encrypted);
    const sd = parseSignedData(decode(decodedBody(signature.entity)));
    if (plain) this.verify(sd, plain, at, 'detached');
    else {
      // Signed, but over content this device could not decrypt: nothing to verify (cannot-decrypt says why).
      const si = sd.signerInfos[0];
      this.report.signatures.push({ at, form: 'detached', algorithm: si ? signatureAlgorithmName(si.signatureAlgorithm) : 'unknown', digestMatches: false, signatureValid: false, chain: [], trusted: false, revocation: [], keyUsage: [], securedHeaders: [] });
    }
    return plain;
  }

  private verify(sd: SignedDataView, content: Buffer, at: string, form: 'detached' | 'opaque'): void {
    const si = sd.signerInfos[0];
    if (!si) {
      this.problem('signature-invalid', `${at}: SignedData without a SignerInfo`);
      return;
    }
    let check = checkSigner(sd, si, content);
    let canonicalised = false;
    if (!check.digestMatches && form === 'detached') {
      // RFC 8551 §3.1.1: the signed form is canonical CRLF; some writers send bare LF.
      const crlf = canonicalCrlf(content);
      if (crlf !== content) {
        const again = checkSigner(sd, si, crlf);
        if (again.digestMatches) {
          check = again;
          canonicalised = true;
        }
      }
    }
    const algorithm = signatureAlgorithmName(si.signatureAlgorithm);
    this.algorithms.add(algorithm);
    const seen: SignatureSeen = {
      at,
      form,
      algorithm,
      digestMatches: check.digestMatches,
      signatureValid: check.signatureValid,
      chain: [],
      trusted: false,
      revocation: [],
      keyUsage: [],
      securedHeaders: [],
      ...(canonicalised ? { canonicalised } : {}),
    };
    this.report.signatures.push(seen);
    // FAULT evvm-client:skip-integrity-check (EVVM-CONT-01, EVVM-CONT-02, EVVM-CONT-03): the content is not compared with the signed digest.
    if (!check.digestMatches && !this.faults.has('evvm-client:skip-integrity-check')) this.problem('integrity', `${at}: the content does not match the signed message digest`);
    if (!check.signatureValid) this.problem(check.signer ? 'signature-invalid' : 'signer-unknown', `${at}: ${check.problems.join('; ') || 'the signature does not verify'}`);
    if (!check.contentTypeMatches) this.problem('signature-invalid', `${at}: the contentType attribute does not name the content`);
    const signer = check.signer;
    if (!signer) return;
    seen.signer = { subject: signer.subjectText, issuer: signer.issuerText, serialHex: signer.serialHex, san: [...signer.san.uri, ...signer.san.email.map((x) => `email:${x}`), ...signer.san.dns.map((x) => `dns:${x}`)] };
    if (check.signingTime) seen.signingTime = check.signingTime.toISOString();
    this.checkSigningTime(check.signingTime, at);
    this.checkPath(signer, sd, check.signingTime ?? this.now, seen);
    this.checkKeyUsage(signer, seen);
    this.checkIdentity(signer, seen, at);
    this.checkHeaders(si, seen, at);
  }

  private checkSigningTime(signingTime: Date | undefined, at: string): void {
    if (!this.o.policy.nonRepudiation) return;
    if (!signingTime) this.problem('signing-time', `${at}: no signingTime attribute: the time of signing cannot be shown`);
    else if (signingTime.getTime() > this.now.getTime() + CLOCK_SKEW_MS) this.problem('signing-time', `${at}: signingTime ${signingTime.toISOString()} is in the future`);
  }

  private checkPath(signer: Certificate, sd: SignedDataView, at: Date, seen: SignatureSeen): void {
    const path = validatePath(signer, sd.certificates, this.o.trust, at, this.now);
    seen.chain = path.chain.map((c) => c.subjectText);
    seen.trusted = path.trusted;
    seen.revocation = path.revocation;
    for (const p of path.problems) {
      const detail = `${p.subject}: ${p.detail}`;
      switch (p.code) {
        case 'untrusted':
        case 'bad-ca':
          // FAULT evvm-client:skip-chain-check (EVVM-CONT-04): any issuer will do.
          if (!this.faults.has('evvm-client:skip-chain-check')) this.problem('signer-untrusted', detail);
          break;
        case 'expired':
        case 'not-yet-valid':
          // FAULT evvm-client:skip-validity-check (EVVM-CONT-04): certificate dates are not looked at.
          if (!this.faults.has('evvm-client:skip-validity-check')) this.problem(p.code === 'expired' ? 'signer-expired' : 'signer-not-yet-valid', detail);
          break;
        case 'revoked':
        case 'revocation-unknown':
          // FAULT evvm-client:skip-revocation-check (EVVM-CONT-04): CRLs are not consulted.
          if (!this.faults.has('evvm-client:skip-revocation-check')) this.problem(p.code === 'revoked' ? 'signer-revoked' : 'revocation-unknown', detail);
          break;
      }
    }
  }

  private checkKeyUsage(signer: Certificate, seen: SignatureSeen): void {
    seen.keyUsage = signer.keyUsage ? [...signer.keyUsage] : ['(no KeyUsage extension)'];
    if (signer.extendedKeyUsage) seen.extendedKeyUsage = signer.extendedKeyUsage.map(oidName);
    // FAULT evvm-client:skip-key-usage-check (EVVM-CONT-04): any certificate may sign.
    if (this.faults.has('evvm-client:skip-key-usage-check')) return;
    const ku = signer.keyUsage;
    if (ku && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) this.problem('signer-key-usage', `${signer.subjectText}: KeyUsage ${[...ku].join(', ')} does not allow signing`);
    const eku = signer.extendedKeyUsage;
    if (eku && !eku.includes(OID.emailProtection) && !eku.includes(OID.anyExtendedKeyUsage)) this.problem('signer-key-usage', `${signer.subjectText}: ExtendedKeyUsage ${eku.map(oidName).join(', ')} is not for S/MIME (emailProtection)`);
    if (this.o.policy.nonRepudiation && !(ku?.has('nonRepudiation') ?? false)) {
      this.problem('no-non-repudiation', `${signer.subjectText}: KeyUsage lacks nonRepudiation (contentCommitment): the signer can disown the signature`);
    }
  }

  private checkIdentity(signer: Certificate, seen: SignatureSeen, at: string): void {
    const from = headerValue(this.outer, 'From');
    const originator = from ? addressOf(from) : undefined;
    if (originator) seen.originator = originator;
    const names = [...signer.san.uri, ...signer.san.email.map((m) => `mailto:${m}`)];
    if (originator && names.some((n) => sameIdentifier(n, originator) || sameIdentifier(n, `mailto:${originator}`))) seen.signedBy = 'originator';
    else if (signer.san.dns.some((d) => d.toLowerCase() === this.o.evvmServerIdentity.toLowerCase())) seen.signedBy = 'evvm-server';
    else {
      seen.signedBy = 'other';
      // FAULT evvm-client:skip-signer-identity-check (EVVM-CONT-04): a valid certificate of anyone will do.
      if (!this.faults.has('evvm-client:skip-signer-identity-check')) {
        this.problem('signer-identity', `${at}: signed by ${seen.signer?.san.join(' ') || signer.subjectText}, neither the originator ${originator ?? '(no From)'} nor the EVVM Server ${this.o.evvmServerIdentity}`);
      }
    }
  }

  private checkHeaders(si: SignedDataView['signerInfos'][number], seen: SignatureSeen, at: string): void {
    const attr = attributeValue(si, OID.secureHeaderFields);
    if (!attr) return; // signers that do not secure header fields (RFC 7508 is optional) are not faulted for it
    try {
      const secured = readSecureHeaderFields(attr);
      seen.securedHeaders = secured.fields.map((f) => f.name);
      const mismatches = compareSecuredHeaders(secured, this.outer);
      // FAULT evvm-client:skip-header-check (EVVM-CONT-03): the signed header values are not compared with the message.
      if (mismatches.length > 0 && !this.faults.has('evvm-client:skip-header-check')) {
        this.problem('header-altered', `${at}: ${mismatches.map((m) => `${m.name} is "${m.actual ?? '(missing)'}", signed "${m.signed}"`).join('; ')}`);
      }
    } catch (err) {
      this.problem('malformed', `${at}: unreadable secureHeaderFields attribute (${(err as Error).message})`);
    }
  }

  private checkPolicy(): void {
    const p = this.o.policy;
    // FAULT evvm-client:accept-cleartext (EVVM-CONT-01, EVVM-CONT-02): plays what the policy says must have been encrypted.
    if (!this.faults.has('evvm-client:accept-cleartext')) {
      if (p.encryption === 'whole' && !this.report.encryptedWhole) this.problem('not-encrypted', 'the policy encrypts whole voicemails; this one is not enveloped');
      if (p.encryption !== 'none') {
        const kinds = p.encryption === 'whole' ? ['audio', 'transcription'] : p.parts;
        for (const part of this.report.parts) {
          if (!part.encrypted && kinds.includes(part.kind)) this.problem('part-not-encrypted', `${part.at}: the ${part.kind} part (${part.mime}) is in clear`);
        }
      }
    }
    const signed = this.report.signatures.length > 0;
    // Whether a signature is inside content this device could not decrypt is unknowable: not 'unsigned'.
    const undecrypted = this.report.envelopes.some((e) => !e.opened);
    if (!signed && p.signatureRequired && !undecrypted) {
      const validMac = this.report.macs.some((m) => m.valid);
      // FAULT evvm-client:accept-mac-as-signature (EVVM-CONT-04): a valid MAC is taken as proof of origin.
      if (validMac && this.faults.has('evvm-client:accept-mac-as-signature')) {
        // accepted: integrity between the key holders only, and no proof to anyone else
      } else if (this.report.macs.length > 0) {
        this.problem('mac-not-signature', 'protected by a MAC (AuthenticatedData) only: any holder of the MAC key could have made it, so it proves no origin');
        // FAULT evvm-client:accept-unsigned (EVVM-CONT-03): a missing signature is not noticed.
      } else if (!this.faults.has('evvm-client:accept-unsigned')) {
        this.problem('unsigned', 'the policy requires signed voicemails; this one carries no signature');
      }
    }
    for (const a of this.algorithms) {
      const suite = suiteOf(a);
      if (suite && !p.algorithms.includes(suite)) this.problem('algorithm-not-allowed', `${a} belongs to the ${suite} suite, which the policy does not allow`);
    }
  }
}

/** The address in a From field: 'Dave <tel:+15557777>' → 'tel:+15557777'. */
function addressOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

function voicemailContentOfClearParts(raw: Buffer): { audio?: Buffer; transcription?: string } {
  const out: { audio?: Buffer; transcription?: string } = {};
  const walk = (e: Entity, depth: number): void => {
    const mime = contentTypeOf(e).mime;
    if (mime.startsWith('multipart/') && depth < MAX_MIME_DEPTH) {
      for (const p of partEntities(e)) walk(p.entity, depth + 1);
      return;
    }
    const kind = partKind(e);
    if (kind === 'audio' && !out.audio) out.audio = decodedBody(e);
    if (kind === 'transcription' && out.transcription === undefined) out.transcription = decodedBody(e).toString('utf8').trim();
  };
  walk(parseEntity(raw), 0);
  return out;
}

/** Opens one voicemail as the EVVM Client does before playing it. Never throws. */
export function openVoicemail(raw: Buffer, options: OpenVoicemailOptions): ContentReport {
  return new Opener(options).open(raw);
}
