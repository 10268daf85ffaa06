/**
 * A small ASN.1 codec for CMS: DER writers, and a reader that also takes the BER that `openssl cms
 * -stream` emits (indefinite lengths, constructed OCTET STRINGs). Node 20 has no CMS, pkijs cannot
 * read AuthEnvelopedData, and a 1 MB voicemail should not be copied at every nesting level: the reader
 * returns views (subarray) into the input, never copies.
 *
 * Hostile input gets a DerError, never a crash, a hang or an allocation larger than the input:
 * every length is checked against the bytes that are there, and nesting is bounded.
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Universal tags used by CMS (first identifier octet, class and constructed bit included). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const MAX_DEPTH = 48;

/** One decoded TLV. `raw` is the whole element, `content` its value; both are views into the input. */
export interface Node {
  /** the identifier octet: class (bits 8-7), constructed (bit 6), number (bits 5-1) */
  tag: number;
  constructed: boolean;
  /** true for BER indefinite length */
  indefinite: boolean;
  raw: Buffer;
  content: Buffer;
  /** the decoded children of a constructed element */
  children: Node[];
}

export function isContext(node: Node, n: number): boolean {
  return (node.tag & 0xc0) === 0x80 && (node.tag & 0x1f) === n;
}

function readAt(buf: Buffer, offset: number, end: number, depth: number): Node {
  if (depth > MAX_DEPTH) throw new DerError(`nesting deeper than ${MAX_DEPTH}`);
  if (offset + 2 > end) throw new DerError(`truncated element at offset ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers are not used in CMS (offset ${offset})`);
  const constructed = (tag & 0x20) !== 0;
  let pos = offset + 1;
  const first = buf[pos++]!;
  let length: number;
  let indefinite = false;
  if (first < 0x80) length = first;
  else if (first === 0x80) {
    if (!constructed) throw new DerError(`indefinite length on a primitive element at offset ${offset}`);
    indefinite = true;
    length = -1;
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new DerError(`length of ${n} octets at offset ${offset}`);
    if (pos + n > end) throw new DerError(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  const contentStart = pos;
  const children: Node[] = [];
  if (indefinite) {
    for (;;) {
      if (pos + 2 > end) throw new DerError(`indefinite element at offset ${offset} has no end-of-contents`);
      if (buf[pos] === 0 && buf[pos + 1] === 0) break;
      const child = readAt(buf, pos, end, depth + 1);
      children.push(child);
      pos += child.raw.length;
    }
    return { tag, constructed, indefinite, raw: buf.subarray(offset, pos + 2), content: buf.subarray(contentStart, pos), children };
  }
  const contentEnd = contentStart + length;
  if (contentEnd > end) throw new DerError(`element at offset ${offset} claims ${length} bytes, ${end - contentStart} remain`);
  if (constructed) {
    while (pos < contentEnd) {
      const child = readAt(buf, pos, contentEnd, depth + 1);
      children.push(child);
      pos += child.raw.length;
    }
  }
  return { tag, constructed, indefinite, raw: buf.subarray(offset, contentEnd), content: buf.subarray(contentStart, contentEnd), children };
}

/** Decodes exactly one element that fills `buf`. */
export function decode(buf: Buffer): Node {
  const node = readAt(buf, 0, buf.length, 0);
  if (node.raw.length !== buf.length) throw new DerError(`${buf.length - node.raw.length} trailing bytes after the element`);
  return node;
}

/** The value of an OCTET STRING (or of an implicitly tagged one), joining BER constructed segments. */
export function octets(node: Node): Buffer {
  if (!node.constructed) return node.content;
  const parts: Buffer[] = [];
  const walk = (n: Node, depth: number): void => {
    if (depth > MAX_DEPTH) throw new DerError('constructed string nested too deep');
    for (const c of n.children) {
      if (c.constructed) walk(c, depth + 1);
      else if (c.tag !== TAG.OCTET_STRING) throw new DerError(`constructed OCTET STRING holds tag 0x${c.tag.toString(16)}`);
      else parts.push(c.content);
    }
  };
  walk(node, 0);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export function expect(node: Node | undefined, tag: number, what: string): Node {
  if (!node) throw new DerError(`${what}: missing`);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

export function child(node: Node, i: number, what: string): Node {
  const c = node.children[i];
  if (!c) throw new DerError(`${what}: element ${i} missing`);
  return c;
}

export function readOid(node: Node): string {
  if (node.tag !== TAG.OID) throw new DerError(`expected an OBJECT IDENTIFIER, got tag 0x${node.tag.toString(16)}`);
  const b = node.content;
  if (b.length === 0 || b.length > 64) throw new DerError('bad OBJECT IDENTIFIER length');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < b.length; i++) {
    value = value * 128 + (b[i]! & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OBJECT IDENTIFIER arc too large');
    if ((b[i]! & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === b.length - 1) throw new DerError('OBJECT IDENTIFIER ends inside an arc');
  }
  return arcs.join('.');
}

/** A small non-negative INTEGER as a number (CMS versions, GCM tag lengths, salt lengths). */
export function readSmallInt(node: Node): number {
  if (node.tag !== TAG.INTEGER && node.tag !== TAG.ENUMERATED) throw new DerError(`expected an INTEGER, got tag 0x${node.tag.toString(16)}`);
  const b = node.content;
  if (b.length === 0 || b.length > 4 || (b[0]! & 0x80) !== 0) throw new DerError('INTEGER out of range');
  return b.reduce((n, x) => n * 256 + x, 0);
}

/** An INTEGER's magnitude without leading zero octets (serial numbers compare this way). */
export function integerBytes(node: Node): Buffer {
  if (node.tag !== TAG.INTEGER) throw new DerError(`expected an INTEGER, got tag 0x${node.tag.toString(16)}`);
  let b = node.content;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b;
}

export function readTime(node: Node): Date {
  const s = node.content.toString('latin1');
  let m: RegExpExecArray | null;
  if (node.tag === TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (node.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError(`unreadable time "${s.slice(0, 20)}"`);
}

export function readString(node: Node): string {
  return node.content.toString(node.tag === TAG.UTF8_STRING ? 'utf8' : 'latin1');
}

// ---------------------------------------------------------------------------------------------
// Writers (DER)

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const len = content.reduce((n, b) => n + b.length, 0);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(len), ...content]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...items);

/** DER SET OF: elements sorted by their encodings (X.690 §11.6), which signed attributes depend on. */
export const setOf = (...items: Buffer[]): Buffer => tlv(TAG.SET, ...[...items].sort(Buffer.compare));

export const octetString = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const nul = (): Buffer => Buffer.from([TAG.NULL, 0]);
export const bitString = (b: Buffer): Buffer => tlv(TAG.BIT_STRING, Buffer.from([0]), b);
export const utf8 = (s: string): Buffer => tlv(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const visible = (s: string): Buffer => tlv(TAG.VISIBLE_STRING, Buffer.from(s, 'latin1'));
export const enumerated = (n: number): Buffer => tlv(TAG.ENUMERATED, Buffer.from([n]));

/** [n] EXPLICIT: a constructed context tag around one encoding. */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** [n] IMPLICIT on a constructed type: the outer tag of `encoding` replaced, its content kept. */
export function implicitConstructed(n: number, encoding: Buffer): Buffer {
  const node = decode(encoding);
  return tlv(0xa0 | n, node.content);
}

/** [n] IMPLICIT on a primitive type (OCTET STRING and the like). */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

export function integer(value: number | Buffer): Buffer {
  let b: Buffer;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('integer(): non-negative safe integers only');
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    b = Buffer.from(bytes.length ? bytes : [0]);
  } else {
    b = value;
    while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  }
  if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (v: number): void => {
    const bytes = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, Buffer.from(out));
}

/** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5652 §11.3), whole seconds. */
export function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'latin1')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}

/** AlgorithmIdentifier; `params` undefined means absent (not NULL). */
export function algorithm(oidString: string, params?: Buffer): Buffer {
  return params ? seq(oid(oidString), params) : seq(oid(oidString));
}
