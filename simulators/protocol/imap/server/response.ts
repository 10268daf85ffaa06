/**
 * Response building: quoting rules (RFC 3501 §4.3), literals, IMAP dates, and an output builder that
 * yields both the wire bytes and a transcript text in which big literals are summarised.
 */

/** Literals longer than this are summarised in transcripts. */
export const TRANSCRIPT_LITERAL_MAX = 200;

const QUOTABLE = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;
const ATOM = /^[\x21\x23-\x27\x2a-\x5b\x5e-\x7a\x7c-\x7e]+$/; // ATOM-CHAR: no ( ) { SP CTL % * " \ ]

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export class Out {
  private readonly parts: Buffer[] = [];
  private readonly shown: string[] = [];

  text(s: string): this {
    this.parts.push(Buffer.from(s, 'utf8'));
    this.shown.push(s);
    return this;
  }

  literal(data: Buffer): this {
    this.parts.push(Buffer.from(`{${data.length}}\r\n`), data);
    this.shown.push(
      data.length > TRANSCRIPT_LITERAL_MAX || !QUOTABLE.test(data.toString('latin1'))
        ? `{${data.length}}«literal, ${data.length} bytes»`
        : `{${data.length}}\r\n${data.toString('latin1')}`,
    );
    return this;
  }

  /** A string: quoted when it can be, a literal otherwise. */
  string(s: string | Buffer): this {
    const str = Buffer.isBuffer(s) ? s.toString('latin1') : s;
    if (!Buffer.isBuffer(s) && s.length <= 1000 && QUOTABLE.test(s)) return this.text(quote(s));
    if (Buffer.isBuffer(s) && s.length <= 1000 && QUOTABLE.test(str)) return this.text(quote(str));
    return this.literal(Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
  }

  nstring(s: string | Buffer | undefined | null): this {
    return s === undefined || s === null ? this.text('NIL') : this.string(s);
  }

  astring(s: string): this {
    return ATOM.test(s) ? this.text(s) : this.string(s);
  }

  /** Wire bytes, ending with CRLF. */
  toBuffer(): Buffer {
    return Buffer.concat([...this.parts, Buffer.from('\r\n')]);
  }

  transcript(): string {
    return this.shown.join('');
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** date-time (RFC 3501 §9), in UTC: "17-Jul-1996 09:44:25 +0000" (day with leading space when < 10). */
export function imapDateTime(d: Date): string {
  const day = d.getUTCDate();
  return `${day < 10 ? ` ${day}` : day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** date (RFC 3501 §9 search keys): "1-Feb-1994" or "01-Feb-1994", as the UTC midnight of that day. */
export function parseImapDate(s: string): Date | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return undefined;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const d = new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
  return d.getUTCDate() === Number(m[1]) ? d : undefined;
}

/** date-time as APPEND takes it: "dd-Mon-yyyy hh:mm:ss +zzzz". */
export function parseImapDateTime(s: string): Date | undefined {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const day = parseImapDate(`${m[1]}-${m[2]}-${m[3]}`);
  if (!day) return undefined;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(day.getTime() + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000 - offset * 60000);
}
