/**
 * What an attacker with write access to the EVVM Server's message store (an insider, a compromised
 * storage backend) can do to a protected voicemail: the threat end-to-end content security answers.
 * The harness plays this attacker between the EVVM Server's protection and its store; none of it is
 * behaviour of a conformant EVVM Server.
 *
 * The attacker has the recipients' public certificates (they are public) and, for the substitutions,
 * a plaintext voicemail of its own making: here the deposited one, so the client's checks, not the
 * content, are what differ.
 */
import {
  base64Lines,
  contentTypeOf,
  decode,
  decodedBody,
  headerValue,
  joinMessage,
  parseEntity,
  parseEnvelope,
  partEntities,
  partKind,
  protectVoicemail,
  splice,
  splitMessage,
  type AlgorithmSuite,
  type Certificate,
  type Entity,
  type EncryptionMode,
} from '../../crypto/cms';

export type StoreAttack =
  /** flip one byte of the encrypted content (a third into it) */
  | 'flip-ciphertext-byte'
  /** flip one byte of the audio where it is in clear (signed, not encrypted) */
  | 'flip-audio-byte'
  /** change the Content-Duration message header */
  | 'alter-content-duration'
  /** remove the signature (re-enveloping an unsigned voicemail where the signature is inside an envelope) */
  | 'strip-signature'
  /** replace the voicemail by one protected with a MAC instead of a signature */
  | 'mac-instead-of-signature'
  /** put the plaintext of an enveloped part back in its place: a signature over plaintext still verifies */
  | 'decrypt-part-in-place';

export const STORE_ATTACKS: readonly StoreAttack[] = ['flip-ciphertext-byte', 'flip-audio-byte', 'alter-content-duration', 'strip-signature', 'mac-instead-of-signature', 'decrypt-part-in-place'];

export interface AttackContext {
  /** the voicemail as deposited (plaintext) */
  deposited: Buffer;
  /** the mailbox owner's device certificates (public) */
  recipients: readonly Certificate[];
  suite: AlgorithmSuite;
  encryption: EncryptionMode;
}

const isPkcs7Mime = (m: string): boolean => m === 'application/pkcs7-mime' || m === 'application/x-pkcs7-mime';

interface Located {
  /** the byte range of the entity within the message */
  start: number;
  end: number;
  entity: Entity;
}

/** The first entity (depth first, message included) that satisfies `test`, with its range in `raw`. */
function find(raw: Buffer, test: (e: Entity) => boolean): Located | undefined {
  const walk = (start: number, end: number, depth: number): Located | undefined => {
    const entity = parseEntity(raw.subarray(start, end));
    if (test(entity)) return { start, end, entity };
    if (!contentTypeOf(entity).mime.startsWith('multipart/') || depth > 8) return undefined;
    for (const p of partEntities(entity)) {
      const hit = walk(start + p.range.start, start + p.range.end, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(0, raw.length, 0);
}

function replaceBody(raw: Buffer, at: Located, body: Buffer): Buffer {
  return splice(raw, { start: at.start + at.entity.bodyStart, end: at.end }, body);
}

function flipCiphertextByte(raw: Buffer): Buffer {
  const at = find(raw, (e) => isPkcs7Mime(contentTypeOf(e).mime));
  if (!at) throw new Error('flip-ciphertext-byte: the voicemail holds no encrypted content');
  const der = Buffer.from(decodedBody(at.entity));
  const encrypted = parseEnvelope(decode(der)).encryptedContent;
  // A third in: past the MIME headers of the signed entity, inside the audio (CTR and CBC alike).
  const offset = encrypted.byteOffset - der.byteOffset + Math.floor(encrypted.length / 3);
  der[offset] = der[offset]! ^ 0x01;
  return replaceBody(raw, at, base64Lines(der));
}

function flipAudioByte(raw: Buffer): Buffer {
  const at = find(raw, (e) => partKind(e) === 'audio');
  if (!at) throw new Error('flip-audio-byte: no audio part in clear');
  const body = Buffer.from(at.entity.body);
  // Change one base64 character in the middle: one decoded byte changes, the layout does not.
  let i = Math.floor(body.length / 2);
  while (i < body.length && !/[A-Za-z0-9]/.test(String.fromCharCode(body[i]!))) i++;
  body[i] = body[i] === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B' (or anything -> 'A')
  return replaceBody(raw, at, body);
}

function alterContentDuration(raw: Buffer): Buffer {
  const { outer, entity } = splitMessage(raw);
  const value = headerValue(outer, 'Content-Duration');
  if (value === undefined) throw new Error('alter-content-duration: no Content-Duration header');
  const altered = String(Number(value) + 40);
  const fields = outer.map((h) => (h.name.toLowerCase() === 'content-duration' ? { ...h, value: altered, raw: `${h.name}: ${altered}\r\n` } : h));
  return joinMessage(fields, entity);
}

function stripSignature(raw: Buffer, ctx: AttackContext): Buffer {
  const { outer, entity } = splitMessage(raw);
  const top = parseEntity(entity);
  const mime = contentTypeOf(top).mime;
  if (mime === 'multipart/signed') {
    const signed = partEntities(top)[0];
    if (!signed) throw new Error('strip-signature: empty multipart/signed');
    return joinMessage(outer, entity.subarray(signed.range.start, signed.range.end));
  }
  // The signature is inside an envelope the attacker cannot open: it envelopes an unsigned voicemail instead.
  return protectVoicemail(ctx.deposited, { suite: ctx.suite, encryption: ctx.encryption === 'none' ? 'none' : 'whole', recipients: ctx.recipients }).raw;
}

function macInsteadOfSignature(ctx: AttackContext): Buffer {
  return protectVoicemail(ctx.deposited, { suite: ctx.suite, encryption: ctx.encryption === 'none' ? 'none' : 'whole', recipients: ctx.recipients, mac: true }).raw;
}

function decryptPartInPlace(raw: Buffer, ctx: AttackContext): Buffer {
  // The multipart/mixed that holds the enveloped parts, and the same in the deposited voicemail.
  const isMixed = (e: Entity): boolean => contentTypeOf(e).mime.startsWith('multipart/') && contentTypeOf(e).mime !== 'multipart/signed';
  const stored = find(raw, isMixed);
  const plain = find(ctx.deposited, isMixed);
  if (!stored || !plain) throw new Error('decrypt-part-in-place: no multipart voicemail body');
  const storedParts = partEntities(stored.entity);
  const plainParts = partEntities(plain.entity);
  let out = raw;
  for (let i = storedParts.length - 1; i >= 0; i--) {
    const s = storedParts[i]!;
    const p = plainParts[i];
    if (!p || !isPkcs7Mime(contentTypeOf(s.entity).mime)) continue;
    const plainBytes = plain.entity.raw.subarray(p.range.start, p.range.end);
    out = splice(out, { start: stored.start + s.range.start, end: stored.start + s.range.end }, plainBytes);
  }
  if (out === raw) throw new Error('decrypt-part-in-place: no enveloped part');
  return out;
}

/** Applies one attack to the bytes the EVVM Server is about to store. */
export function attackStoredVoicemail(attack: StoreAttack, stored: Buffer, ctx: AttackContext): Buffer {
  switch (attack) {
    case 'flip-ciphertext-byte':
      return flipCiphertextByte(stored);
    case 'flip-audio-byte':
      return flipAudioByte(stored);
    case 'alter-content-duration':
      return alterContentDuration(stored);
    case 'strip-signature':
      return stripSignature(stored, ctx);
    case 'mac-instead-of-signature':
      return macInsteadOfSignature(ctx);
    case 'decrypt-part-in-place':
      return decryptPartInPlace(stored, ctx);
  }
}

/** For descriptions in transcripts. */
export function describeAttack(attack: StoreAttack): string {
  return {
    'flip-ciphertext-byte': 'flipped one byte of the encrypted content',
    'flip-audio-byte': 'flipped one byte of the audio',
    'alter-content-duration': 'changed the Content-Duration header',
    'strip-signature': 'removed the signature',
    'mac-instead-of-signature': 'replaced the voicemail by one protected with a MAC instead of a signature',
    'decrypt-part-in-place': 'put the plaintext audio part in place of its envelope',
  }[attack];
}
