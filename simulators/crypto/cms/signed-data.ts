/**
 * CMS SignedData (RFC 5652 §5): one signer, attached or detached content, signed attributes
 * contentType, messageDigest, signingTime and any extra ones (RFC 7508 header fields). Parsing takes
 * what OpenSSL writes too (BER, bare rsaEncryption signature algorithm, several certificates).
 */
import type { KeyObject } from 'node:crypto';
import {
  child,
  DerError,
  expect,
  explicit,
  implicitConstructed,
  integer,
  integerBytes,
  isContext,
  octets,
  octetString,
  oid,
  readOid,
  readSmallInt,
  readTime,
  seq,
  setOf,
  tlv,
  time,
  TAG,
  algorithm,
  implicitPrimitive,
  type Node,
} from './der';
import { digest, digestName, readAlgorithm, signatureAlgorithmId, signData, verifySignature, type AlgorithmId, type SignatureScheme } from './algorithms';
import { keyIdentifier, parseCertificate, type Certificate } from './certificate';
import { OID } from './oids';

export interface Signer {
  certificate: Certificate;
  key: KeyObject;
  /** certificates to include after the signer's (its issuing CAs) */
  chain?: readonly Certificate[];
}

export interface SignOptions {
  scheme: SignatureScheme;
  /** omit the content (for multipart/signed) */
  detached?: boolean;
  /** the signingTime attribute; null leaves it out */
  signingTime?: Date | null;
  /** extra signed attributes, each an encoded Attribute */
  signedAttributes?: readonly Buffer[];
  /** identify the signer by subjectKeyIdentifier instead of issuerAndSerialNumber */
  bySubjectKeyId?: boolean;
  /** the encapsulated content type; id-data by default */
  contentType?: string;
}

export function attribute(type: string, ...values: Buffer[]): Buffer {
  return seq(oid(type), setOf(...values));
}

function signerIdentifier(cert: Certificate, bySki: boolean): Buffer {
  return bySki ? implicitPrimitive(0, keyIdentifier(cert)) : seq(cert.issuer, integer(cert.serial));
}

export function createSignedData(content: Buffer, signer: Signer, options: SignOptions): Buffer {
  const contentType = options.contentType ?? OID.data;
  const sha256 = algorithm(OID.sha256);
  const attrs = [
    attribute(OID.contentType, oid(contentType)),
    attribute(OID.messageDigest, octetString(digest('sha256', content))),
    ...(options.signingTime === null ? [] : [attribute(OID.signingTime, time(options.signingTime ?? new Date()))]),
    ...(options.signedAttributes ?? []),
  ];
  const signedAttrs = setOf(...attrs);
  const signature = signData(options.scheme, signedAttrs, signer.key);
  const bySki = options.bySubjectKeyId === true;
  const signerInfo = seq(
    integer(bySki ? 3 : 1),
    signerIdentifier(signer.certificate, bySki),
    sha256,
    implicitConstructed(0, signedAttrs),
    signatureAlgorithmId(options.scheme),
    octetString(signature),
  );
  const certs = [signer.certificate, ...(signer.chain ?? [])].map((c) => c.der);
  const encap = options.detached ? seq(oid(contentType)) : seq(oid(contentType), explicit(0, octetString(content)));
  const version = bySki || contentType !== OID.data ? 3 : 1;
  const signedData = seq(integer(version), setOf(sha256), encap, tlv(0xa0, ...certs), setOf(signerInfo));
  return seq(oid(OID.signedData), explicit(0, signedData));
}

export type SignerId = { kind: 'issuerAndSerial'; issuer: Buffer; serial: Buffer } | { kind: 'subjectKeyId'; keyId: Buffer };

export interface Attribute {
  type: string;
  values: Node[];
}

export interface SignerInfoView {
  version: number;
  sid: SignerId;
  digestAlgorithm: string;
  /** absent when the signer signed the content directly */
  signedAttrs?: { attributes: Attribute[]; der: Buffer };
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
}

export interface SignedDataView {
  version: number;
  eContentType: string;
  /** undefined when detached */
  eContent?: Buffer;
  certificates: Certificate[];
  /** certificates present but unreadable (kept out of the checks, reported) */
  unreadableCertificates: number;
  signerInfos: SignerInfoView[];
}

/** The DER a signature over signed attributes covers: the [0] IMPLICIT SET re-tagged as SET (RFC 5652 §5.4). */
function signedAttrsForSignature(node: Node): Buffer {
  if (!node.indefinite) return Buffer.concat([Buffer.from([TAG.SET]), node.raw.subarray(1)]);
  return tlv(TAG.SET, ...node.children.map((c) => c.raw));
}

function readSignerInfo(node: Node): SignerInfoView {
  expect(node, TAG.SEQUENCE, 'SignerInfo');
  const sidNode = child(node, 1, 'SignerInfo');
  const sid: SignerId = isContext(sidNode, 0)
    ? { kind: 'subjectKeyId', keyId: sidNode.content }
    : { kind: 'issuerAndSerial', issuer: child(sidNode, 0, 'issuerAndSerialNumber').raw, serial: integerBytes(child(sidNode, 1, 'issuerAndSerialNumber')) };
  let i = 3;
  let signedAttrs: SignerInfoView['signedAttrs'];
  const maybeAttrs = child(node, 3, 'SignerInfo');
  if (isContext(maybeAttrs, 0)) {
    signedAttrs = {
      attributes: maybeAttrs.children.map((a) => ({ type: readOid(child(a, 0, 'Attribute')), values: child(a, 1, 'Attribute').children })),
      der: signedAttrsForSignature(maybeAttrs),
    };
    i++;
  }
  return {
    version: readSmallInt(child(node, 0, 'SignerInfo')),
    sid,
    digestAlgorithm: readAlgorithm(child(node, 2, 'SignerInfo')).oid,
    ...(signedAttrs ? { signedAttrs } : {}),
    signatureAlgorithm: readAlgorithm(child(node, i, 'SignerInfo')),
    signature: octets(expect(child(node, i + 1, 'SignerInfo'), TAG.OCTET_STRING, 'signature')),
  };
}

/** Parses a ContentInfo holding SignedData. */
export function parseSignedData(contentInfo: Node): SignedDataView {
  if (readOid(child(contentInfo, 0, 'ContentInfo')) !== OID.signedData) throw new DerError('ContentInfo is not SignedData');
  const sd = expect(child(child(contentInfo, 1, 'ContentInfo'), 0, 'SignedData'), TAG.SEQUENCE, 'SignedData');
  const encap = expect(child(sd, 2, 'SignedData'), TAG.SEQUENCE, 'EncapsulatedContentInfo');
  const eContentNode = encap.children[1];
  const view: SignedDataView = {
    version: readSmallInt(child(sd, 0, 'SignedData')),
    eContentType: readOid(child(encap, 0, 'EncapsulatedContentInfo')),
    certificates: [],
    unreadableCertificates: 0,
    signerInfos: [],
  };
  if (eContentNode) view.eContent = octets(child(eContentNode, 0, 'eContent'));
  for (const c of sd.children.slice(3)) {
    if (isContext(c, 0)) {
      for (const certNode of c.children) {
        if (certNode.tag !== TAG.SEQUENCE) continue; // attribute certificates and the like: not ours to judge
        try {
          view.certificates.push(parseCertificate(Buffer.from(certNode.raw)));
        } catch {
          view.unreadableCertificates++;
        }
      }
    } else if (c.tag === TAG.SET) view.signerInfos = c.children.map(readSignerInfo);
  }
  return view;
}

export function findSignerCertificate(sid: SignerId, certificates: readonly Certificate[]): Certificate | undefined {
  return certificates.find((c) =>
    sid.kind === 'issuerAndSerial' ? c.issuer.equals(sid.issuer) && c.serial.equals(sid.serial) : keyIdentifier(c).equals(sid.keyId),
  );
}

export function attributeValue(si: SignerInfoView, type: string): Node | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === type)?.values[0];
}

/** What checking one SignerInfo found; the caller decides what each finding means for its policy. */
export interface SignerCheck {
  signer?: Certificate;
  /** the content's digest equals the messageDigest attribute (or the signature covers the content) */
  digestMatches: boolean;
  /** the signature over the signed attributes (or content) verifies with the signer's key */
  signatureValid: boolean;
  /** the contentType attribute names the encapsulated content type */
  contentTypeMatches: boolean;
  signingTime?: Date;
  algorithm: AlgorithmId;
  digestAlgorithm: string;
  problems: string[];
}

export function checkSigner(sd: SignedDataView, si: SignerInfoView, content: Buffer, extraCertificates: readonly Certificate[] = []): SignerCheck {
  const problems: string[] = [];
  const signer = findSignerCertificate(si.sid, [...sd.certificates, ...extraCertificates]);
  const result: SignerCheck = { digestMatches: false, signatureValid: false, contentTypeMatches: false, algorithm: si.signatureAlgorithm, digestAlgorithm: si.digestAlgorithm, problems };
  if (signer) result.signer = signer;
  else problems.push('the signer certificate is not in the message');
  let digestOk = false;
  let signedBytes: Buffer;
  try {
    const d = digest(digestName(si.digestAlgorithm), content);
    if (si.signedAttrs) {
      const md = attributeValue(si, OID.messageDigest);
      digestOk = md !== undefined && md.tag === TAG.OCTET_STRING && md.content.equals(d);
      if (!digestOk) problems.push('the message digest does not match the content');
      const ct = attributeValue(si, OID.contentType);
      result.contentTypeMatches = ct !== undefined && readOid(ct) === sd.eContentType;
      if (!result.contentTypeMatches) problems.push('the contentType attribute is missing or names another type');
      const st = attributeValue(si, OID.signingTime);
      if (st) result.signingTime = readTime(st);
      signedBytes = si.signedAttrs.der;
    } else {
      digestOk = true; // the signature itself covers the content
      result.contentTypeMatches = sd.eContentType === OID.data;
      signedBytes = content;
    }
  } catch (err) {
    problems.push(`unreadable signed attributes: ${(err as Error).message}`);
    return result;
  }
  result.digestMatches = digestOk;
  if (signer) {
    result.signatureValid = verifySignature(si.signatureAlgorithm, signedBytes, si.signature, signer.publicKey, si.digestAlgorithm);
    if (!result.signatureValid) problems.push('the signature does not verify with the signer certificate');
  }
  return result;
}
