/**
 * One IMAP connection: reads framed commands in order, dispatches them to the command modules, writes
 * responses, keeps the state (RFC 3501 §3) and writes everything to the transcript. Errors in a command
 * become `BAD internal error`; malformed input becomes BAD; neither ends the connection.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TranscriptSink } from '../../../../evidence/transcript';
import type { TlsHandshakeEvidence } from '../../../../evidence/tls';
import type { AuthResult, ImapBackend, ImapUser, ListenerKind, SessionInfo, SessionState, TlsInfo } from './backend';
import { CommandReader, type FramingError, type LineResult } from './framing';
import type { FolderView } from './mailstore';
import { Out } from './response';
import { ImapSyntaxError, parseCommand, type ParsedCommand } from './tokenizer';
import { describeCommand, printable } from './transcript-text';
import { COMMANDS } from './commands';

export type Status = 'OK' | 'NO' | 'BAD';

/**
 * What all connections of one server may keep of their clients' bytes for evidence, together: a hostile
 * client (or seventy announcing huge literals) must not exhaust memory through the evidence.
 */
export class EvidenceBudget {
  used = 0;
  constructor(
    readonly total = 64 * 1024 * 1024,
    readonly perConnection = 8 * 1024 * 1024,
  ) {}
}

/** Per-connection evidence kept by the server. */
export class ConnectionRecord {
  readonly openedAt = new Date();
  closedAt: Date | undefined;
  secure = false;
  tls: TlsInfo | undefined;
  /** why a TLS handshake failed, as Node/OpenSSL reported it */
  tlsError: string | undefined;
  /** bytes the client pipelined after STARTTLS, before the handshake (discarded unless a fault replays them) */
  pipelinedAfterStartTls: Buffer | undefined;
  /** identity of the last successful authentication */
  user: string | undefined;
  /** over the server's connection limit: told BYE and closed */
  refused = false;
  /** client bytes received but not kept, the evidence budget being spent */
  droppedClientBytes = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    readonly conn: string,
    readonly listener: ListenerKind,
    readonly remote: string,
    private readonly budget: EvidenceBudget = new EvidenceBudget(),
  ) {}

  /** The plaintext bytes the server received from the client (after TLS decryption), as far as the budget allowed. */
  get clientBytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Keeps what the budget allows; true when this is the first chunk not kept in full. */
  addClientBytes(b: Buffer): boolean {
    const room = Math.max(0, Math.min(this.budget.perConnection - this.size, this.budget.total - this.budget.used));
    const take = b.subarray(0, room);
    if (take.length > 0) {
      this.chunks.push(Buffer.from(take));
      this.size += take.length;
      this.budget.used += take.length;
    }
    const first = this.droppedClientBytes === 0 && take.length < b.length;
    this.droppedClientBytes += b.length - take.length;
    return first;
  }

  /** Gives the bytes back to the budget (the record is no longer kept). */
  release(): void {
    this.budget.used -= this.size;
    this.size = 0;
    this.chunks.length = 0;
  }
}

/** What a session needs from its server. */
export interface SessionHost {
  readonly actor: string;
  readonly peer: string;
  readonly transcript: TranscriptSink;
  readonly backend: ImapBackend;
  readonly starttlsOffered: boolean;
  /** RFC 9051 §5.4 autologout once authenticated (at least 30 minutes by default) */
  readonly idleTimeoutMs: number;
  /** a connection must authenticate within this, counted from its start whatever it sends (slow clients) */
  readonly preAuthTimeoutMs: number;
  readonly limits: { maxLine: number; maxLiteral: number };
  /** Hands the plain socket to the TLS server and resolves with the TLS socket once the handshake is done. */
  upgrade(socket: Socket, session: ImapSession): Promise<{ socket: TLSSocket; tls: TlsInfo }>;
  sessionClosed(session: ImapSession): void;
}

export class ImapSession implements SessionInfo {
  state: SessionState = 'not-authenticated';
  user: ImapUser | undefined;
  view: FolderView | undefined;
  tls: TlsInfo | undefined;
  tlsSocket: TLSSocket | undefined;
  private socket: Socket;
  private reader: CommandReader;
  private closing = false;
  private closed = false;
  private detach: () => void = () => undefined;

  constructor(
    readonly host: SessionHost,
    readonly record: ConnectionRecord,
    socket: Socket,
    tls?: TlsInfo,
  ) {
    this.socket = socket;
    if (tls) {
      this.tls = tls;
      this.tlsSocket = socket as TLSSocket;
      record.secure = true;
      record.tls = tls;
    }
    this.reader = this.newReader();
    this.attach(socket);
    this.armIdleTimeout(socket);
    this.preAuthTimer = setTimeout(() => {
      if (this.state !== 'not-authenticated') return;
      this.event('imap', `not authenticated within ${host.preAuthTimeoutMs} ms: closing`);
      this.untagged('BYE autologout: not authenticated in time');
      this.close();
    }, host.preAuthTimeoutMs);
    this.preAuthTimer.unref();
  }

  private readonly preAuthTimer: NodeJS.Timeout;

  /** The idle timer: short before authentication, RFC 9051 §5.4 after it. */
  private armIdleTimeout(socket: Socket): void {
    const ms = this.state === 'not-authenticated' ? Math.min(this.host.preAuthTimeoutMs, this.host.idleTimeoutMs) : this.host.idleTimeoutMs;
    socket.setTimeout(ms, () => {
      this.event('imap', `idle for ${ms} ms: closing`);
      this.untagged('BYE autologout: idle for too long');
      this.close();
    });
  }

  get id(): string {
    return this.record.conn;
  }
  get listener(): ListenerKind {
    return this.record.listener;
  }
  get remote(): string {
    return this.record.remote;
  }
  get secure(): boolean {
    return this.tls !== undefined;
  }
  get backend(): ImapBackend {
    return this.host.backend;
  }

  private newReader(): CommandReader {
    return new CommandReader(() => this.continuation('Ready for literal data'), this.host.limits);
  }

  private attach(socket: Socket): void {
    const onData = (b: Buffer): void => {
      if (this.record.addClientBytes(b)) this.event('imap', 'evidence limit reached: later client bytes of this connection are counted, not kept');
      this.reader.push(b);
    };
    const onEnd = (): void => this.reader.end();
    const onClose = (): void => this.onClosed();
    const onError = (e: Error): void => this.event('tcp', `socket error: ${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    this.detach = () => {
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onClose);
      // the error listener stays: an unhandled 'error' on the old socket would kill the process
    };
  }

  // ---- transcript and output ----

  event(channel: 'tcp' | 'tls' | 'imap', text: string, tls?: TlsHandshakeEvidence): void {
    this.host.transcript.record({ actor: this.host.actor, peer: this.host.peer, channel, dir: 'event', text, conn: this.id, ...(tls ? { tls } : {}) });
  }

  private logSend(text: string): void {
    this.host.transcript.record({ actor: this.host.actor, peer: this.host.peer, channel: 'imap', dir: 'send', text, conn: this.id });
  }

  logRecv(text: string): void {
    this.host.transcript.record({ actor: this.host.actor, peer: this.host.peer, channel: 'imap', dir: 'recv', text, conn: this.id });
  }

  /**
   * Writes are corked until the end of the tick, so that one response goes out in one segment: small
   * separate writes meet Nagle and delayed ACK and cost ~40 ms per command.
   */
  private write(buf: Buffer): void {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return;
    if (!this.corked) {
      const sock = this.socket;
      this.corked = sock;
      sock.cork();
      process.nextTick(() => {
        if (this.corked === sock) this.flush();
      });
    }
    // backpressure: a client that does not read its replies is not read either, so nothing piles up
    const sock = this.socket;
    if (!sock.write(buf) && !sock.isPaused()) {
      sock.pause();
      sock.once('drain', () => sock.resume());
    }
  }

  /** Waits until the replies written so far have left (the client reads) before the next command. */
  private drained(): Promise<void> {
    const sock = this.socket;
    if (!sock.writableNeedDrain || sock.destroyed) return Promise.resolve();
    this.flush();
    return new Promise((resolve) => {
      const done = (): void => {
        sock.removeListener('drain', done);
        sock.removeListener('close', done);
        resolve();
      };
      sock.once('drain', done);
      sock.once('close', done);
    });
  }

  private corked: Socket | undefined;

  /** Sends what is corked now. */
  flush(): void {
    const sock = this.corked;
    this.corked = undefined;
    sock?.uncork();
  }

  send(out: Out): void {
    this.logSend(out.transcript());
    this.write(out.toBuffer());
  }

  untagged(text: string): void {
    this.send(new Out().text(`* ${text}`));
  }

  tagged(tag: string, status: Status, text: string, code?: string): void {
    this.send(new Out().text(`${tag} ${status} ${code ? `[${code}] ` : ''}${text}`));
  }

  continuation(text: string): void {
    this.send(new Out().text(text === '' ? '+ ' : `+ ${text}`));
  }

  // ---- state ----

  capabilities(): string[] {
    const base = ['IMAP4rev1', 'LITERAL+', 'ID', 'NAMESPACE', 'UNSELECT'];
    if (this.host.starttlsOffered && !this.secure && this.listener === 'plain') base.push('STARTTLS');
    return this.backend.capabilities(this, base);
  }

  capabilityCode(): string {
    return `CAPABILITY ${this.capabilities().join(' ')}`;
  }

  authenticated(user: ImapUser): void {
    this.user = user;
    this.state = 'authenticated';
    this.record.user = user.identity;
    clearTimeout(this.preAuthTimer);
    this.armIdleTimeout(this.socket);
  }

  /**
   * Answers LOGIN or AUTHENTICATE with the backend's verdict: NO with its text, or OK after the session
   * becomes authenticated, carrying the new capabilities (RFC 9051 §6.2.3, so clients need not ask again).
   */
  concludeAuthentication(tag: string, r: AuthResult, completed: string): void {
    if (!r.ok) {
      this.tagged(tag, 'NO', r.text, r.code);
      return;
    }
    this.authenticated(r.user);
    this.tagged(tag, 'OK', r.text ?? completed, this.capabilityCode());
  }

  select(view: FolderView): void {
    this.view = view;
    this.state = 'selected';
  }

  deselect(): void {
    this.view = undefined;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** Untagged EXISTS/EXPUNGE for changes made by others. */
  flushUpdates(): void {
    if (!this.view) return;
    for (const line of this.view.sync()) this.untagged(line);
  }

  /** Arrivals only, before FETCH/STORE/SEARCH (no EXPUNGE may be sent then). */
  flushArrivals(): void {
    if (!this.view) return;
    for (const line of this.view.syncAdded()) this.untagged(line);
  }

  readSaslLine(): Promise<LineResult> {
    return this.reader.readLine();
  }

  /** Ends the session: half-close now, destroy if the client does not close within a second. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.state = 'logout';
    this.reader.end();
    this.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.preAuthTimer);
    this.record.closedAt = new Date();
    this.reader.end();
    this.event('tcp', 'connection closed');
    try {
      this.backend.closed?.(this);
    } catch {
      /* a hook failure must not break the close path */
    }
    this.host.sessionClosed(this);
  }

  // ---- STARTTLS ----

  /** RFC 3501 §6.2.1: answer OK, drop what the client pipelined, hand the socket to TLS. */
  async startTls(tag: string): Promise<void> {
    const pipelined = this.reader.takeBuffered();
    this.tagged(tag, 'OK', 'Begin TLS negotiation now');
    this.flush(); // the OK must be on the wire in clear before the socket belongs to TLS
    this.detach();
    const plain = this.socket;
    const upgrade = this.host.upgrade(plain, this); // synchronous hand-over, before any more bytes are read
    if (pipelined.length > 0) {
      this.record.pipelinedAfterStartTls = pipelined;
      const shown = pipelined
        .toString('latin1')
        .split(/\r?\n/)
        .filter((l) => l !== '')
        .map((l) => describeCommand([{ kind: 'text', data: Buffer.from(l, 'latin1') }]))
        .join(' ⏎ ');
      const replay = this.backend.replayPipelinedAfterStartTls?.(this) ?? false;
      this.event(
        'tls',
        `${pipelined.length} bytes pipelined after STARTTLS before the TLS handshake (command injection, RFC 3501 §6.2.1, CVE-2011-0411): ` +
          `${replay ? 'REPLAYED after the handshake' : 'discarded'}: ${shown}`,
      );
      if (replay) this.pendingReplay = pipelined;
    }
    let result: { socket: TLSSocket; tls: TlsInfo };
    try {
      result = await upgrade;
    } catch (e) {
      this.record.tlsError = (e as Error).message;
      this.event('tls', `STARTTLS handshake failed: ${(e as Error).message}`, (e as { tls?: TlsHandshakeEvidence }).tls);
      this.closing = true;
      this.state = 'logout';
      this.reader.end();
      plain.destroy();
      this.onClosed();
      return;
    }
    this.socket = result.socket;
    this.tlsSocket = result.socket;
    this.tls = result.tls;
    this.record.secure = true;
    this.record.tls = result.tls;
    this.reader = this.newReader();
    this.attach(result.socket);
    this.armIdleTimeout(result.socket);
    if (this.pendingReplay) {
      const b = this.pendingReplay;
      this.pendingReplay = undefined;
      this.reader.push(b);
    }
    const decision = this.backend.secured?.(this) ?? { ok: true };
    if (!decision.ok) {
      this.untagged(`BYE ${decision.code ? `[${decision.code}] ` : ''}${decision.text}`);
      this.close();
    }
  }

  private pendingReplay: Buffer | undefined;

  // ---- the command loop ----

  /** Greets and serves until the connection ends. */
  async run(): Promise<void> {
    try {
      if (this.tls) {
        const decision = this.backend.secured?.(this) ?? { ok: true };
        if (!decision.ok) {
          this.untagged(`BYE ${decision.code ? `[${decision.code}] ` : ''}${decision.text}`);
          this.close();
          return;
        }
      }
      const g = this.backend.greeting?.(this) ?? { kind: 'OK' as const };
      if (g.kind === 'BYE') {
        this.untagged(`BYE ${g.text}`);
        this.close();
        return;
      }
      if (g.kind === 'PREAUTH') {
        this.authenticated(g.user);
        this.untagged(`PREAUTH [${this.capabilityCode()}] ${g.text ?? `${this.host.actor} ready, logged in as ${g.user.identity}`}`);
      } else {
        this.untagged(`OK [${this.capabilityCode()}] ${g.text ?? `${this.host.actor} ready`}`);
      }
      while (!this.closing) {
        await this.drained();
        const r = await this.reader.readCommand();
        if (r === null) break;
        if (r.kind === 'error') {
          this.framingError(r);
          continue;
        }
        this.logRecv(describeCommand(r.segments));
        let cmd: ParsedCommand;
        try {
          cmd = parseCommand(r.segments);
        } catch (e) {
          if (!(e instanceof ImapSyntaxError)) throw e;
          if (e.tag) this.tagged(e.tag, 'BAD', e.message);
          else this.untagged(`BAD ${e.message}`);
          continue;
        }
        await this.dispatch(cmd);
      }
    } catch (e) {
      this.event('imap', `session failed: ${(e as Error).stack ?? String(e)}`);
      this.destroy();
    }
  }

  private framingError(e: FramingError): void {
    this.logRecv(`«${e.text}»`);
    if (e.tag) this.tagged(e.tag, 'BAD', e.text, e.code === 'line-too-long' ? undefined : 'TOOBIG');
    else this.untagged(`BAD ${e.text}`);
    if (e.code === 'literal-too-large-fatal') {
      this.untagged('BYE input too large');
      this.close();
    }
  }

  private async dispatch(cmd: ParsedCommand): Promise<void> {
    const spec = COMMANDS.get(cmd.name);
    if (!spec) {
      this.tagged(cmd.tag, 'BAD', `unknown command ${printable(Buffer.from(cmd.name.slice(0, 40)))}`);
      return;
    }
    if (!spec.states.includes(this.state)) {
      this.tagged(cmd.tag, 'BAD', `${cmd.name} is not allowed in the ${this.state} state`);
      return;
    }
    try {
      await spec.run(this, cmd);
    } catch (e) {
      if (e instanceof ImapSyntaxError) {
        this.tagged(cmd.tag, 'BAD', e.message);
        return;
      }
      this.event('imap', `internal error in ${cmd.name}: ${(e as Error).stack ?? String(e)}`);
      this.tagged(cmd.tag, 'BAD', 'internal error');
    }
  }
}
