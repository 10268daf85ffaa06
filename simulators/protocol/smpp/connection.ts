/**
 * One SMPP connection, either end: framing, decoding, answers per protocol to what cannot be decoded,
 * sequence numbers, a window of outstanding requests with response timeouts, and coalesced writes.
 * The SMSC's session state machine and the ESME client sit on top of it.
 *
 * Robustness is the point: whatever a peer sends, this connection answers with generic_nack or the
 * command's error response, or closes; it never throws into the event loop and never stops reading
 * other connections. Writes are gathered per tick into one socket write, which is what makes tens of
 * thousands of PDUs per second possible on a small machine.
 */
import type { Socket } from 'node:net';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import { COMMAND_IDS, STATUS, statusName } from './constants';
import type { FieldSizes } from './codec';
import { PduFramer, type FramingFault } from './framing';
import { decodePdu, describePdu, encodeHeaderOnly, encodePdu, isRequest, PduDecodeError, responseOf, type Pdu, type ShortMessageBody } from './pdu';

/** Decode errors kept per connection in `faults`; later ones are counted in its last entry. */
export const MAX_FAULTS_KEPT = 100;

/** Octets queued for the socket beyond which this end stops reading it (a peer that never reads). */
const WRITE_HIGH_WATER = 1 << 20;

export type ResponseCallback = (response: Pdu | undefined, error?: Error) => void;

export interface SmppConnectionOptions {
  socket: Socket;
  secure: boolean;
  /** transcript names of this end and the other */
  actor: string;
  peer: string;
  conn: string;
  transcript?: TranscriptSink;
  /** largest command_length accepted (default 16384, smpp 0.5.1's) */
  maxPduLength?: number;
  /** outstanding requests before further ones queue (default 64) */
  window?: number;
  /** a request without response after this is failed (default 10 s) */
  responseTimeoutMs?: number;
  /** a partial PDU that stays incomplete this long closes the connection (default 10 s) */
  incompleteTimeoutMs?: number;
  /** renders message text for the transcript (redacting VVM secrets) */
  text?: (body: ShortMessageBody) => string;
  /** how often timeouts are checked and onTick runs (default: a quarter of the shortest timeout, 25 ms-1 s) */
  tickMs?: number;
  /** over-long C-Octet Strings: refused (default) or cut to their field (a faulty peer) */
  fieldSizes?: FieldSizes;
}

interface Pending {
  sentAt: number;
  callback: ResponseCallback;
}

export class SmppConnection {
  readonly socket: Socket;
  readonly secure: boolean;
  readonly conn: string;
  /** what the peer sent that could not be decoded, and how it was answered (the first MAX_FAULTS_KEPT) */
  readonly faults: string[] = [];
  private faultsNotKept = 0;
  private readonly framer: PduFramer;
  private readonly transcript: TranscriptSink;
  private readonly tracing: boolean;
  private readonly pending = new Map<number, Pending>();
  private readonly queued: Array<{ pdu: Pdu; callback: ResponseCallback }> = [];
  private out: Buffer[] = [];
  private flushScheduled = false;
  private sequence = 0;
  private partialSince = 0;
  private closing = false;
  private closedFlag = false;
  private readonly window: number;
  private readonly responseTimeoutMs: number;
  private readonly incompleteTimeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private pduListener: (pdu: Pdu) => void = () => undefined;
  private closeListeners: Array<() => void> = [];
  private decodeErrorListener: (err: PduDecodeError) => void = () => undefined;
  private tickListener: (now: number) => void = () => undefined;

  constructor(private readonly options: SmppConnectionOptions) {
    this.socket = options.socket;
    this.secure = options.secure;
    this.conn = options.conn;
    this.transcript = options.transcript ?? nullSink;
    this.tracing = this.transcript !== nullSink;
    this.framer = new PduFramer(options.maxPduLength ?? 16384);
    this.window = options.window ?? 64;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
    this.incompleteTimeoutMs = options.incompleteTimeoutMs ?? 10_000;
    const sweepMs = options.tickMs ?? Math.max(25, Math.min(1000, Math.floor(Math.min(this.responseTimeoutMs, this.incompleteTimeoutMs) / 4)));
    this.sweeper = setInterval(() => this.sweep(), sweepMs).unref();
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('drain', () => this.socket.resume());
    this.socket.on('error', (err: Error) => this.event(`socket error: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    this.socket.on('close', () => this.closed());
  }

  /** Every decoded PDU; responses to this end's requests go to their callbacks as well. */
  onPdu(listener: (pdu: Pdu) => void): void {
    this.pduListener = listener;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Called after the connection answered an undecodable PDU itself. */
  onDecodeError(listener: (err: PduDecodeError) => void): void {
    this.decodeErrorListener = listener;
  }

  /** A periodic tick (the SMSC's idle-session timer hangs on it). */
  onTick(listener: (now: number) => void): void {
    this.tickListener = listener;
  }

  get isClosed(): boolean {
    return this.closedFlag || this.closing;
  }

  get outstanding(): number {
    return this.pending.size;
  }

  nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Sends a PDU as is (a response, or a request whose answer nobody waits for). */
  send(pdu: Pdu): void {
    if (this.isClosed) return;
    if (this.tracing) this.trace('send', pdu);
    this.write(encodePdu(pdu));
  }

  /** Writes octets verbatim: hostile-input tests only. */
  sendRaw(octets: Buffer): void {
    if (this.isClosed) return;
    if (this.tracing) this.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smpp', dir: 'send', conn: this.conn, text: `raw ${octets.length} octet(s) ${octets.subarray(0, 32).toString('hex')}${octets.length > 32 ? '…' : ''}` });
    this.write(octets);
  }

  /** Sends a request with the next sequence number; the callback gets its response (or an error). */
  request(pdu: Pdu, callback: ResponseCallback): void {
    if (this.isClosed) {
      callback(undefined, new Error('connection closed'));
      return;
    }
    if (this.pending.size >= this.window) {
      this.queued.push({ pdu, callback });
      return;
    }
    this.dispatch(pdu, callback);
  }

  requestAsync(pdu: Pdu): Promise<Pdu> {
    return new Promise((resolve, reject) => this.request(pdu, (r, e) => (r ? resolve(r) : reject(e ?? new Error('no response')))));
  }

  /** Flushes what is queued, then ends the connection (the peer sees a FIN). */
  close(): void {
    if (this.isClosed) return;
    this.closing = true;
    // nothing the peer sends after this is read or answered
    this.framer.stop();
    this.flush();
    this.socket.end();
    // a peer that never closes its side must not keep the socket forever
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  event(text: string): void {
    if (this.tracing) this.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smpp', dir: 'event', conn: this.conn, text });
  }

  private dispatch(pdu: Pdu, callback: ResponseCallback): void {
    pdu.sequence = this.nextSequence();
    this.pending.set(pdu.sequence, { sentAt: Date.now(), callback });
    this.send(pdu);
  }

  private write(octets: Buffer): void {
    this.out.push(octets);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0 || this.socket.destroyed || this.socket.writableEnded) {
      this.out = [];
      return;
    }
    const chunk = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out = [];
    this.socket.write(chunk);
    // a peer that sends without reading our answers gets no more reading until it drains
    if (this.socket.writableLength > WRITE_HIGH_WATER) this.socket.pause();
  }

  private receive(chunk: Buffer): void {
    this.framer.push(
      chunk,
      (frame) => this.frame(frame),
      (fault) => this.framingFault(fault),
    );
    this.partialSince = this.framer.buffered > 0 ? this.partialSince || Date.now() : 0;
  }

  private frame(frame: Buffer): void {
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame, this.options.fieldSizes);
    } catch (err) {
      this.answerDecodeError(err instanceof PduDecodeError ? err : new PduDecodeError(STATUS.ESME_RSYSERR, String(err), true, frame.readUInt32BE(4), frame.readUInt32BE(12)));
      return;
    }
    if (this.tracing) this.trace('recv', pdu);
    if (!isRequest(pdu)) {
      const waiting = this.pending.get(pdu.sequence);
      if (waiting) {
        this.pending.delete(pdu.sequence);
        this.safely(() => waiting.callback(pdu));
        this.drainQueue();
      }
    }
    this.safely(() => this.pduListener(pdu));
  }

  /** Undecodable PDU with an intact frame: generic_nack, or the command's own error response. */
  private answerDecodeError(err: PduDecodeError): void {
    const request = (err.commandId & 0x80000000) === 0;
    const resp = err.command ? responseOf(err.command) : undefined;
    let answer: string;
    if (!request) {
      answer = 'not answered (a response)';
      const waiting = this.pending.get(err.sequence);
      if (waiting) {
        this.pending.delete(err.sequence);
        this.safely(() => waiting.callback(undefined, err));
        this.drainQueue();
      }
    } else if (err.generic || !resp) {
      this.write(encodeHeaderOnly(COMMAND_IDS.generic_nack, err.status, err.sequence));
      answer = `generic_nack ${statusName(err.status)}`;
    } else {
      this.write(encodeHeaderOnly(COMMAND_IDS[resp], err.status, err.sequence));
      answer = `${resp} ${statusName(err.status)}`;
    }
    this.fault(`${err.message}: ${answer}`);
    this.event(`malformed PDU 0x${err.commandId.toString(16).padStart(8, '0')} #${err.sequence}: ${err.message}; answered ${answer}`);
    this.safely(() => this.decodeErrorListener(err));
  }

  private fault(text: string): void {
    if (this.faults.length < MAX_FAULTS_KEPT) {
      this.faults.push(text);
      return;
    }
    // the last slot says how many were not kept (itself included)
    this.faultsNotKept = this.faultsNotKept === 0 ? 2 : this.faultsNotKept + 1;
    this.faults[MAX_FAULTS_KEPT - 1] = `${this.faultsNotKept} more decode errors not kept (limit ${MAX_FAULTS_KEPT} per connection)`;
  }

  private framingFault(fault: FramingFault): void {
    this.write(encodeHeaderOnly(COMMAND_IDS.generic_nack, STATUS.ESME_RINVCMDLEN, fault.sequence));
    this.fault(`${fault.reason}: generic_nack ESME_RINVCMDLEN, closed`);
    this.event(`${fault.reason}: answered generic_nack ESME_RINVCMDLEN and closed (the stream cannot be resynchronised)`);
    this.safely(() => this.decodeErrorListener(new PduDecodeError(STATUS.ESME_RINVCMDLEN, fault.reason, true, 0, fault.sequence)));
    this.close();
  }

  private drainQueue(): void {
    while (this.queued.length > 0 && this.pending.size < this.window && !this.isClosed) {
      const next = this.queued.shift()!;
      this.dispatch(next.pdu, next.callback);
    }
  }

  private sweep(): void {
    const now = Date.now();
    if (this.partialSince && now - this.partialSince > this.incompleteTimeoutMs) {
      this.event(`a PDU stayed incomplete for ${this.incompleteTimeoutMs} ms (${this.framer.buffered} octet(s) buffered): closing`);
      this.fault('incomplete PDU: closed');
      this.framer.stop();
      this.partialSince = 0;
      this.close();
    }
    for (const [seq, p] of this.pending) {
      if (now - p.sentAt > this.responseTimeoutMs) {
        this.pending.delete(seq);
        this.safely(() => p.callback(undefined, new Error(`no response to #${seq} within ${this.responseTimeoutMs} ms`)));
      }
    }
    this.drainQueue();
    this.safely(() => this.tickListener(now));
  }

  private closed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.sweeper);
    this.framer.stop();
    const failed = [...this.pending.values(), ...this.queued];
    this.pending.clear();
    this.queued.length = 0;
    for (const p of failed) this.safely(() => p.callback(undefined, new Error('connection closed')));
    this.event('connection closed');
    for (const l of this.closeListeners) this.safely(l);
  }

  /** A listener's bug must not take the connection (or the process) down with it. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.event(`internal error handling a PDU: ${(err as Error).message}`);
    }
  }

  private trace(dir: 'send' | 'recv', pdu: Pdu): void {
    this.transcript.record({ actor: this.options.actor, peer: this.options.peer, channel: 'smpp', dir, conn: this.conn, text: describePdu(pdu, this.options.text) });
  }
}
