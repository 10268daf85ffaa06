/**
 * CMS AuthenticatedData (RFC 5652 §9): content protected by a MAC whose key is sent to the recipients.
 * It gives integrity between the parties that share the key, and nothing more: every recipient can
 * compute the same MAC, so it proves nothing to a third party about who made the message. It exists
 * here so the EVVM Client can be shown one (a MAC in place of a signature, EVVM-CONT-04).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { algorithm, child, expect, explicit, implicitConstructed, integer, isContext, octets, octetString, oid, readOid, seq, setOf, TAG, type Node } from './der';
import { digest, readAlgorithm } from './algorithms';
import type { Certificate } from './certificate';
import { keyAttempts, readRecipientInfo, recipientInfosFor, unwrapKey, type DecryptionKey } from './envelope';
import { attribute } from './signed-data';
import { CmsError } from './errors';
import { OID, oidName } from './oids';

/** MAC-protects `content` for `recipients` with HMAC-SHA256; the MAC key travels by RSA-OAEP or ECDH. */
export function createAuthenticatedData(content: Buffer, recipients: readonly Certificate[]): Buffer {
  const macKey = randomBytes(32);
  const authAttrs = setOf(attribute(OID.contentType, oid(OID.data)), attribute(OID.messageDigest, octetString(digest('sha256', content))));
  const mac = createHmac('sha256', macKey).update(authAttrs).digest();
  const body = seq(
    integer(0),
    setOf(...recipientInfosFor(macKey, recipients, { keyTransport: 'rsa-oaep' })),
    algorithm(OID.hmacWithSHA256),
    // [1] IMPLICIT: the CMS module is IMPLICIT TAGS
    implicitConstructed(1, algorithm(OID.sha256)),
    seq(oid(OID.data), explicit(0, octetString(content))),
    implicitConstructed(2, authAttrs),
    octetString(mac),
  );
  return seq(oid(OID.authData), explicit(0, body));
}

export interface AuthenticatedDataView {
  macAlgorithm: string;
  content: Buffer;
  /** the MAC (and the messageDigest attribute it covers) verified with the key this device recovered */
  macValid: boolean;
}

/** Recovers the MAC key with one of `keys`, checks the MAC, returns the content; throws CmsError. */
export function openAuthenticatedData(contentInfo: Node, keys: readonly DecryptionKey[]): AuthenticatedDataView {
  if (readOid(child(contentInfo, 0, 'ContentInfo')) !== OID.authData) throw new CmsError('malformed', 'ContentInfo is not AuthenticatedData');
  const body = expect(child(child(contentInfo, 1, 'ContentInfo'), 0, 'AuthenticatedData'), TAG.SEQUENCE, 'AuthenticatedData');
  let i = 1;
  if (body.children[1] && isContext(body.children[1], 0)) i++; // originatorInfo
  const infos = expect(child(body, i++, 'AuthenticatedData'), TAG.SET, 'RecipientInfos').children.map(readRecipientInfo);
  const macAlgorithm = readAlgorithm(child(body, i++, 'AuthenticatedData')).oid;
  if (body.children[i] && isContext(body.children[i]!, 1)) i++; // digestAlgorithm
  const encap = expect(child(body, i++, 'AuthenticatedData'), TAG.SEQUENCE, 'EncapsulatedContentInfo');
  const content = encap.children[1] ? octets(child(encap.children[1], 0, 'eContent')) : Buffer.alloc(0);
  const authAttrs = body.children[i] && isContext(body.children[i]!, 2) ? body.children[i++] : undefined;
  const mac = octets(expect(child(body, i, 'AuthenticatedData'), TAG.OCTET_STRING, 'mac'));
  if (macAlgorithm !== OID.hmacWithSHA256) throw new CmsError('unsupported', `MAC algorithm ${oidName(macAlgorithm)}`);

  const attempts = keyAttempts(infos, keys, false);
  if (attempts.length === 0) throw new CmsError('no-recipient', 'no recipient info of the AuthenticatedData addresses this device');
  let macKey: Buffer | undefined;
  let failure: unknown;
  for (const a of attempts) {
    try {
      macKey = unwrapKey(a);
      break;
    } catch (err) {
      failure = err;
    }
  }
  if (!macKey) throw failure instanceof CmsError ? failure : new CmsError('key-decrypt', 'the MAC key does not decrypt');
  const macInput = authAttrs ? Buffer.concat([Buffer.from([TAG.SET]), authAttrs.raw.subarray(1)]) : content;
  const expected = createHmac('sha256', macKey).update(macInput).digest();
  let macValid = expected.length === mac.length && timingSafeEqual(expected, mac);
  if (macValid && authAttrs) {
    const md = authAttrs.children.find((a) => a.children[0] && readOid(a.children[0]) === OID.messageDigest)?.children[1]?.children[0];
    macValid = md !== undefined && md.content.equals(digest('sha256', content));
  }
  return { macAlgorithm: oidName(macAlgorithm), content, macValid };
}
