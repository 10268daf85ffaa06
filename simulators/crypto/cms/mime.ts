/**
 * Just enough MIME (RFC 2045/2046) for S/MIME voicemail: header fields, Content-Type parameters,
 * multipart boundaries with the exact byte ranges of each part (S/MIME signs and encrypts exact
 * bytes, so parts are spliced, never re-serialised), and base64. Takes CRLF and the bare LF that
 * `openssl cms` writes around its own structure.
 */
import { randomBytes } from 'node:crypto';

export class MimeError extends Error {
  override readonly name = 'MimeError';
}

export interface HeaderField {
  name: string;
  /** unfolded, trimmed */
  value: string;
  /** the field as it appears, folding and line end included */
  raw: string;
}

export interface Entity {
  raw: Buffer;
  headers: HeaderField[];
  /** offset of the body in raw */
  bodyStart: number;
  body: Buffer;
}

/** Bounds for hostile input: a voicemail's header block is small, its nesting shallow. */
const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_MIME_DEPTH = 8;

function headerBlockEnd(raw: Buffer): { end: number; bodyStart: number } {
  if (raw[0] === 0x0a) return { end: 0, bodyStart: 1 };
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { end: 0, bodyStart: 2 };
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return { end: raw.length, bodyStart: raw.length };
  if (lf >= 0 && (crlf < 0 || lf < crlf + 1)) return { end: lf + 1, bodyStart: lf + 2 };
  return { end: crlf + 2, bodyStart: crlf + 4 };
}

export function parseEntity(raw: Buffer): Entity {
  const { end, bodyStart } = headerBlockEnd(raw);
  if (end > MAX_HEADER_BYTES) throw new MimeError(`header block of ${end} bytes`);
  const block = raw.subarray(0, end).toString('latin1');
  const headers: HeaderField[] = [];
  const lines = block.split(/(?<=\n)/);
  for (const line of lines) {
    if (line === '' || line === '\r\n' || line === '\n') continue;
    if ((line[0] === ' ' || line[0] === '\t') && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last.raw += line;
      last.value = (last.value + ' ' + line.trim()).trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MimeError(`not a header field: "${line.slice(0, 40).trim()}"`);
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), raw: line });
  }
  return { raw, headers, bodyStart, body: raw.subarray(bodyStart) };
}

export function headerValue(headers: readonly HeaderField[], name: string): string | undefined {
  const n = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === n)?.value;
}

export interface ContentType {
  /** lower-case type/subtype, e.g. 'multipart/signed' */
  mime: string;
  params: Record<string, string>;
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { mime: 'text/plain', params: {} };
  const semi = value.indexOf(';');
  const mime = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (const m of value.slice(semi < 0 ? value.length : semi).matchAll(re)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { mime, params };
}

export function contentTypeOf(e: Entity): ContentType {
  return parseContentType(headerValue(e.headers, 'Content-Type'));
}

/** A part of a multipart body, as a byte range of the multipart entity's raw bytes. */
export interface PartRange {
  start: number;
  end: number;
}

/**
 * The parts of a multipart entity (RFC 2046 §5.1.1): each part is the bytes after its delimiter line
 * up to the line break before the next delimiter (that line break belongs to the delimiter).
 */
export function multipartRanges(e: Entity): PartRange[] {
  const boundary = contentTypeOf(e).params['boundary'];
  if (!boundary || boundary.length > 70) throw new MimeError('multipart without a usable boundary');
  const dash = Buffer.from('--' + boundary, 'latin1');
  const raw = e.raw;
  const delimiters: Array<{ lineStart: number; after: number; close: boolean }> = [];
  let from = e.bodyStart;
  for (;;) {
    const at = raw.indexOf(dash, from);
    if (at < 0) break;
    from = at + dash.length;
    const atLineStart = at === e.bodyStart || raw[at - 1] === 0x0a;
    if (!atLineStart) continue;
    let p = at + dash.length;
    const close = raw[p] === 0x2d && raw[p + 1] === 0x2d;
    if (close) p += 2;
    while (raw[p] === 0x20 || raw[p] === 0x09) p++; // transport padding
    if (p < raw.length && raw[p] !== 0x0d && raw[p] !== 0x0a) continue; // a longer boundary-like string
    if (raw[p] === 0x0d) p++;
    if (raw[p] === 0x0a) p++;
    const lineStart = at === e.bodyStart ? at : raw[at - 2] === 0x0d ? at - 2 : at - 1;
    delimiters.push({ lineStart, after: p, close });
    if (close) break;
  }
  const closed = delimiters.length > 0 && delimiters[delimiters.length - 1]!.close;
  if (!closed) throw new MimeError(`multipart body without its closing delimiter --${boundary}--`);
  const parts: PartRange[] = [];
  for (let i = 0; i + 1 < delimiters.length; i++) parts.push({ start: delimiters[i]!.after, end: Math.max(delimiters[i]!.after, delimiters[i + 1]!.lineStart) });
  return parts;
}

export function partEntities(e: Entity): Array<{ range: PartRange; entity: Entity }> {
  return multipartRanges(e).map((range) => ({ range, entity: parseEntity(e.raw.subarray(range.start, range.end)) }));
}

/** The body with its Content-Transfer-Encoding undone. */
export function decodedBody(e: Entity): Buffer {
  const cte = (headerValue(e.headers, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  // RFC 2045 §6.8: characters outside the base64 alphabet are ignored (Node's decoder does exactly that).
  if (cte === 'base64') return Buffer.from(e.body.toString('latin1'), 'base64');
  if (cte === 'quoted-printable') {
    const text = e.body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return e.body;
}

/** base64 in 76-character lines with CRLF (RFC 2045 §6.8). */
export function base64Lines(data: Buffer): Buffer {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
}

/** An entity from header fields (name, value) and a body, CRLF line ends. */
export function buildEntity(headers: ReadonlyArray<readonly [string, string]>, body: Buffer): Buffer {
  const head = headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export function randomBoundary(prefix = 'evvm'): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

/** A multipart body from exact part bytes. */
export function multipartBody(boundary: string, parts: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) out.push(Buffer.from(`--${boundary}\r\n`, 'latin1'), p, Buffer.from('\r\n', 'latin1'));
  out.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(out);
}

/** Bytes with one range replaced. */
export function splice(raw: Buffer, range: PartRange, replacement: Buffer): Buffer {
  return Buffer.concat([raw.subarray(0, range.start), replacement, raw.subarray(range.end)]);
}

/** Bare LF to CRLF: the canonical form S/MIME signs (RFC 8551 §3.1.1). */
export function canonicalCrlf(data: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  let changed = false;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
    if (i > 0 && data[i - 1] === 0x0d) continue;
    pieces.push(data.subarray(start, i), CRLF);
    start = i + 1;
    changed = true;
  }
  if (!changed) return data;
  pieces.push(data.subarray(start));
  return Buffer.concat(pieces);
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * The fields that describe the MIME entity itself and move with it into S/MIME. Content-Duration
 * (RFC 3803) is not among them: on the message it is a VVM listing field that must stay readable in
 * clear (the audio part carries its own copy inside).
 */
const ENTITY_FIELDS = new Set([
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-description',
  'content-id',
  'content-language',
  'content-location',
  'content-md5',
]);

export const isContentHeader = (h: HeaderField): boolean => ENTITY_FIELDS.has(h.name.toLowerCase());

/**
 * A message split into its RFC 5322 header fields and its MIME entity (the Content-* fields and the
 * body): S/MIME protects the entity, the message headers stay outside it (RFC 8551 §3.1).
 */
export function splitMessage(raw: Buffer): { outer: HeaderField[]; entity: Buffer } {
  const e = parseEntity(raw);
  const content = e.headers.filter(isContentHeader);
  const head = content.map((h) => h.raw.replace(/\r?\n$/, '') + '\r\n').join('') + '\r\n';
  return { outer: e.headers.filter((h) => !isContentHeader(h)), entity: Buffer.concat([Buffer.from(head, 'latin1'), e.body]) };
}

/** The message from its header fields and an entity (which brings its own Content-* fields). */
export function joinMessage(outer: readonly HeaderField[], entity: Buffer): Buffer {
  const head = outer.map((h) => h.raw.replace(/\r?\n$/, '') + '\r\n').join('');
  return Buffer.concat([Buffer.from(head, 'latin1'), entity]);
}
