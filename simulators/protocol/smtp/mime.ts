/**
 * Just enough MIME (RFC 2045/2046, RFC 5322) to check interworking voicemail without rewriting it: split
 * an entity into header and body at the first empty line, read (unfolded) header fields and their
 * parameters, and split a multipart body into its parts as the exact bytes they were sent as. Nothing
 * here re-encodes: a signature over a part still verifies over what `parts()` returns.
 */
export interface MimeEntity {
  /** the header block as sent, without the empty line */
  headerText: string;
  /** the body as sent */
  body: string;
  /** unfolded fields, names lower-cased, in order */
  fields: Array<{ name: string; value: string }>;
}

export function parseEntity(raw: Buffer | string): MimeEntity {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const headerText = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const fields: MimeEntity['fields'] = [];
  for (const line of headerText.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1]!.value += ' ' + line.trim();
    else {
      const i = line.indexOf(':');
      if (i > 0) fields.push({ name: line.slice(0, i).trim().toLowerCase(), value: line.slice(i + 1).trim() });
    }
  }
  return { headerText, body, fields };
}

export function field(e: MimeEntity, name: string): string | undefined {
  return e.fields.find((f) => f.name === name.toLowerCase())?.value;
}

/** A structured field's value and parameters: `multipart/voice-message; boundary="b"; version=2.0`. */
export function parameters(value: string | undefined): { value: string; params: Record<string, string> } {
  if (!value) return { value: '', params: {} };
  const [head, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: head!.trim().toLowerCase(), params };
}

export function contentType(e: MimeEntity): { value: string; params: Record<string, string> } {
  return parameters(field(e, 'content-type') ?? 'text/plain');
}

/** The parts of a multipart body (RFC 2046 §5.1.1), each as the exact text between its delimiters. */
export function parts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const out: string[] = [];
  const lines = body.split(/(?<=\n)/);
  let current: string[] | undefined;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '');
    if (bare === delimiter || bare === `${delimiter}--`) {
      if (current) {
        // the CRLF before a delimiter belongs to the delimiter
        const text = current.join('');
        out.push(text.replace(/\r?\n$/, ''));
      }
      if (bare.endsWith('--')) return out;
      current = [];
    } else if (current) current.push(line);
  }
  return out;
}
