/**
 * IMAP framing (RFC 3501 §2.2, RFC 7888): turns the client's byte stream into whole commands. A command
 * is one or more CRLF-terminated lines, each but the last ending in a literal marker `{n}` (synchronising:
 * the server answers `+` first) or `{n+}` (LITERAL+: the bytes follow at once). Limits keep a hostile peer
 * from exhausting memory; every violation becomes a FramingError the session answers with BAD, and the
 * stream stays usable.
 */

/** The longest line (without CRLF) the server reads. */
export const MAX_LINE = 64 * 1024;
/** The largest literal the server accepts. */
export const MAX_LITERAL = 1024 * 1024;
/** A non-synchronising literal over MAX_LITERAL is skipped byte by byte, up to this size; beyond it the connection is closed. */
export const MAX_SKIP = 64 * 1024 * 1024;
/** All literals of one command together (many small literals must not add up to unbounded memory). */
export const MAX_COMMAND_LITERALS = 4 * MAX_LITERAL;

export type Segment = { kind: 'text'; data: Buffer } | { kind: 'literal'; data: Buffer; nonSync: boolean };

export interface FramedCommand {
  kind: 'command';
  /** text parts with the literal markers removed, and the literals themselves, in order */
  segments: Segment[];
}

export interface FramingError {
  kind: 'error';
  code: 'line-too-long' | 'literal-too-large' | 'literal-too-large-fatal';
  /** the tag of the offending command, when its first bytes carried a syntactically valid one */
  tag?: string;
  text: string;
}

export type ReadResult = FramedCommand | FramingError | null;
export type LineResult = { kind: 'line'; data: Buffer } | FramingError | null;

const TAG_RE = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7e]+$/; // ASTRING-CHAR minus '+' (RFC 3501 §9)
const LITERAL_RE = /\{(\d+)(\+?)\}$/;

function tagOf(firstLine: Buffer): string | undefined {
  const head = firstLine.subarray(0, 200).toString('latin1');
  const sp = head.indexOf(' ');
  const tag = sp > 0 ? head.slice(0, sp) : undefined;
  return tag !== undefined && TAG_RE.test(tag) ? tag : undefined;
}

/**
 * Pull-based reader: the session awaits readCommand() (or readLine() inside AUTHENTICATE), so commands
 * are framed, answered and their `+` continuations sent strictly in order.
 */
export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  /** bytes still to drop (an over-long line, or a refused non-synchronising literal) */
  private skip = 0;
  private discardingLine: { tag: string | undefined } | undefined;
  /** set while dropping the rest of a command whose non-synchronising literal was refused */
  private discardCommand = false;
  // partial command state
  private segments: Segment[] = [];
  private firstLine: Buffer | undefined;
  private pendingLiteral: { size: number; nonSync: boolean } | undefined;
  private literalBytes = 0;

  constructor(
    /** called when a synchronising literal may be sent (the `+ ` continuation) */
    private readonly onContinuation: () => void,
    private readonly limits: { maxLine: number; maxLiteral: number } = { maxLine: MAX_LINE, maxLiteral: MAX_LITERAL },
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Unparsed bytes, removed from the reader (what a client pipelined after STARTTLS). */
  takeBuffered(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  async readCommand(): Promise<ReadResult> {
    for (;;) {
      const r = this.tryCommand();
      if (r !== undefined) return r;
      if (this.ended) return null;
      await this.waitForData();
    }
  }

  /** One raw line (SASL responses): no literal processing, same length limit. */
  async readLine(): Promise<LineResult> {
    for (;;) {
      const r = this.tryLine();
      if (r === 'none') {
        if (this.ended) return null;
        await this.waitForData();
        continue;
      }
      if (r.kind === 'error') return r;
      return { kind: 'line', data: r.data };
    }
  }

  /** Drops bytes that are being skipped; true when nothing is left to skip. */
  private doSkip(): boolean {
    if (this.skip === 0) return true;
    const n = Math.min(this.skip, this.buf.length);
    this.buf = this.buf.subarray(n);
    this.skip -= n;
    return this.skip === 0;
  }

  /** Next complete line, or 'none' if more data is needed; enforces the line limit. */
  private tryLine(): { kind: 'line'; data: Buffer } | FramingError | 'none' {
    for (;;) {
      if (!this.doSkip()) return 'none';
      const lf = this.buf.indexOf(0x0a);
      if (this.discardingLine) {
        if (lf < 0) {
          this.buf = Buffer.alloc(0);
          return 'none';
        }
        this.buf = this.buf.subarray(lf + 1);
        const { tag } = this.discardingLine;
        this.discardingLine = undefined;
        this.resetCommand();
        return this.error('line-too-long', `line exceeds ${this.limits.maxLine} bytes`, tag);
      }
      if (lf < 0) {
        if (this.buf.length > this.limits.maxLine + 1) {
          this.discardingLine = { tag: tagOf(this.firstLine ?? this.buf) };
          this.buf = Buffer.alloc(0);
          continue;
        }
        return 'none';
      }
      let line = this.buf.subarray(0, lf);
      this.buf = this.buf.subarray(lf + 1);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      if (line.length > this.limits.maxLine) {
        const tag = tagOf(this.firstLine ?? line);
        this.resetCommand();
        return this.error('line-too-long', `line exceeds ${this.limits.maxLine} bytes`, tag);
      }
      return { kind: 'line', data: line };
    }
  }

  private error(code: FramingError['code'], text: string, tag: string | undefined): FramingError {
    return tag === undefined ? { kind: 'error', code, text } : { kind: 'error', code, text, tag };
  }

  private resetCommand(): void {
    this.segments = [];
    this.firstLine = undefined;
    this.pendingLiteral = undefined;
    this.literalBytes = 0;
  }

  private tryCommand(): ReadResult | undefined {
    for (;;) {
      if (this.pendingLiteral) {
        const { size, nonSync } = this.pendingLiteral;
        if (this.buf.length < size) return undefined;
        this.segments.push({ kind: 'literal', data: Buffer.from(this.buf.subarray(0, size)), nonSync });
        this.buf = this.buf.subarray(size);
        this.pendingLiteral = undefined;
      }
      const r = this.tryLine();
      if (r === 'none') return undefined;
      if (r.kind === 'error') {
        this.discardCommand = false;
        return r;
      }
      const line = r.data;
      const m = LITERAL_RE.exec(line.subarray(Math.max(0, line.length - 64)).toString('latin1'));
      if (this.discardCommand) {
        // Rest of a refused command: follow its non-synchronising literals, stop at its last line.
        if (m && m[2] === '+' && m[1]!.length <= 12 && Number(m[1]) <= MAX_SKIP) {
          this.skip = Number(m[1]);
          continue;
        }
        this.discardCommand = false;
        continue;
      }
      if (this.firstLine === undefined) this.firstLine = line;
      if (!m) {
        this.segments.push({ kind: 'text', data: line });
        const cmd: FramedCommand = { kind: 'command', segments: this.segments };
        this.resetCommand();
        return cmd;
      }
      const digits = m[1]!;
      const nonSync = m[2] === '+';
      const size = digits.length > 12 ? Number.POSITIVE_INFINITY : Number(digits);
      const tag = tagOf(this.firstLine);
      if (size > this.limits.maxLiteral || this.literalBytes + size > MAX_COMMAND_LITERALS) {
        this.resetCommand();
        if (!nonSync) {
          // No continuation: the client must not send the literal (RFC 3501 §7.5).
          return this.error('literal-too-large', `literal of ${digits} bytes exceeds the limit of ${this.limits.maxLiteral}`, tag);
        }
        if (size > MAX_SKIP) {
          return this.error('literal-too-large-fatal', `non-synchronising literal of ${digits} bytes is too large to skip`, tag);
        }
        this.skip = size;
        this.discardCommand = true;
        return this.error('literal-too-large', `literal of ${digits} bytes exceeds the limit of ${this.limits.maxLiteral}`, tag);
      }
      this.segments.push({ kind: 'text', data: line.subarray(0, line.length - m[0].length) });
      this.pendingLiteral = { size, nonSync };
      this.literalBytes += size;
      if (!nonSync) this.onContinuation();
    }
  }
}
