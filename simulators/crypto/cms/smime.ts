/**
 * S/MIME (RFC 8551) around a voicemail: sign, then encrypt the whole entity (EVVM-CONT-01) or chosen
 * parts of it (EVVM-CONT-02), and read the layout back without keys (what a store or an observer sees).
 *
 * Shapes produced (the message headers From, To, Date, Subject, Message-ID, Message-Context and
 * Content-Duration always stay outside, in clear, as VVM listing needs them):
 *   signed:      multipart/signed [ voicemail entity, application/pkcs7-signature ]   (or opaque signed-data)
 *   whole:       application/pkcs7-mime; smime-type=authEnveloped-data|enveloped-data  ( signed entity )
 *   parts:       multipart/signed [ voicemail entity with each chosen part replaced by
 *                application/pkcs7-mime (enveloped part), signature over the plaintext entity ]
 * Signatures are over plaintext (sign, then encrypt: RFC 8551 §3.7), so the intended recipient
 * decrypts first and verifies what it decrypted.
 */
import {
  base64Lines,
  buildEntity,
  contentTypeOf,
  decodedBody,
  joinMessage,
  multipartBody,
  parseEntity,
  partEntities,
  randomBoundary,
  splice,
  splitMessage,
  MAX_MIME_DEPTH,
  type Entity,
  type HeaderField,
} from './mime';
import { decode, readOid, child, DerError } from './der';
import { schemeFor, type AlgorithmSuite } from './algorithms';
import type { Certificate } from './certificate';
import { createEnvelope, parseEnvelope, suiteEnvelopeOptions, keyManagementName } from './envelope';
import { createSignedData, parseSignedData, type Signer } from './signed-data';
import { createAuthenticatedData } from './authenticated-data';
import { secureHeaderFieldsAttribute } from './secure-headers';
import { partKind, type PartKind } from './voicemail';
import { CmsError } from './errors';
import { OID, oidName } from './oids';

export type SmimeType = 'enveloped-data' | 'authEnveloped-data' | 'signed-data' | 'authenticated-data';

/** application/pkcs7-mime around a CMS object. ('authenticated-data' is not a registered smime-type [I]; readers go by the CMS content type.) */
export function pkcs7MimeEntity(der: Buffer, smimeType: SmimeType): Buffer {
  return buildEntity(
    [
      ['Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"`],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7m"'],
    ],
    base64Lines(der),
  );
}

/** multipart/signed (RFC 8551 §3.5.3): the signed entity's exact bytes, then the detached signature. */
export function multipartSignedEntity(signedEntity: Buffer, signatureDer: Buffer): Buffer {
  const boundary = randomBoundary('signed');
  const signature = buildEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name="smime.p7s"'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    base64Lines(signatureDer),
  );
  return buildEntity(
    [['Content-Type', `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`]],
    multipartBody(boundary, [signedEntity, signature]),
  );
}

const isPkcs7Mime = (mime: string): boolean => mime === 'application/pkcs7-mime' || mime === 'application/x-pkcs7-mime';
const isPkcs7Signature = (mime: string): boolean => mime === 'application/pkcs7-signature' || mime === 'application/x-pkcs7-signature';

export interface SignEntityOptions {
  suite: AlgorithmSuite;
  /** the message header fields to secure (RFC 7508); none when undefined */
  headers?: readonly HeaderField[];
  signingTime?: Date | null;
  form?: 'detached' | 'opaque';
}

/** Signs an entity; returns the signed entity (multipart/signed, or application/pkcs7-mime signed-data). */
export function signEntity(entity: Buffer, signer: Signer, options: SignEntityOptions): Buffer {
  const signedAttributes = options.headers ? [secureHeaderFieldsAttribute(options.headers)] : [];
  const detached = (options.form ?? 'detached') === 'detached';
  const der = createSignedData(entity, signer, {
    scheme: schemeFor(options.suite, signer.key),
    detached,
    ...(options.signingTime !== undefined ? { signingTime: options.signingTime } : {}),
    signedAttributes,
  });
  return detached ? multipartSignedEntity(entity, der) : pkcs7MimeEntity(der, 'signed-data');
}

export function envelopeEntity(entity: Buffer, recipients: readonly Certificate[], suite: AlgorithmSuite): Buffer {
  const options = suiteEnvelopeOptions(suite);
  return pkcs7MimeEntity(createEnvelope(entity, recipients, options), options.contentCipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data');
}

/**
 * Replaces every leaf part of a chosen kind by an envelope of its exact bytes, descending through
 * multipart/signed and multipart/mixed; signatures and parts already protected are left alone.
 */
export function envelopeParts(entity: Buffer, kinds: readonly PartKind[], recipients: readonly Certificate[], suite: AlgorithmSuite): { entity: Buffer; count: number } {
  let count = 0;
  const walk = (raw: Buffer, depth: number): Buffer => {
    const e = parseEntity(raw);
    const mime = contentTypeOf(e).mime;
    if (mime.startsWith('multipart/') && depth < MAX_MIME_DEPTH) {
      let out = raw;
      const parts = partEntities(e);
      // From the last part back, so the ranges of the earlier ones stay valid.
      for (let i = parts.length - 1; i >= 0; i--) {
        const p = parts[i]!;
        if (mime === 'multipart/signed' && i > 0) continue; // the signature
        const part = raw.subarray(p.range.start, p.range.end);
        const replaced = walk(part, depth + 1);
        if (replaced !== part) out = splice(out, p.range, replaced);
      }
      return out;
    }
    if (isPkcs7Mime(mime) || isPkcs7Signature(mime)) return raw;
    const kind = partKind(e);
    if (kind === 'other' || !kinds.includes(kind)) return raw;
    count++;
    return envelopeEntity(raw, recipients, suite);
  };
  const result = walk(entity, 0);
  return { entity: result, count };
}

export interface ProtectOptions {
  suite: AlgorithmSuite;
  encryption: 'whole' | 'parts' | 'none';
  /** the kinds of content encrypted in 'parts' mode */
  parts?: readonly PartKind[];
  /** the devices that may read it */
  recipients: readonly Certificate[];
  /** who signs; undefined: no signature */
  signer?: Signer;
  /** protect with a MAC (AuthenticatedData) instead of a signature: integrity without non-repudiation */
  mac?: boolean;
  signingTime?: Date | null;
  /** secure the message header fields in the signature (RFC 7508); default true */
  protectHeaders?: boolean;
  signatureForm?: 'detached' | 'opaque';
}

export interface Protected {
  raw: Buffer;
  /** parts enveloped in 'parts' mode */
  encryptedParts: number;
}

/** Sign (or MAC), then encrypt, a voicemail message per `options`. */
export function protectVoicemail(raw: Buffer, options: ProtectOptions): Protected {
  const { outer, entity } = splitMessage(raw);
  let inner = entity;
  if (options.signer) {
    inner = signEntity(entity, options.signer, {
      suite: options.suite,
      ...(options.protectHeaders === false ? {} : { headers: outer }),
      ...(options.signingTime !== undefined ? { signingTime: options.signingTime } : {}),
      form: options.signatureForm ?? 'detached',
    });
  } else if (options.mac) {
    inner = pkcs7MimeEntity(createAuthenticatedData(entity, options.recipients), 'authenticated-data');
  }
  let encryptedParts = 0;
  if (options.encryption === 'whole') inner = envelopeEntity(inner, options.recipients, options.suite);
  else if (options.encryption === 'parts') {
    const r = envelopeParts(inner, options.parts ?? ['audio'], options.recipients, options.suite);
    if (r.count === 0) throw new CmsError('unsupported', 'no part of the chosen kinds can be encrypted individually (none present, or inside an opaque signature)');
    inner = r.entity;
    encryptedParts = r.count;
  }
  return { raw: joinMessage(withMimeVersion(outer), inner), encryptedParts };
}

function withMimeVersion(outer: readonly HeaderField[]): HeaderField[] {
  if (outer.some((h) => h.name.toLowerCase() === 'mime-version')) return [...outer];
  return [...outer, { name: 'MIME-Version', value: '1.0', raw: 'MIME-Version: 1.0\r\n' }];
}

// ---------------------------------------------------------------------------------------------
// Layout without keys: what the message store holds and an observer can see

export interface EnvelopeFacts {
  /** where: 'message' or a part path like 'message/1/2' */
  at: string;
  type: 'enveloped' | 'authEnveloped';
  contentEncryption: string;
  recipients: Array<{ issuer?: Buffer; serialHex?: string; keyIdHex?: string; keyManagement: string }>;
}

export interface ProtectionLayout {
  /** what the message body is at the top */
  top: 'envelope' | 'signed-data' | 'multipart/signed' | 'authenticated-data' | 'clear' | 'unreadable';
  envelopes: EnvelopeFacts[];
  /** leaf parts anyone can read */
  clearParts: Array<{ at: string; mime: string; kind: PartKind | 'other' }>;
  signatures: Array<{ at: string; form: 'detached' | 'opaque' }>;
  macs: string[];
  /** why the layout could not be read entirely */
  error?: string;
}

function envelopeFacts(at: string, contentInfo: ReturnType<typeof decode>): EnvelopeFacts {
  const v = parseEnvelope(contentInfo);
  return {
    at,
    type: v.type,
    contentEncryption: oidName(v.contentEncryption.oid),
    recipients: v.recipientInfos.flatMap((info) =>
      info.recipients.map((r) => ({
        ...(r.rid.kind === 'issuerAndSerial' ? { issuer: r.rid.issuer, serialHex: r.rid.serial.toString('hex').toUpperCase() } : { keyIdHex: r.rid.keyId.toString('hex') }),
        keyManagement: keyManagementName(info),
      })),
    ),
  };
}

/** Reads how a message is protected, without any key. */
export function inspectProtection(raw: Buffer): ProtectionLayout {
  const layout: ProtectionLayout = { top: 'clear', envelopes: [], clearParts: [], signatures: [], macs: [] };
  const walk = (e: Entity, at: string, depth: number): void => {
    if (depth > MAX_MIME_DEPTH) throw new CmsError('malformed', 'MIME nested too deep');
    const mime = contentTypeOf(e).mime;
    const top = depth === 0;
    if (isPkcs7Mime(mime)) {
      const ci = decode(decodedBody(e));
      const type = readOid(child(ci, 0, 'ContentInfo'));
      if (type === OID.envelopedData || type === OID.authEnvelopedData) {
        layout.envelopes.push(envelopeFacts(at, ci));
        if (top) layout.top = 'envelope';
      } else if (type === OID.signedData) {
        layout.signatures.push({ at, form: 'opaque' });
        if (top) layout.top = 'signed-data';
        const sd = parseSignedData(ci);
        if (sd.eContent) walk(parseEntity(sd.eContent), `${at}/signed`, depth + 1);
      } else if (type === OID.authData) {
        layout.macs.push(at);
        if (top) layout.top = 'authenticated-data';
      } else throw new DerError(`unexpected CMS content type ${oidName(type)}`);
      return;
    }
    if (mime.startsWith('multipart/')) {
      if (mime === 'multipart/signed') {
        layout.signatures.push({ at, form: 'detached' });
        if (top) layout.top = 'multipart/signed';
      }
      partEntities(e).forEach((p, i) => {
        if (mime === 'multipart/signed' && i > 0) return;
        walk(p.entity, `${at}/${i + 1}`, depth + 1);
      });
      return;
    }
    if (isPkcs7Signature(mime)) return;
    layout.clearParts.push({ at, mime, kind: partKind(e) });
  };
  try {
    walk(parseEntity(raw), 'message', 0);
  } catch (err) {
    layout.error = (err as Error).message;
    if (layout.envelopes.length === 0 && layout.signatures.length === 0) layout.top = 'unreadable';
  }
  return layout;
}
