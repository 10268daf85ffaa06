/**
 * Just enough RFC 5322 / MIME parsing for FETCH: header and body split, header fields, the MIME tree
 * (multipart and message/rfc822), ENVELOPE, BODY/BODYSTRUCTURE, and section extraction (BODY[1.2.TEXT]).
 */
import { Out } from './response';

export interface HeaderField {
  /** as written */
  name: string;
  /** unfolded value, trimmed */
  value: string;
  /** the raw line(s), including the CRLF */
  raw: Buffer;
}

export interface MimePart {
  /** raw header block including the blank line that ends it */
  header: Buffer;
  body: Buffer;
  fields: HeaderField[];
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  /** children of a multipart */
  parts?: MimePart[];
  /** the enclosed message of a message/rfc822 part */
  message?: MimePart;
}

function splitHeader(raw: Buffer): { header: Buffer; body: Buffer } {
  if (raw.subarray(0, 2).toString('latin1') === '\r\n') return { header: raw.subarray(0, 2), body: raw.subarray(2) };
  if (raw[0] === 0x0a) return { header: raw.subarray(0, 1), body: raw.subarray(1) };
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  let end = -1;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) end = crlf + 4;
  else if (lf >= 0) end = lf + 2;
  if (end < 0) return { header: raw, body: Buffer.alloc(0) };
  return { header: raw.subarray(0, end), body: raw.subarray(end) };
}

export function parseFields(header: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let start = 0;
  let cur: { start: number; end: number } | undefined;
  const flush = (): void => {
    if (!cur) return;
    const raw = header.subarray(cur.start, cur.end);
    const s = raw.toString('utf8');
    const colon = s.indexOf(':');
    if (colon > 0) {
      fields.push({ name: s.slice(0, colon).trim(), value: s.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim(), raw });
    }
    cur = undefined;
  };
  while (start < header.length) {
    let nl = header.indexOf(0x0a, start);
    if (nl < 0) nl = header.length - 1;
    const lineEnd = nl + 1;
    const first = header[start];
    const blank = first === 0x0a || (first === 0x0d && header[start + 1] === 0x0a);
    if (blank) break;
    if ((first === 0x20 || first === 0x09) && cur) cur.end = lineEnd;
    else {
      flush();
      cur = { start, end: lineEnd };
    }
    start = lineEnd;
  }
  flush();
  return fields;
}

export function fieldValue(fields: readonly HeaderField[], name: string): string | undefined {
  const n = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === n)?.value;
}

/**
 * `a=b; c="d e"`: one left-to-right pass (a regular expression here backtracked quadratically on an
 * 80,000-character parameter without '='). A parameter without '=' or with a space in its name is skipped.
 */
function parseParams(rest: string): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  let i = 0;
  while (i < rest.length) {
    let eq = i;
    while (eq < rest.length && rest[eq] !== '=' && rest[eq] !== ';') eq++;
    const name = rest.slice(i, eq).trim();
    if (eq >= rest.length || rest[eq] === ';') {
      i = eq + 1;
      continue;
    }
    let j = eq + 1;
    while (rest[j] === ' ' || rest[j] === '\t') j++;
    let value: string;
    if (rest[j] === '"') {
      let out = '';
      j++;
      while (j < rest.length && rest[j] !== '"') {
        if (rest[j] === '\\' && j + 1 < rest.length) j++;
        out += rest[j];
        j++;
      }
      value = out;
      const semi = rest.indexOf(';', j);
      i = semi < 0 ? rest.length : semi + 1;
    } else {
      const semi = rest.indexOf(';', j);
      const end = semi < 0 ? rest.length : semi;
      value = rest.slice(j, end).trim();
      i = end + 1;
    }
    if (name !== '' && !/\s/.test(name)) params.push([name.toLowerCase(), value]);
  }
  return params;
}

/** "type/subtype; a=b; c=\"d e\"" */
function parseContentType(v: string | undefined): { type: string; subtype: string; params: Array<[string, string]> } {
  if (!v) return { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] };
  const semi = v.indexOf(';');
  const main = (semi < 0 ? v : v.slice(0, semi)).trim();
  const [type, subtype] = main.split('/');
  const params = parseParams(semi < 0 ? '' : v.slice(semi + 1));
  if (!type || !subtype) return { type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']] };
  return { type: type.trim().toLowerCase(), subtype: subtype.trim().toLowerCase(), params };
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delim = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let pos = 0;
  let partStart = -1;
  for (;;) {
    const i = body.indexOf(delim, pos);
    if (i < 0) break;
    const atLineStart = i === 0 || body[i - 1] === 0x0a;
    if (!atLineStart) {
      pos = i + delim.length;
      continue;
    }
    if (partStart >= 0) {
      // The CRLF before the delimiter belongs to the delimiter (RFC 2046 §5.1.1).
      let end = i;
      if (end > partStart && body[end - 1] === 0x0a) end--;
      if (end > partStart && body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(partStart, end));
    }
    const closing = body[i + delim.length] === 0x2d && body[i + delim.length + 1] === 0x2d;
    if (closing) return parts;
    const nl = body.indexOf(0x0a, i);
    if (nl < 0) return parts;
    partStart = nl + 1;
    pos = partStart;
  }
  // No closing delimiter: keep what follows the last one as a final part.
  if (partStart >= 0 && partStart <= body.length) parts.push(body.subarray(partStart));
  return parts;
}

export function parseMessage(raw: Buffer, depth = 0, defaultType?: string): MimePart {
  const { header, body } = splitHeader(raw);
  const fields = parseFields(header);
  const ctHeader = fieldValue(fields, 'content-type') ?? defaultType;
  const ct = parseContentType(ctHeader);
  const part: MimePart = { header, body, fields, ...ct };
  if (depth > 20) return part; // a nesting bomb stays a leaf
  const boundary = ct.params.find(([k]) => k === 'boundary')?.[1];
  if (ct.type === 'multipart' && boundary) {
    const childDefault = ct.subtype === 'digest' ? 'message/rfc822' : undefined;
    part.parts = splitMultipart(body, boundary).map((p) => parseMessage(p, depth + 1, childDefault));
  } else if (ct.type === 'message' && ct.subtype === 'rfc822') {
    part.message = parseMessage(body, depth + 1);
  }
  return part;
}

// ---- ENVELOPE ----

interface Address {
  name?: string;
  mailbox?: string;
  host?: string;
}

function splitTopLevel(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = false;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (quote) {
      cur += c;
      if (c === '\\' && i + 1 < v.length) cur += v[++i];
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '<') angle++;
    else if (c === '>') angle = Math.max(0, angle - 1);
    else if (c === '(') paren++;
    else if (c === ')') paren = Math.max(0, paren - 1);
    else if (c === ',' && angle === 0 && paren === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

export function parseAddressList(v: string | undefined): Address[] | undefined {
  if (!v) return undefined;
  const out: Address[] = [];
  for (let item of splitTopLevel(v)) {
    item = item.replace(/^[^"<@]*:\s*/, '').replace(/;\s*$/, ''); // group syntax: keep the members
    if (item === '') continue;
    let name: string | undefined;
    let addr = item;
    const lt = item.lastIndexOf('<');
    if (lt >= 0 && item.endsWith('>')) {
      addr = item.slice(lt + 1, -1).trim();
      name = item.slice(0, lt).trim().replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1') || undefined;
    } else {
      addr = item.replace(/\([^)]*\)/g, '').trim();
    }
    const at = addr.lastIndexOf('@');
    const mailbox = at >= 0 ? addr.slice(0, at) : addr;
    const host = at >= 0 ? addr.slice(at + 1) : undefined;
    const a: Address = { mailbox };
    if (name !== undefined) a.name = name;
    if (host !== undefined) a.host = host;
    out.push(a);
  }
  return out.length ? out : undefined;
}

function writeAddresses(out: Out, list: Address[] | undefined): void {
  if (!list) {
    out.text('NIL');
    return;
  }
  out.text('(');
  list.forEach((a) => {
    out.text('(').nstring(a.name).text(' NIL ').nstring(a.mailbox).text(' ').nstring(a.host).text(')');
  });
  out.text(')');
}

export function writeEnvelope(out: Out, m: MimePart): void {
  const f = (n: string): string | undefined => fieldValue(m.fields, n);
  const from = parseAddressList(f('from'));
  out.text('(').nstring(f('date')).text(' ').nstring(f('subject')).text(' ');
  writeAddresses(out, from);
  out.text(' ');
  writeAddresses(out, parseAddressList(f('sender')) ?? from);
  out.text(' ');
  writeAddresses(out, parseAddressList(f('reply-to')) ?? from);
  for (const h of ['to', 'cc', 'bcc']) {
    out.text(' ');
    writeAddresses(out, parseAddressList(f(h)));
  }
  out.text(' ').nstring(f('in-reply-to')).text(' ').nstring(f('message-id')).text(')');
}

// ---- BODY / BODYSTRUCTURE ----

const lines = (b: Buffer): number => {
  let n = 0;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
};

function writeParams(out: Out, params: Array<[string, string]>): void {
  if (params.length === 0) {
    out.text('NIL');
    return;
  }
  out.text('(');
  params.forEach(([k, v], i) => {
    if (i) out.text(' ');
    out.string(k.toUpperCase()).text(' ').string(v);
  });
  out.text(')');
}

function writeDisposition(out: Out, m: MimePart): void {
  const d = fieldValue(m.fields, 'content-disposition');
  if (!d) {
    out.text('NIL');
    return;
  }
  const parsed = parseContentType(`${d.split(';')[0]!.trim()}/x${d.includes(';') ? d.slice(d.indexOf(';')) : ''}`);
  out.text('(').string(parsed.type.toUpperCase()).text(' ');
  writeParams(out, parsed.params);
  out.text(')');
}

/** body (RFC 3501 §7.4.2); `extended` adds the BODYSTRUCTURE extension data. */
export function writeBodyStructure(out: Out, m: MimePart, extended: boolean): void {
  if (m.parts && m.parts.length > 0) {
    out.text('(');
    for (const p of m.parts) writeBodyStructure(out, p, extended);
    out.text(' ').string(m.subtype.toUpperCase());
    if (extended) {
      out.text(' ');
      writeParams(out, m.params);
      out.text(' ');
      writeDisposition(out, m);
      out.text(' NIL NIL');
    }
    out.text(')');
    return;
  }
  const f = (n: string): string | undefined => fieldValue(m.fields, n);
  const type = m.type === 'multipart' ? 'text' : m.type; // a multipart without parts is shown as text
  const subtype = m.type === 'multipart' ? 'plain' : m.subtype;
  out.text('(').string(type.toUpperCase()).text(' ').string(subtype.toUpperCase()).text(' ');
  writeParams(out, m.type === 'multipart' ? [] : m.params);
  out.text(' ').nstring(f('content-id')).text(' ').nstring(f('content-description')).text(' ');
  out.string((f('content-transfer-encoding') ?? '7BIT').toUpperCase()).text(` ${m.body.length}`);
  if (type === 'message' && subtype === 'rfc822' && m.message) {
    out.text(' ');
    writeEnvelope(out, m.message);
    out.text(' ');
    writeBodyStructure(out, m.message, extended);
    out.text(` ${lines(m.body)}`);
  } else if (type === 'text') {
    out.text(` ${lines(m.body)}`);
  }
  if (extended) {
    out.text(' ').nstring(f('content-md5')).text(' ');
    writeDisposition(out, m);
    out.text(' NIL NIL');
  }
  out.text(')');
}

// ---- sections ----

export interface Section {
  /** part path, empty for the whole message */
  path: number[];
  /** what of the part: '' (all), HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME */
  kind: '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  fields?: string[];
}

function selectFields(header: Buffer, names: readonly string[], not: boolean): Buffer {
  const set = new Set(names.map((n) => n.toLowerCase()));
  const chosen = parseFields(header)
    .filter((f) => set.has(f.name.toLowerCase()) !== not)
    .map((f) => (f.raw[f.raw.length - 1] === 0x0a ? f.raw : Buffer.concat([f.raw, Buffer.from('\r\n')])));
  return Buffer.concat([...chosen, Buffer.from('\r\n')]);
}

/** The bytes a section names, or undefined when the part does not exist (the answer is then empty). */
export function sectionContent(raw: Buffer, root: MimePart, s: Section): Buffer | undefined {
  if (s.path.length === 0) {
    switch (s.kind) {
      case '':
        return raw;
      case 'TEXT':
        return root.body;
      case 'HEADER':
        return root.header;
      case 'HEADER.FIELDS':
      case 'HEADER.FIELDS.NOT':
        return selectFields(root.header, s.fields ?? [], s.kind === 'HEADER.FIELDS.NOT');
      case 'MIME':
        return undefined;
    }
  }
  let part: MimePart = root;
  for (const n of s.path) {
    // Inside message/rfc822 the numbering continues in the enclosed message.
    const container: MimePart = part.message ?? part;
    if (container.parts) {
      const next = container.parts[n - 1];
      if (!next) return undefined;
      part = next;
    } else if (n === 1) {
      part = container; // a non-multipart message has one part: its body
    } else return undefined;
  }
  switch (s.kind) {
    case '':
      return part.body;
    case 'MIME':
      return part === root ? root.header : part.header;
    case 'TEXT':
      return part.message ? part.message.body : undefined;
    case 'HEADER':
      return part.message ? part.message.header : undefined;
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return part.message ? selectFields(part.message.header, s.fields ?? [], s.kind === 'HEADER.FIELDS.NOT') : undefined;
  }
}
