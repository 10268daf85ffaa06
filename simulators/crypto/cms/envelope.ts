/**
 * CMS EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083, AES-GCM per RFC 5084): content
 * encryption with Node's ciphers; key management by RSA key transport (RSAES-OAEP per RFC 8017/4055,
 * or PKCS#1 v1.5 for classic peers) and ECDH key agreement (RFC 5753, dhSinglePass-stdDH with the
 * X9.63 KDF and AES key wrap).
 *
 * Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809): classic envelopes are opened with
 * raw RSA and the padding checked here (node-forge, which stack.md §2.4 suggests, stays the
 * independent decryptor in tests/cms). pkijs cannot read AuthEnvelopedData and puts GCM into
 * EnvelopedData, which OpenSSL rejects; hence this module.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  algorithm,
  bitString,
  child,
  decode,
  DerError,
  expect,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  integer,
  integerBytes,
  isContext,
  octets,
  octetString,
  oid,
  readOid,
  readSmallInt,
  seq,
  setOf,
  TAG,
  tlv,
  type Node,
} from './der';
import { digestName, readAlgorithm, type AlgorithmId, type AlgorithmSuite, type DigestName } from './algorithms';
import { keyIdentifier, type Certificate } from './certificate';
import { CmsError } from './errors';
import { OID, oidName } from './oids';

export type ContentCipher = 'aes-256-gcm' | 'aes-128-gcm' | 'aes-256-cbc' | 'aes-128-cbc';
export type KeyTransport = 'rsa-oaep' | 'rsa-pkcs1';

export interface EnvelopeOptions {
  contentCipher: ContentCipher;
  /** for RSA recipients; EC recipients always get ECDH key agreement */
  keyTransport: KeyTransport;
  /** identify recipients by subjectKeyIdentifier instead of issuerAndSerialNumber */
  bySubjectKeyId?: boolean;
}

export function suiteEnvelopeOptions(suite: AlgorithmSuite): EnvelopeOptions {
  return suite === 'modern' ? { contentCipher: 'aes-256-gcm', keyTransport: 'rsa-oaep' } : { contentCipher: 'aes-256-cbc', keyTransport: 'rsa-pkcs1' };
}

interface CipherSpec {
  oid: string;
  node: string;
  keyLength: number;
  aead: boolean;
}

const CIPHERS: Record<ContentCipher, CipherSpec> = {
  'aes-256-gcm': { oid: OID.aes256GCM, node: 'aes-256-gcm', keyLength: 32, aead: true },
  'aes-128-gcm': { oid: OID.aes128GCM, node: 'aes-128-gcm', keyLength: 16, aead: true },
  'aes-256-cbc': { oid: OID.aes256CBC, node: 'aes-256-cbc', keyLength: 32, aead: false },
  'aes-128-cbc': { oid: OID.aes128CBC, node: 'aes-128-cbc', keyLength: 16, aead: false },
};

const DECRYPT_CIPHERS: Record<string, { node: string; keyLength: number; aead: boolean }> = {
  [OID.aes128CBC]: { node: 'aes-128-cbc', keyLength: 16, aead: false },
  [OID.aes192CBC]: { node: 'aes-192-cbc', keyLength: 24, aead: false },
  [OID.aes256CBC]: { node: 'aes-256-cbc', keyLength: 32, aead: false },
  [OID.desEde3CBC]: { node: 'des-ede3-cbc', keyLength: 24, aead: false },
  [OID.aes128GCM]: { node: 'aes-128-gcm', keyLength: 16, aead: true },
  [OID.aes192GCM]: { node: 'aes-192-gcm', keyLength: 24, aead: true },
  [OID.aes256GCM]: { node: 'aes-256-gcm', keyLength: 32, aead: true },
};

const WRAP: Record<string, { node: string; keyLength: number }> = {
  [OID.aes128Wrap]: { node: 'id-aes128-wrap', keyLength: 16 },
  [OID.aes256Wrap]: { node: 'id-aes256-wrap', keyLength: 32 },
};
const WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

/**
 * ECDH key agreement schemes (RFC 5753) by their KDF hash. OpenSSL's default is the SHA-1 one; the
 * cofactor variants equal the standard ones on the NIST prime curves (cofactor 1).
 */
const KDF_SCHEMES: Record<string, DigestName> = {
  '1.3.133.16.840.63.0.2': 'sha1', // dhSinglePass-stdDH-sha1kdf-scheme
  [OID.dhSinglePassStdDHsha256kdf]: 'sha256',
  '1.3.132.1.11.2': 'sha384',
  '1.3.132.1.11.3': 'sha512',
  '1.3.133.16.840.63.0.3': 'sha1', // dhSinglePass-cofactorDH-sha1kdf-scheme
  '1.3.132.1.14.1': 'sha256',
  '1.3.132.1.14.2': 'sha384',
  '1.3.132.1.14.3': 'sha512',
};

const CURVES: Record<string, string> = { prime256v1: OID.prime256v1, secp384r1: '1.3.132.0.34', secp521r1: '1.3.132.0.35' };

const GCM_NONCE = 12;
const GCM_TAG = 16;

function oaepParams(): Buffer {
  const sha256 = algorithm(OID.sha256);
  return seq(explicit(0, sha256), explicit(1, algorithm(OID.mgf1, sha256)));
}

function recipientId(cert: Certificate, bySki: boolean): Buffer {
  return bySki ? implicitPrimitive(0, keyIdentifier(cert)) : seq(cert.issuer, integer(cert.serial));
}

/** ANSI X9.63 KDF as RFC 5753 §7.2 uses it. */
function x963Kdf(hash: DigestName, z: Buffer, sharedInfo: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 1, have = 0; have < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(z).update(c).update(sharedInfo).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** ECC-CMS-SharedInfo (RFC 5753 §7.2): the wrap algorithm, the UKM if any, the KEK length in bits. */
function sharedInfo(wrapAlgorithm: Buffer, kekBits: number, ukm?: Buffer): Buffer {
  const bits = Buffer.alloc(4);
  bits.writeUInt32BE(kekBits);
  return seq(wrapAlgorithm, ...(ukm ? [explicit(0, octetString(ukm))] : []), explicit(2, octetString(bits)));
}

function ktri(cek: Buffer, cert: Certificate, options: EnvelopeOptions): Buffer {
  const oaep = options.keyTransport === 'rsa-oaep';
  const encryptedKey = publicEncrypt(
    oaep ? { key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } : { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING },
    cek,
  );
  const bySki = options.bySubjectKeyId === true;
  return seq(
    integer(bySki ? 2 : 0),
    recipientId(cert, bySki),
    oaep ? algorithm(OID.rsaesOaep, oaepParams()) : algorithm(OID.rsaEncryption, Buffer.from([0x05, 0x00])),
    octetString(encryptedKey),
  );
}

function kari(cek: Buffer, cert: Certificate, options: EnvelopeOptions): Buffer {
  const curve = cert.publicKey.asymmetricKeyDetails?.namedCurve;
  if (!curve || !CURVES[curve]) throw new CmsError('unsupported', `ECDH with curve ${curve ?? 'unknown'}`);
  const ephemeral = generateKeyPairSync('ec', { namedCurve: curve });
  const z = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: cert.publicKey });
  const wrapAlgorithm = algorithm(OID.aes256Wrap);
  const kek = x963Kdf('sha256', z, sharedInfo(wrapAlgorithm, 256, undefined), 32);
  const wrap = createCipheriv('id-aes256-wrap', kek, WRAP_IV);
  const wrapped = Buffer.concat([wrap.update(cek), wrap.final()]);
  const spki = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
  const point = decode(spki).children[1]!.content.subarray(1);
  // originatorKey: id-ecPublicKey with the curve named, then the ephemeral point.
  const originatorKey = implicitConstructed(1, seq(algorithm(OID.ecPublicKey, oid(CURVES[curve]!)), bitString(point)));
  const bySki = options.bySubjectKeyId === true;
  const rid = bySki ? implicitConstructed(0, seq(octetString(keyIdentifier(cert)))) : seq(cert.issuer, integer(cert.serial));
  return implicitConstructed(
    1,
    seq(
      integer(3),
      explicit(0, originatorKey),
      algorithm(OID.dhSinglePassStdDHsha256kdf, wrapAlgorithm),
      seq(seq(rid, octetString(wrapped))),
    ),
  );
}

/** The recipient infos that carry `key` to each recipient: key transport for RSA, ECDH for EC. */
export function recipientInfosFor(key: Buffer, recipients: readonly Certificate[], options: Pick<EnvelopeOptions, 'keyTransport' | 'bySubjectKeyId'>): Buffer[] {
  const o: EnvelopeOptions = { contentCipher: 'aes-256-gcm', ...options };
  return recipients.map((r) => (r.keyType === 'ec' ? kari(key, r, o) : ktri(key, r, o)));
}

/**
 * Encrypts `content` (a MIME entity) for every recipient: AuthEnvelopedData for GCM, EnvelopedData for
 * CBC; returns the DER ContentInfo.
 */
export function createEnvelope(content: Buffer, recipients: readonly Certificate[], options: EnvelopeOptions): Buffer {
  if (recipients.length === 0) throw new CmsError('unsupported', 'an envelope needs at least one recipient');
  const spec = CIPHERS[options.contentCipher];
  const cek = randomBytes(spec.keyLength);
  const infos = recipientInfosFor(cek, recipients, options);
  if (spec.aead) {
    const nonce = randomBytes(GCM_NONCE);
    const cipher = createCipheriv(spec.node as 'aes-256-gcm', cek, nonce, { authTagLength: GCM_TAG });
    const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
    const eci = seq(oid(OID.data), algorithm(spec.oid, seq(octetString(nonce), integer(GCM_TAG))), implicitPrimitive(0, encrypted));
    const aed = seq(integer(0), setOf(...infos), eci, octetString(cipher.getAuthTag()));
    return seq(oid(OID.authEnvelopedData), explicit(0, aed));
  }
  const iv = randomBytes(16);
  const cipher = createCipheriv(spec.node, cek, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
  const eci = seq(oid(OID.data), algorithm(spec.oid, octetString(iv)), implicitPrimitive(0, encrypted));
  const allKtriV0 = recipients.every((r) => r.keyType !== 'ec') && options.bySubjectKeyId !== true;
  return seq(oid(OID.envelopedData), explicit(0, seq(integer(allKtriV0 ? 0 : 2), setOf(...infos), eci)));
}

// ---------------------------------------------------------------------------------------------
// Reading and opening

export type RecipientRef = { kind: 'issuerAndSerial'; issuer: Buffer; serial: Buffer } | { kind: 'subjectKeyId'; keyId: Buffer };

export interface RecipientInfoView {
  kind: 'ktri' | 'kari' | 'other';
  /** the recipients this info addresses (one for ktri, one or more for kari) */
  recipients: Array<{ rid: RecipientRef; encryptedKey: Buffer }>;
  keyEncryptionAlgorithm?: AlgorithmId;
  /** kari: the originator's ephemeral public key (algorithm + BIT STRING, as SubjectPublicKeyInfo) */
  originatorKey?: Node;
  ukm?: Buffer;
}

export interface EnvelopeView {
  type: 'enveloped' | 'authEnveloped';
  version: number;
  recipientInfos: RecipientInfoView[];
  contentType: string;
  contentEncryption: AlgorithmId;
  encryptedContent: Buffer;
  /** AuthEnvelopedData: the GCM tag */
  mac?: Buffer;
  /** AuthEnvelopedData with authenticated attributes: their DER, the GCM additional data */
  authAttrs?: Buffer;
}

function readRid(node: Node): RecipientRef {
  if (isContext(node, 0)) {
    // ktri: [0] IMPLICIT SubjectKeyIdentifier; kari: [0] IMPLICIT RecipientKeyIdentifier (a SEQUENCE)
    return { kind: 'subjectKeyId', keyId: node.constructed ? child(node, 0, 'RecipientKeyIdentifier').content : node.content };
  }
  expect(node, TAG.SEQUENCE, 'IssuerAndSerialNumber');
  return { kind: 'issuerAndSerial', issuer: child(node, 0, 'IssuerAndSerialNumber').raw, serial: integerBytes(child(node, 1, 'IssuerAndSerialNumber')) };
}

export function readRecipientInfo(node: Node): RecipientInfoView {
  if (node.tag === TAG.SEQUENCE) {
    return {
      kind: 'ktri',
      recipients: [{ rid: readRid(child(node, 1, 'KeyTransRecipientInfo')), encryptedKey: octets(child(node, 3, 'KeyTransRecipientInfo')) }],
      keyEncryptionAlgorithm: readAlgorithm(child(node, 2, 'KeyTransRecipientInfo')),
    };
  }
  if (isContext(node, 1) && node.constructed) {
    const originator = child(child(node, 1, 'KeyAgreeRecipientInfo'), 0, 'originator');
    let i = 2;
    let ukm: Buffer | undefined;
    if (node.children[2] && isContext(node.children[2], 1)) {
      ukm = octets(child(node.children[2], 0, 'ukm'));
      i++;
    }
    const view: RecipientInfoView = {
      kind: 'kari',
      keyEncryptionAlgorithm: readAlgorithm(child(node, i, 'KeyAgreeRecipientInfo')),
      recipients: child(node, i + 1, 'KeyAgreeRecipientInfo').children.map((rek) => ({ rid: readRid(child(rek, 0, 'RecipientEncryptedKey')), encryptedKey: octets(child(rek, 1, 'RecipientEncryptedKey')) })),
      ...(ukm ? { ukm } : {}),
    };
    if (isContext(originator, 1)) view.originatorKey = originator;
    return view;
  }
  return { kind: 'other', recipients: [] };
}

/** Parses a ContentInfo holding EnvelopedData or AuthEnvelopedData. */
export function parseEnvelope(contentInfo: Node): EnvelopeView {
  const type = readOid(child(contentInfo, 0, 'ContentInfo'));
  if (type !== OID.envelopedData && type !== OID.authEnvelopedData) throw new DerError(`ContentInfo is ${oidName(type)}, not an envelope`);
  const body = expect(child(child(contentInfo, 1, 'ContentInfo'), 0, 'envelope'), TAG.SEQUENCE, 'envelope');
  let i = 1;
  if (body.children[1] && isContext(body.children[1], 0)) i++; // originatorInfo
  const ris = expect(child(body, i++, 'envelope'), TAG.SET, 'RecipientInfos');
  const eci = expect(child(body, i++, 'envelope'), TAG.SEQUENCE, 'EncryptedContentInfo');
  const encrypted = eci.children[2];
  if (!encrypted || !isContext(encrypted, 0)) throw new CmsError('unsupported', 'detached encrypted content');
  const view: EnvelopeView = {
    type: type === OID.envelopedData ? 'enveloped' : 'authEnveloped',
    version: readSmallInt(child(body, 0, 'envelope')),
    recipientInfos: ris.children.map(readRecipientInfo),
    contentType: readOid(child(eci, 0, 'EncryptedContentInfo')),
    contentEncryption: readAlgorithm(child(eci, 1, 'EncryptedContentInfo')),
    encryptedContent: encrypted.constructed ? octets(encrypted) : encrypted.content,
  };
  if (view.type === 'authEnveloped') {
    let next = child(body, i, 'AuthEnvelopedData');
    if (isContext(next, 1)) {
      view.authAttrs = Buffer.concat([Buffer.from([TAG.SET]), next.raw.subarray(1)]);
      next = child(body, ++i, 'AuthEnvelopedData');
    }
    view.mac = octets(expect(next, TAG.OCTET_STRING, 'mac'));
  }
  return view;
}

/** A device's decryption key: its certificate (for matching recipient infos) and private key. */
export interface DecryptionKey {
  certificate: Certificate;
  key: KeyObject;
}

export interface OpenOptions {
  /**
   * Also try every recipient info with every key, whatever it names: what an attacker holding some
   * other key would do (and what `openssl cms -decrypt` does without -recip).
   */
  trial?: boolean;
  /** decrypt GCM without checking its tag: a broken client (fault), never the default */
  ignoreAuthTag?: boolean;
}

export interface Opened {
  content: Buffer;
  /** which key opened it */
  key: DecryptionKey;
  /** the GCM tag verified (undefined for CBC, which has none) */
  authenticated?: boolean;
  keyManagement: string;
  contentEncryption: string;
}

function matches(rid: RecipientRef, cert: Certificate): boolean {
  return rid.kind === 'issuerAndSerial' ? rid.issuer.equals(cert.issuer) && rid.serial.equals(cert.serial) : rid.keyId.equals(keyIdentifier(cert));
}

/**
 * PKCS#1 v1.5 key transport. Node 20 refuses RSA_PKCS1_PADDING for private decryption
 * (CVE-2023-46809, the Marvin attack), so decrypt raw and check the padding here (RFC 8017 §7.2.2):
 * native speed, where node-forge's pure-JS RSA takes ~90 ms. One error for every padding failure,
 * and the separator is searched without an early exit; classic envelopes exist for older peers only
 * and the policy can refuse the classic suite.
 */
function pkcs1Decrypt(key: KeyObject, encrypted: Buffer): Buffer {
  const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encrypted);
  let bad = em[0]! | (em[1]! ^ 0x02);
  let separator = 0;
  for (let i = 2; i < em.length; i++) {
    const zero = em[i] === 0 ? 1 : 0;
    separator = separator === 0 && zero ? i : separator;
  }
  bad |= separator < 10 ? 1 : 0;
  if (bad !== 0) throw new Error('decryption error');
  return em.subarray(separator + 1);
}

function unwrapKtri(info: RecipientInfoView, encryptedKey: Buffer, key: DecryptionKey): Buffer {
  const alg = info.keyEncryptionAlgorithm!;
  if (key.certificate.keyType !== 'rsa') throw new CmsError('key-decrypt', 'an RSA recipient info and a non-RSA key');
  if (alg.oid === OID.rsaEncryption) return pkcs1Decrypt(key.key, encryptedKey);
  if (alg.oid !== OID.rsaesOaep) throw new CmsError('unsupported', `key transport ${oidName(alg.oid)}`);
  // RSAES-OAEP-params defaults (RFC 4055): SHA-1 and MGF1-SHA-1.
  let hash: DigestName = 'sha1';
  let mgf: DigestName = 'sha1';
  for (const c of alg.params?.children ?? []) {
    const inner = c.children[0];
    if (!inner) continue;
    if (isContext(c, 0)) hash = digestName(readAlgorithm(inner).oid);
    else if (isContext(c, 1)) {
      const m = readAlgorithm(inner);
      if (m.oid !== OID.mgf1 || !m.params) throw new CmsError('unsupported', 'OAEP with a mask generation other than MGF1');
      mgf = digestName(readAlgorithm(m.params).oid);
    } else if (isContext(c, 2)) throw new CmsError('unsupported', 'OAEP with a label (pSourceFunc)');
  }
  if (mgf !== hash) throw new CmsError('unsupported', 'OAEP with different message and MGF1 hashes');
  return privateDecrypt({ key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, encryptedKey);
}

function unwrapKari(info: RecipientInfoView, encryptedKey: Buffer, key: DecryptionKey): Buffer {
  const alg = info.keyEncryptionAlgorithm!;
  const hash = KDF_SCHEMES[alg.oid];
  if (!hash) throw new CmsError('unsupported', `key agreement ${oidName(alg.oid)}`);
  if (!alg.params) throw new CmsError('malformed', 'key agreement without a key wrap algorithm');
  const wrapOid = readAlgorithm(alg.params).oid;
  const wrap = WRAP[wrapOid];
  if (!wrap) throw new CmsError('unsupported', `key wrap ${oidName(wrapOid)}`);
  if (!info.originatorKey) throw new CmsError('unsupported', 'key agreement with a static originator key');
  if (key.certificate.keyType !== 'ec') throw new CmsError('key-decrypt', 'an ECDH recipient info and a non-EC key');
  const curve = key.key.asymmetricKeyDetails?.namedCurve;
  const curveOid = curve ? CURVES[curve] : undefined;
  if (!curveOid) throw new CmsError('unsupported', `ECDH with curve ${curve ?? 'unknown'}`);
  const point = expect(child(info.originatorKey, 1, 'OriginatorPublicKey'), TAG.BIT_STRING, 'OriginatorPublicKey').content;
  // The originator key's parameters may be absent or NULL (RFC 5753 §7.1.1): the curve is the recipient's.
  const spki = seq(algorithm(OID.ecPublicKey, oid(curveOid)), tlv(TAG.BIT_STRING, point));
  const z = diffieHellman({ privateKey: key.key, publicKey: createPublicKey({ key: spki, format: 'der', type: 'spki' }) });
  // SharedInfo repeats the wrap AlgorithmIdentifier exactly as the message has it.
  const kek = x963Kdf(hash, z, sharedInfo(alg.params.raw, wrap.keyLength * 8, info.ukm), wrap.keyLength);
  const decipher = createDecipheriv(wrap.node, kek, WRAP_IV);
  return Buffer.concat([decipher.update(encryptedKey), decipher.final()]);
}

function decryptContent(view: EnvelopeView, cek: Buffer, options: OpenOptions): { content: Buffer; authenticated?: boolean } {
  const spec = DECRYPT_CIPHERS[view.contentEncryption.oid];
  if (!spec) throw new CmsError('unsupported', `content encryption ${oidName(view.contentEncryption.oid)}`);
  if (cek.length !== spec.keyLength) throw new CmsError('content-decrypt', `recovered a ${cek.length}-byte key for a ${spec.keyLength}-byte cipher`);
  const params = view.contentEncryption.params;
  if (!params) throw new CmsError('malformed', 'content encryption without parameters');
  if (spec.aead) {
    const nonce = octets(expect(child(params, 0, 'GCMParameters'), TAG.OCTET_STRING, 'aes-nonce'));
    const tagLength = params.children[1] ? readSmallInt(params.children[1]) : 12;
    const mac = view.mac;
    if (!mac || mac.length !== tagLength || tagLength < 12 || tagLength > 16) throw new CmsError('malformed', 'GCM tag missing or of the wrong length');
    const decipher = createDecipheriv(spec.node as 'aes-256-gcm', cek, nonce, { authTagLength: tagLength });
    decipher.setAuthTag(mac);
    if (view.authAttrs) decipher.setAAD(view.authAttrs);
    const head = decipher.update(view.encryptedContent);
    try {
      return { content: Buffer.concat([head, decipher.final()]), authenticated: true };
    } catch {
      if (options.ignoreAuthTag) return { content: head, authenticated: false };
      throw new CmsError('integrity', 'the GCM authentication tag does not verify: the ciphertext was altered');
    }
  }
  const iv = octets(expect(params, TAG.OCTET_STRING, 'IV'));
  try {
    const decipher = createDecipheriv(spec.node, cek, iv);
    return { content: Buffer.concat([decipher.update(view.encryptedContent), decipher.final()]) };
  } catch {
    throw new CmsError('content-decrypt', 'the content does not decrypt (bad padding: wrong key or altered ciphertext)');
  }
}

export interface KeyAttempt {
  info: RecipientInfoView;
  encryptedKey: Buffer;
  key: DecryptionKey;
  /** the recipient info names this key's certificate (not a trial) */
  addressed: boolean;
}

/** Which recipient info to try with which key: those that name a key first, then (trial) all others. */
export function keyAttempts(infos: readonly RecipientInfoView[], keys: readonly DecryptionKey[], trial: boolean): KeyAttempt[] {
  const attempts: KeyAttempt[] = [];
  for (const info of infos) {
    for (const r of info.recipients) for (const k of keys) if (matches(r.rid, k.certificate)) attempts.push({ info, encryptedKey: r.encryptedKey, key: k, addressed: true });
  }
  if (trial) {
    for (const info of infos) {
      for (const r of info.recipients) {
        for (const k of keys) if (!attempts.some((a) => a.encryptedKey === r.encryptedKey && a.key === k)) attempts.push({ info, encryptedKey: r.encryptedKey, key: k, addressed: false });
      }
    }
  }
  return attempts;
}

/** Recovers the key one recipient info carries; throws CmsError ('key-decrypt' or 'unsupported'). */
export function unwrapKey(a: KeyAttempt): Buffer {
  try {
    if (a.info.kind === 'ktri') return unwrapKtri(a.info, a.encryptedKey, a.key);
    if (a.info.kind === 'kari') return unwrapKari(a.info, a.encryptedKey, a.key);
    throw new CmsError('unsupported', 'a recipient info other than key transport or key agreement');
  } catch (err) {
    if (err instanceof CmsError && err.code === 'unsupported') throw err;
    throw new CmsError('key-decrypt', `the key does not decrypt with this device key (${(err as Error).message})`);
  }
}

export function keyManagementName(info: RecipientInfoView): string {
  const alg = info.keyEncryptionAlgorithm ? oidName(info.keyEncryptionAlgorithm.oid) : 'unknown';
  return info.kind === 'kari' ? `ECDH ${alg}` : alg;
}

/** Opens an envelope with one of `keys`; throws CmsError saying why it cannot. */
export function openEnvelope(view: EnvelopeView, keys: readonly DecryptionKey[], options: OpenOptions = {}): Opened {
  const attempts = keyAttempts(view.recipientInfos, keys, options.trial === true);
  if (attempts.length === 0) {
    throw new CmsError('no-recipient', `none of the ${view.recipientInfos.length} recipient info(s) addresses this device's certificate`);
  }
  // What went wrong with a recipient info that names the key says more than a trial's failure.
  let addressedError: CmsError | undefined;
  let last: CmsError | undefined;
  for (const a of attempts) {
    try {
      const { content, authenticated } = decryptContent(view, unwrapKey(a), options);
      return {
        content,
        key: a.key,
        ...(authenticated !== undefined ? { authenticated } : {}),
        keyManagement: keyManagementName(a.info),
        contentEncryption: oidName(view.contentEncryption.oid),
      };
    } catch (err) {
      if (!(err instanceof CmsError)) throw err;
      if (a.addressed) addressedError ??= err;
      last = err;
    }
  }
  throw addressedError ?? last ?? new CmsError('key-decrypt', 'no recipient info could be opened with this key');
}
