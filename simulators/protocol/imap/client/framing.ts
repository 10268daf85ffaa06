/**
 * Response framing: splits the server's byte stream into complete responses (a line, plus any literals
 * `{n}` it announces, plus the lines that continue it). All limits are enforced before bytes are kept,
 * so a hostile server gets an error, not unbounded memory (PRAC-02).
 */
import { ProtocolError } from './errors';
import type { ResponseUnit } from './types';

export interface FramingLimits {
  /** longest line without a CRLF (default 1 MiB) */
  maxLineBytes: number;
  /** largest single literal announcement (default 16 MiB) */
  maxLiteralBytes: number;
  /** largest complete response, lines and literals together (default 32 MiB) */
  maxResponseBytes: number;
}

export const DEFAULT_LIMITS: FramingLimits = {
  maxLineBytes: 1024 * 1024,
  maxLiteralBytes: 16 * 1024 * 1024,
  maxResponseBytes: 32 * 1024 * 1024,
};

// A literal announcement closes the line: `{123}`, `{123+}` (LITERAL+), `~{123}` (BINARY).
const LITERAL_AT_END = /~?\{(\d+)\+?\}$/;

export class ResponseReader {
  private chunks: Buffer[] = [];
  private length = 0;
  /** leading chunks already searched for LF (and their size), so a line trickled in byte by byte stays linear */
  private scannedChunks = 0;
  private scannedBytes = 0;
  private segments: string[] = [];
  private literals: Buffer[] = [];
  private unitBytes = 0;
  /** bytes of literal still expected, or -1 when reading a line */
  private literalNeeded = -1;

  constructor(private readonly limits: FramingLimits = DEFAULT_LIMITS) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next complete response, or null if more bytes are needed. Throws ProtocolError when a limit is broken. */
  next(): ResponseUnit | null {
    for (;;) {
      if (this.literalNeeded >= 0) {
        if (this.length < this.literalNeeded) return null;
        this.literals.push(this.take(this.literalNeeded));
        this.literalNeeded = -1;
        continue;
      }
      const lf = this.findLf();
      if (lf < 0) {
        if (this.length > this.limits.maxLineBytes) {
          throw new ProtocolError('LINE_TOO_LONG', `server line exceeds ${this.limits.maxLineBytes} bytes without CRLF`);
        }
        return null;
      }
      if (lf > this.limits.maxLineBytes) {
        throw new ProtocolError('LINE_TOO_LONG', `server line of ${lf} bytes exceeds ${this.limits.maxLineBytes}`);
      }
      const lineBytes = this.take(lf + 1);
      this.unitBytes += lineBytes.length;
      let end = lineBytes.length - 1;
      if (end > 0 && lineBytes[end - 1] === 0x0d) end -= 1;
      const line = lineBytes.subarray(0, end).toString('utf8');
      this.segments.push(line);
      // Continuation requests carry resp-text or base64, never literals, so `+ {9999999}` is just text.
      const announced = this.segments.length === 1 && line.startsWith('+') ? null : LITERAL_AT_END.exec(line);
      if (announced) {
        const digits = announced[1]!;
        const n = digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
        if (n > this.limits.maxLiteralBytes) {
          throw new ProtocolError('LITERAL_TOO_LARGE', `server announced a literal of ${digits} bytes (limit ${this.limits.maxLiteralBytes})`);
        }
        if (this.unitBytes + n > this.limits.maxResponseBytes) {
          throw new ProtocolError('RESPONSE_TOO_LARGE', `server response exceeds ${this.limits.maxResponseBytes} bytes`);
        }
        this.unitBytes += n;
        this.literalNeeded = n;
        continue;
      }
      if (this.unitBytes > this.limits.maxResponseBytes) {
        throw new ProtocolError('RESPONSE_TOO_LARGE', `server response exceeds ${this.limits.maxResponseBytes} bytes`);
      }
      const unit: ResponseUnit = { segments: this.segments, literals: this.literals, bytes: this.unitBytes };
      this.segments = [];
      this.literals = [];
      this.unitBytes = 0;
      return unit;
    }
  }

  /** Bytes received but not yet framed (used to detect plaintext injected after the STARTTLS OK). */
  remaining(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }

  /** True when a response has started but is not complete. */
  get partial(): boolean {
    return this.length > 0 || this.segments.length > 0 || this.literalNeeded >= 0;
  }

  private findLf(): number {
    for (let i = this.scannedChunks; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const idx = chunk.indexOf(0x0a);
      if (idx >= 0) return this.scannedBytes + idx;
      this.scannedChunks = i + 1;
      this.scannedBytes += chunk.length;
    }
    return -1;
  }

  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.length <= need) {
        parts.push(head);
        this.chunks.shift();
        need -= head.length;
      } else {
        parts.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    this.scannedChunks = 0;
    this.scannedBytes = 0;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }
}
