/**
 * Cuts a TCP byte stream into PDUs by command_length (§3.2). A length below 16 or above the maximum
 * cannot be trusted to find the next PDU: the framer reports it once and stops, so the session answers
 * generic_nack ESME_RINVCMDLEN and closes (smpp 0.5.1 wedges or crashes here, stack.md §2.3).
 */
import { HEADER_LENGTH } from './constants';

export type FramingFault = {
  /** the declared command_length */
  length: number;
  /** the sequence_number, when the header arrived whole; 0 otherwise */
  sequence: number;
  reason: string;
};

export class PduFramer {
  private pending: Buffer | undefined;
  private broken = false;

  constructor(private readonly maxLength: number) {}

  /** Octets received that do not yet form a whole PDU. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Feeds a chunk; calls onPdu with each whole PDU (a view into the chunk, valid during the call) and
   * onFault at most once, after which everything is discarded.
   */
  push(chunk: Buffer, onPdu: (frame: Buffer) => void, onFault: (fault: FramingFault) => void): void {
    if (this.broken) return;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let off = 0;
    while (buf.length - off >= 4) {
      const length = buf.readUInt32BE(off);
      if (length < HEADER_LENGTH || length > this.maxLength) {
        this.broken = true;
        const sequence = buf.length - off >= HEADER_LENGTH ? buf.readUInt32BE(off + 12) : 0;
        onFault({ length, sequence, reason: length < HEADER_LENGTH ? `command_length ${length} is shorter than the header` : `command_length ${length} exceeds the maximum ${this.maxLength}` });
        return;
      }
      if (buf.length - off < length) break;
      onPdu(buf.subarray(off, off + length));
      if (this.broken) return;
      off += length;
    }
    if (off < buf.length) {
      // keep only the tail; copy it so the (possibly large) chunk can be freed
      this.pending = Buffer.from(buf.subarray(off));
    }
  }

  /** Stops framing (the session is closing). */
  stop(): void {
    this.broken = true;
    this.pending = undefined;
  }
}
