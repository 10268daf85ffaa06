/**
 * The byte-level pieces every command codec shares: a bounded reader that never reads past the PDU
 * (command_length), a writer over a buffer sized up front, and the error a malformed PDU raises. The
 * error carries the command_status the peer gets, and whether it is a header-level fault (answered by
 * generic_nack, §3.3 / §4.3) or a field-level one (answered by the command's own response).
 */
import { STATUS } from './constants';

export class PduError extends Error {
  override readonly name = 'PduError';
  constructor(
    /** the command_status to answer with */
    readonly status: number,
    message: string,
    /** true: the PDU as a whole is unusable (length, command_id): generic_nack; false: <command>_resp */
    readonly generic: boolean,
  ) {
    super(message);
  }
}

/** A PDU whose declared length does not hold its mandatory fields is an invalid command_length. */
function truncated(what: string): PduError {
  return new PduError(STATUS.ESME_RINVCMDLEN, `PDU ends inside ${what}`, true);
}

/**
 * How a reader treats a C-Octet String longer than its field: 'enforce' refuses it with the field's own
 * status (SMPP v3.4 §5.2); 'truncate' cuts it to the field, as a fixed-size copy would (a faulty SMSC's
 * way, PRAC-04).
 */
export type FieldSizes = 'enforce' | 'truncate';

export class BodyReader {
  constructor(
    private readonly buf: Buffer,
    public offset: number,
    private readonly end: number,
    private readonly fieldSizes: FieldSizes = 'enforce',
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(field: string): number {
    if (this.offset + 1 > this.end) throw truncated(field);
    return this.buf[this.offset++]!;
  }

  u16(field: string): number {
    if (this.offset + 2 > this.end) throw truncated(field);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    if (this.offset + 4 > this.end) throw truncated(field);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /**
   * A C-Octet String: up to `max` octets including its NUL. No NUL before the PDU ends is a truncated
   * PDU (generic_nack ESME_RINVCMDLEN); a NUL beyond `max` is the field's own error (`tooLong`).
   */
  cstring(field: string, max: number, tooLong: number): string {
    const nul = this.buf.indexOf(0, this.offset);
    if (nul < 0 || nul >= this.end) throw truncated(`the C-Octet String ${field} (no NUL terminator)`);
    const over = nul - this.offset + 1 > max;
    if (over && this.fieldSizes === 'enforce') throw new PduError(tooLong, `${field} is ${nul - this.offset + 1} octets, at most ${max} with its NUL`, false);
    const s = this.buf.toString('latin1', this.offset, over ? this.offset + max - 1 : nul);
    this.offset = nul + 1;
    return s;
  }

  /** `n` octets, copied: decoded PDUs outlive the socket chunk they came in. */
  octets(field: string, n: number): Buffer {
    if (this.offset + n > this.end) throw truncated(field);
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

export class BodyWriter {
  readonly buf: Buffer;
  offset = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  u8(v: number): void {
    this.buf[this.offset++] = v & 0xff;
  }

  u16(v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, this.offset);
    this.offset += 2;
  }

  u32(v: number): void {
    this.buf.writeUInt32BE(v >>> 0, this.offset);
    this.offset += 4;
  }

  cstring(s: string): void {
    this.offset += this.buf.write(s, this.offset, 'latin1');
    this.buf[this.offset++] = 0;
  }

  octets(b: Buffer): void {
    b.copy(this.buf, this.offset);
    this.offset += b.length;
  }
}

/** Octets a C-Octet String takes on the wire. */
export function cstringSize(s: string): number {
  return s.length + 1;
}
