/**
 * Header protection with RFC 7508 ("Securing Header Fields with S/MIME"): the signer puts the values
 * of chosen message header fields into the signed attribute secureHeaderFields, so the recipient can
 * tell an altered Content-Duration or From from the signed one. The message headers themselves stay
 * outside the S/MIME entity, in clear, where VVM clients read them to list voicemails.
 *
 *   SecureHeaderFields ::= SET { canonAlgorithm Algorithm, secHeaderFields HeaderFields }
 *   Algorithm ::= ENUMERATED { canonAlgorithmSimple(0), canonAlgorithmRelaxed(1) }
 *   HeaderFields ::= SEQUENCE SIZE (1..max-header-fields) OF HeaderField
 *   HeaderField ::= SEQUENCE { field-Name VisibleString, field-Value UTF8String,
 *                              field-Status INTEGER { duplicated(0), deleted(1), modified(2) } DEFAULT duplicated }
 */
import { enumerated, readSmallInt, readString, seq, TAG, tlv, utf8, visible, type Node } from './der';
import { attribute } from './signed-data';
import { OID } from './oids';
import type { HeaderField } from './mime';

/** The voicemail header fields a signature covers (VVM message headers, spec.md EVVM-CONT-03). */
export const PROTECTED_HEADERS: readonly string[] = ['From', 'To', 'Date', 'Subject', 'Message-ID', 'Message-Context', 'Content-Duration'];

export type Canonicalization = 'simple' | 'relaxed';

/** DKIM's relaxed header canonicalisation (RFC 6376 §3.4.2), which RFC 7508 borrows. */
export function relaxedValue(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/[ \t]+/g, ' ').trim();
}

export function secureHeaderFieldsAttribute(headers: readonly HeaderField[], names: readonly string[] = PROTECTED_HEADERS): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const fields = headers.filter((h) => wanted.has(h.name.toLowerCase())).map((h) => seq(visible(h.name), utf8(relaxedValue(h.value))));
  if (fields.length === 0) throw new RangeError('no header field to protect');
  // A SET of two differently tagged components: DER orders them by tag (ENUMERATED before SEQUENCE).
  return attribute(OID.secureHeaderFields, tlv(TAG.SET, enumerated(1), seq(...fields)));
}

export interface SecuredField {
  name: string;
  value: string;
  status: 'duplicated' | 'deleted' | 'modified';
}

export interface SecureHeaderFields {
  canonicalization: Canonicalization;
  fields: SecuredField[];
}

const STATUS = ['duplicated', 'deleted', 'modified'] as const;

export function readSecureHeaderFields(value: Node): SecureHeaderFields {
  const canon = value.children.find((c) => c.tag === TAG.ENUMERATED);
  const list = value.children.find((c) => c.tag === TAG.SEQUENCE);
  if (!canon || !list) throw new RangeError('secureHeaderFields without its algorithm or fields');
  return {
    canonicalization: readSmallInt(canon) === 1 ? 'relaxed' : 'simple',
    fields: list.children.map((f) => ({
      name: readString(f.children[0]!),
      value: readString(f.children[1]!),
      status: STATUS[f.children[2] ? readSmallInt(f.children[2]) : 0] ?? 'duplicated',
    })),
  };
}

export interface HeaderMismatch {
  name: string;
  signed: string;
  /** undefined when the message no longer has the field */
  actual?: string;
}

/** The signed header fields (status duplicated) whose value in the message differs, or that are gone. */
export function compareSecuredHeaders(secured: SecureHeaderFields, headers: readonly HeaderField[]): HeaderMismatch[] {
  const out: HeaderMismatch[] = [];
  const norm = (v: string): string => (secured.canonicalization === 'relaxed' ? relaxedValue(v) : v);
  for (const f of secured.fields) {
    if (f.status !== 'duplicated') continue;
    const present = headers.filter((h) => h.name.toLowerCase() === f.name.toLowerCase());
    if (present.length === 0) out.push({ name: f.name, signed: f.value });
    else {
      // every copy must match: an added second field with another value is an alteration too
      const other = present.find((h) => norm(h.value) !== norm(f.value));
      if (other) out.push({ name: f.name, signed: f.value, actual: other.value });
    }
  }
  return out;
}
