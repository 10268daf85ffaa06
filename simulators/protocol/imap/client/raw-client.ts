/**
 * RawImapClient: the harness's own IMAP client, for what imapflow cannot do (CRAM-MD5, SCRAM, EXTERNAL,
 * SASL-IR, malformed input) and for playing an adversarial or strict EVVM Client.
 *
 * The core here is small: a socket, a framing reader, one command in flight at a time, and typed
 * failures (closed, timeout, TLS, protocol). Each IMAP command lives in commands/<name>.ts. Every byte
 * in either direction goes to the transcript, redacted at the source.
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { nullSink, type TranscriptSink, type Channel, type Direction } from '../../../../evidence/transcript';
import { watchTlsHandshake, type TlsHandshakeEvidence } from '../../../../evidence/tls';
import type { MechanismName, SaslClientCredentials, SaslClientMechanism } from '../../sasl/types';
import { ConnectionClosedError, ImapClientError, NetworkError, ProtocolError, TimeoutError, TlsError, isTlsCode, nodeCode, toTlsError, type TimeoutPhase, type TlsPhase } from './errors';
import { describeTls, lineShown, rawShown, registerSecret, tlsShown, unitShown } from './evidence';
import { buildFrames, type CommandPiece } from './encoding';
import { DEFAULT_LIMITS, ResponseReader, type FramingLimits } from './framing';
import { parseResponse } from './parser';
import type { CommandResult, CredentialCommand, Greeting, ImapResponse, TlsInfo } from './types';
import { capability } from './commands/capability';
import { noop } from './commands/noop';
import { login } from './commands/login';
import { authenticate, type AuthenticateOptions } from './commands/authenticate';
import { starttls, type StartTlsOptions } from './commands/starttls';
import { select, type SelectResult } from './commands/select';
import { fetch, type FetchMessage, type FetchOptions } from './commands/fetch';
import { logout, type LogoutResult } from './commands/logout';

export interface RawImapClientOptions {
  host: string;
  port: number;
  /** 'implicit': TLS from the first byte (993); 'none': plain TCP, possibly upgraded with starttls() */
  tls: 'implicit' | 'none';
  /** passed verbatim to tls.connect (ca, cert, key, servername, rejectUnauthorized, pskCallback, ciphers, min/maxVersion, …) */
  tlsOptions?: tls.ConnectionOptions;
  /** who this client is in the transcript (default 'IMAP Client') */
  actor?: string;
  /** who the server is in the transcript (default 'IMAP Server') */
  peer?: string;
  /** connection id in the transcript (default imap-N) */
  conn?: string;
  transcript?: TranscriptSink;
  /** limit for connect+greeting, each command, each TLS handshake (default 5000) */
  timeoutMs?: number;
  limits?: Partial<FramingLimits>;
  /** tag prefix (default 'A'): tags are A1, A2, … */
  tagPrefix?: string;
  /** literals up to this size appear verbatim in the transcript when textual (default 512) */
  transcriptInlineBytes?: number;
  /**
   * Most untagged responses accepted for one command, or between two commands (default 100000); a
   * server that floods past it is dropped (ProtocolError TOO_MANY_RESPONSES) instead of growing memory.
   */
  maxUntaggedResponses?: number;
}

/** What a command builder hands the core. */
export interface RunOptions {
  timeoutMs?: number;
  /** marks the command as carrying credentials (sentCredentialCommands) */
  credential?: Omit<CredentialCommand, 'secure' | 'tlsProtocol' | 'at' | 'tag'>;
  /**
   * Answers server continuation requests once all literals of the command are sent (AUTHENTICATE).
   * Returning a line sends it; throwing cancels the exchange with "*" and the command rejects with
   * that error once the server's tagged response arrives.
   */
  onContinuation?: (response: Extract<ImapResponse, { kind: 'continuation' }>) => ContinuationReply | Promise<ContinuationReply>;
  /** runs synchronously when the tagged response is dispatched, before any further byte is read */
  onTagged?: (response: Extract<ImapResponse, { kind: 'tagged' }>) => void;
  /** bytes written in the same write right after the command line (pipelining and injection tests) */
  pipelined?: Buffer;
}

export interface ContinuationReply {
  line: Buffer | string;
  /** transcript text for the line */
  shown: string;
}

interface Pending {
  tag: string;
  untagged: string[];
  responses: Extract<ImapResponse, { kind: 'untagged' }>[];
  onContinuation: (response: Extract<ImapResponse, { kind: 'continuation' }>) => void;
  onTagged?: RunOptions['onTagged'];
  deferredError?: Error;
  resolve: (result: CommandResult) => void;
  reject: (error: Error) => void;
}

interface ResponseWaiter {
  predicate: (response: ImapResponse) => boolean;
  resolve: (response: ImapResponse) => void;
  reject: (error: Error) => void;
}

const HISTORY_LIMIT = 1000;
/** unsolicited responses and anomalies kept as evidence; older ones are dropped */
const KEEP_LIMIT = 1000;
let connectionCounter = 0;

export class RawImapClient extends EventEmitter {
  readonly host: string;
  readonly port: number;
  readonly actor: string;
  readonly peer: string;
  readonly conn: string;
  readonly timeoutMs: number;
  /** unsolicited untagged responses (none of our commands was running), the last 1000 */
  readonly unsolicited: Extract<ImapResponse, { kind: 'untagged' }>[] = [];
  /** protocol violations observed (wrong tags, unexpected continuations, malformed lines), the last 1000 */
  readonly anomalies: string[] = [];
  /** resolves when the connection is gone, whoever closed it */
  readonly closed: Promise<void>;

  private readonly sink: TranscriptSink;
  private readonly options: RawImapClientOptions;
  private readonly reader: ResponseReader;
  private readonly inlineBytes: number;
  private readonly tagPrefix: string;
  private readonly maxUntagged: number;
  private untaggedCount = 0;
  private readonly started = Date.now();
  private socket: net.Socket | tls.TLSSocket | undefined;
  private tlsSocket: tls.TLSSocket | undefined;
  private tlsPhase: TlsPhase = 'implicit';
  private info: TlsInfo | undefined;
  private greetingValue: Greeting | undefined;
  private greetingWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private caps: string[] | undefined;
  private tagCounter = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private current: Pending | undefined;
  private readonly abandoned = new Set<string>();
  private readonly history: ImapResponse[] = [];
  private historyBase = 0;
  private lastSendMark = 0;
  private readonly waiters = new Set<ResponseWaiter>();
  private readonly credentials: CredentialCommand[] = [];
  private byeText: string | undefined;
  private fatal: Error | undefined;
  private lastSocketError: Error | undefined;
  private isClosed = false;
  private closedByClient = false;
  private reading = true;
  private markClosed!: () => void;

  private readonly onData = (chunk: Buffer): void => this.handleData(chunk);
  private readonly onError = (err: Error): void => {
    this.lastSocketError = err;
  };
  private readonly onClose = (): void => this.handleClose();

  private constructor(options: RawImapClientOptions) {
    super();
    this.options = options;
    this.host = options.host;
    this.port = options.port;
    this.actor = options.actor ?? 'IMAP Client';
    this.peer = options.peer ?? 'IMAP Server';
    this.conn = options.conn ?? `imap-${++connectionCounter}`;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.sink = options.transcript ?? nullSink;
    this.reader = new ResponseReader({ ...DEFAULT_LIMITS, ...options.limits });
    this.inlineBytes = options.transcriptInlineBytes ?? 512;
    this.tagPrefix = options.tagPrefix ?? 'A';
    this.maxUntagged = options.maxUntaggedResponses ?? 100_000;
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** Connects, completes TLS for 'implicit', and waits for the greeting. A BYE greeting resolves too. */
  static async connect(options: RawImapClientOptions): Promise<RawImapClient> {
    const client = new RawImapClient(options);
    await client.open();
    return client;
  }

  get greeting(): Greeting {
    return this.greetingValue!;
  }

  get secure(): boolean {
    return this.tlsSocket !== undefined;
  }

  get tlsInfo(): TlsInfo | undefined {
    return this.info;
  }

  /** The live TLS socket, for evidence beyond tlsInfo (exportKeyingMaterial, getFinished, …). */
  get tlsSocketForEvidence(): tls.TLSSocket | undefined {
    return this.tlsSocket;
  }

  /** The tlsOptions given to connect (STARTTLS uses them unless told otherwise). */
  get connectTlsOptions(): tls.ConnectionOptions {
    return this.options.tlsOptions ?? {};
  }

  /** The capabilities last announced (greeting code, CAPABILITY response or code); cleared by STARTTLS and login. */
  get capabilities(): readonly string[] | undefined {
    return this.caps;
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** The text of the server's `* BYE`, if one arrived. */
  get bye(): string | undefined {
    return this.byeText;
  }

  /** Responses received so far (for waitForResponse's `since`). */
  get responseCount(): number {
    return this.historyBase + this.history.length;
  }

  /** Every command that put credential material on the wire, with whether the channel was TLS. */
  sentCredentialCommands(): CredentialCommand[] {
    return this.credentials.map((c) => ({ ...c }));
  }

  // ---- commands (one file each under commands/) -------------------------------------------------

  capability(): Promise<string[]> {
    return capability(this);
  }

  noop(): Promise<CommandResult> {
    return noop(this);
  }

  /** LOGIN; resolves with NO/BAD results too (negative tests want them). The password is redacted in the transcript. */
  login(user: string, password: string): Promise<CommandResult> {
    return login(this, user, password);
  }

  /**
   * AUTHENTICATE with a SASL mechanism; NO/BAD resolve. Rejects with SaslClientError when the server fails
   * mutual authentication (SCRAM v=), then the connection is closed: the client does not trust it.
   */
  authenticate(
    mechanism: MechanismName | SaslClientMechanism,
    credentials?: SaslClientCredentials,
    options?: AuthenticateOptions,
  ): Promise<CommandResult> {
    return authenticate(this, mechanism, credentials, options);
  }

  /**
   * STARTTLS: NO/BAD resolve without an upgrade; an OK is followed by the handshake, which throws TlsError
   * on failure. `pipelined` bytes go out in the same write as the command (the RFC 3501 §6.2.1 injection test).
   */
  starttls(tlsOptions?: tls.ConnectionOptions, options?: StartTlsOptions): Promise<CommandResult> {
    return starttls(this, tlsOptions, options);
  }

  /** SELECT; throws CommandFailedError on NO/BAD. */
  select(mailbox: string): Promise<SelectResult> {
    return select(this, mailbox);
  }

  /** FETCH (or UID FETCH); throws CommandFailedError on NO/BAD, ProtocolError on malformed FETCH data. */
  fetch(sequenceSet: string, items: string | string[], options?: FetchOptions): Promise<FetchMessage[]> {
    return fetch(this, sequenceSet, items, options);
  }

  logout(): Promise<LogoutResult> {
    return logout(this);
  }

  /** Sends one command line (no CRLF; the tag is added) and collects its responses. */
  command(line: string | CommandPiece[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    return this.run(typeof line === 'string' ? [line] : line, options);
  }

  /**
   * Writes arbitrary bytes (malformed commands, pipelining, half lines). Nothing is added. Lines that look
   * like LOGIN/AUTHENTICATE are recorded as credential commands. Use waitForResponse() for the answer.
   */
  async sendRaw(bytes: Buffer | string, options: { shown?: string } = {}): Promise<void> {
    this.assertOpen();
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    for (const match of buf.toString('latin1').matchAll(/(?:^|\n)\S+ (LOGIN|AUTHENTICATE)\b/gi)) {
      this.noteCredential({ command: match[1]!.toUpperCase() as 'LOGIN' | 'AUTHENTICATE', raw: true });
    }
    this.lastSendMark = this.responseCount;
    this.record('imap', 'send', options.shown ?? rawShown(buf, this.inlineBytes));
    await new Promise<void>((resolve, reject) => {
      this.socket!.write(buf, (err) => (err ? reject(new ConnectionClosedError('write failed', this.byeText, { cause: err })) : resolve()));
    });
  }

  /**
   * The first response matching `predicate` received at or after `since` (default: since the last
   * sendRaw or command). Rejects with TimeoutError or, if the connection ends first, ConnectionClosedError.
   */
  waitForResponse(
    predicate: (response: ImapResponse) => boolean = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<ImapResponse> {
    const since = Math.max(options.since ?? this.lastSendMark, this.historyBase);
    for (let i = since - this.historyBase; i < this.history.length; i++) {
      if (predicate(this.history[i]!)) return Promise.resolve(this.history[i]!);
    }
    if (this.isClosed) return Promise.reject(this.closeError());
    const ms = options.timeoutMs ?? this.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new TimeoutError('response', ms));
      }, ms);
      const waiter: ResponseWaiter = {
        predicate,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Drops the connection now (no LOGOUT). Pending commands reject with ConnectionClosedError. */
  close(): void {
    if (this.isClosed) return;
    this.closedByClient = true;
    this.record('tcp', 'event', 'client closes the connection');
    this.socket?.destroy();
  }

  // ---- core, used by the command files ----------------------------------------------------------

  /** @internal Runs one tagged command; serialised with every other command. */
  run(pieces: CommandPiece[], options: RunOptions = {}): Promise<CommandResult> {
    const result = this.chain.then(
      () => this.execute(pieces, options),
      () => this.execute(pieces, options),
    );
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** @internal Stops framing further bytes (STARTTLS OK: what follows must be the TLS handshake). */
  suspendReading(): void {
    this.reading = false;
    this.socket?.removeListener('data', this.onData);
  }

  /** @internal Starts TLS on the plain socket after a STARTTLS OK. Throws ProtocolError or TlsError and closes on failure. */
  async upgradeToTls(tlsOptions: tls.ConnectionOptions): Promise<void> {
    const plain = this.socket!;
    const leftover = this.reader.remaining();
    if (leftover.length > 0 || this.reader.partial) {
      // RFC 3501 §6.2.1 / RFC 2595 §3.1: bytes after the OK and before TLS are an injection attempt.
      this.anomaly(`${leftover.length} plaintext bytes after STARTTLS OK (injection): ${rawShown(leftover, this.inlineBytes)}`);
      const err = new ProtocolError('STARTTLS_INJECTION', `server sent ${leftover.length} bytes after the STARTTLS OK, before TLS`);
      this.fatal = err;
      plain.destroy();
      throw err;
    }
    // The plain socket keeps its error and close listeners: it lives on under the TLS socket, and an
    // unhandled 'error' on it would crash the process.
    const secure = tls.connect({ host: this.host, ...tlsOptions, socket: plain });
    this.socket = secure;
    secure.on('error', this.onError);
    secure.on('close', this.onClose);
    this.tlsPhase = 'starttls';
    try {
      await this.handshake(secure, 'starttls');
    } catch (err) {
      this.fatal ??= err as Error;
      secure.destroy();
      throw err;
    }
    this.caps = undefined; // RFC 3501 §6.2.1: forget pre-TLS capabilities
    this.reading = true;
    secure.on('data', this.onData);
  }

  /** @internal */
  noteCredential(entry: Omit<CredentialCommand, 'secure' | 'tlsProtocol' | 'at'>): void {
    this.credentials.push({
      ...entry,
      secure: this.secure,
      ...(this.secure ? { tlsProtocol: this.info?.protocol ?? null } : {}),
      at: Date.now() - this.started,
    });
  }

  /** @internal */
  forgetCapabilities(): void {
    this.caps = undefined;
  }

  /** @internal */
  registerSecret(value: string | undefined): void {
    registerSecret(this.sink, value);
  }

  /** @internal Writes a transcript entry for this connection. */
  record(channel: Channel, dir: Direction, text: string, tls?: TlsHandshakeEvidence): void {
    this.sink.record({ actor: this.actor, peer: this.peer, channel, dir, text, conn: this.conn, ...(tls ? { tls } : {}) });
  }

  // ---- internals --------------------------------------------------------------------------------

  private open(): Promise<void> {
    const implicit = this.options.tls === 'implicit';
    return new Promise<void>((resolve, reject) => {
      let phase: TimeoutPhase = 'connect';
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.greetingWaiter = undefined;
        if (err) {
          this.fatal ??= err;
          this.socket?.destroy();
          reject(err);
        } else resolve();
      };
      const timer = setTimeout(() => {
        this.record('tcp', 'event', `timed out after ${this.timeoutMs} ms (${phase})`);
        finish(new TimeoutError(phase, this.timeoutMs));
      }, this.timeoutMs);
      this.greetingWaiter = { resolve: () => finish(), reject: finish };

      const onConnectError = (err: Error): void => {
        this.record('tcp', 'event', `connection failed: ${nodeCode(err) ?? ''} ${err.message}`);
        finish(new NetworkError(nodeCode(err) ?? 'ECONNECT', err.message, { cause: err }));
      };
      const onConnected = (socket: net.Socket): void => {
        this.record('tcp', 'event', `connected to ${this.host}:${this.port}${implicit ? ' (implicit TLS)' : ''}`);
        socket.removeListener('error', onConnectError);
      };
      const listen = (socket: net.Socket): void => {
        socket.once('error', onConnectError);
        socket.on('error', this.onError);
        socket.on('close', this.onClose);
      };

      if (implicit) {
        const socket = tls.connect({ host: this.host, port: this.port, ...this.options.tlsOptions });
        this.socket = socket;
        listen(socket);
        socket.once('connect', () => {
          onConnected(socket);
          phase = 'tls';
          this.handshake(socket, 'implicit').then(() => {
            phase = 'greeting';
            socket.on('data', this.onData);
          }, finish);
        });
      } else {
        const socket = net.connect({ host: this.host, port: this.port });
        this.socket = socket;
        listen(socket);
        socket.once('connect', () => {
          onConnected(socket);
          phase = 'greeting';
          socket.on('data', this.onData);
        });
      }
    });
  }

  /** Waits for secureConnect; records the outcome; maps failures to TlsError. */
  private handshake(socket: tls.TLSSocket, phase: TlsPhase): Promise<void> {
    const shown = watchTlsHandshake(socket, 'client');
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.removeListener('secureConnect', onSecure);
        socket.removeListener('error', onFail);
        socket.removeListener('close', onClosed);
      };
      const onSecure = (): void => {
        cleanup();
        this.tlsSocket = socket;
        this.tlsPhase = phase;
        this.info = describeTls(socket);
        this.record('tls', 'event', tlsShown(this.info, phase), shown());
        resolve();
      };
      const onFail = (err: Error): void => {
        cleanup();
        const tlsErr = toTlsError(err, phase);
        this.fatal ??= tlsErr;
        this.record('tls', 'event', `TLS handshake (${phase}) failed: ${tlsErr.code}: ${tlsErr.reason}`, shown(`${tlsErr.code}: ${tlsErr.reason}`));
        reject(tlsErr);
      };
      const onClosed = (): void => {
        if (this.fatal) {
          // we closed it ourselves (connect timeout): nothing new to record
          cleanup();
          reject(this.fatal);
          return;
        }
        onFail(this.lastSocketError ?? Object.assign(new Error('peer closed the connection during the TLS handshake'), { code: 'ECONNRESET' }));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.record('tls', 'event', `TLS handshake (${phase}) timed out after ${this.timeoutMs} ms`);
        reject(new TimeoutError('tls', this.timeoutMs));
      }, this.timeoutMs);
      socket.once('secureConnect', onSecure);
      socket.once('error', onFail);
      socket.once('close', onClosed);
    });
  }

  private execute(pieces: CommandPiece[], options: RunOptions): Promise<CommandResult> {
    if (this.isClosed) return Promise.reject(this.closeError());
    const tag = `${this.tagPrefix}${++this.tagCounter}`;
    let frames: { bytes: Buffer; shown: string }[];
    try {
      frames = buildFrames(tag, pieces, this.inlineBytes);
    } catch (err) {
      return Promise.reject(err);
    }
    const ms = options.timeoutMs ?? this.timeoutMs;
    this.lastSendMark = this.responseCount;
    return new Promise<CommandResult>((resolve, reject) => {
      let next = 0;
      const settle = (): void => {
        clearTimeout(timer);
        if (this.current === pending) {
          this.current = undefined;
          this.untaggedCount = 0;
        }
      };
      const timer = setTimeout(() => {
        settle();
        this.abandoned.add(tag);
        this.record('imap', 'event', `no tagged response to ${tag} within ${ms} ms`);
        // A cancelled SASL exchange keeps its real reason (e.g. a forged SCRAM signature) even if the server goes quiet.
        reject(pending.deferredError ?? new TimeoutError('command', ms, tag));
      }, ms);
      const sendFrame = (): void => {
        const frame = frames[next++]!;
        this.write(frame.bytes, frame.shown);
      };
      const pending: Pending = {
        tag,
        untagged: [],
        responses: [],
        onTagged: options.onTagged,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (err) => {
          settle();
          reject(err);
        },
        onContinuation: (response) => {
          if (next < frames.length) return sendFrame();
          if (!options.onContinuation || pending.deferredError) {
            this.anomaly(`unexpected continuation request during ${tag}: ${lineShown(response.raw)}`);
            return;
          }
          const answer = (reply: ContinuationReply): void => {
            if (this.current !== pending || this.isClosed) return;
            const line = typeof reply.line === 'string' ? Buffer.from(reply.line, 'utf8') : reply.line;
            if (line.includes(0x0a) || line.includes(0x0d)) throw new ImapClientError('INVALID_ARGUMENT', 'continuation reply contains CR or LF');
            this.write(Buffer.concat([line, Buffer.from('\r\n')]), reply.shown);
          };
          const cancel = (err: unknown): void => {
            if (this.current !== pending || this.isClosed) return;
            pending.deferredError = err instanceof Error ? err : new Error(String(err));
            this.write(Buffer.from('*\r\n'), '*');
          };
          try {
            const reply = options.onContinuation(response);
            if (reply instanceof Promise) reply.then(answer).catch(cancel);
            else answer(reply);
          } catch (err) {
            cancel(err);
          }
        },
      };
      this.current = pending;
      this.untaggedCount = 0;
      if (options.credential) this.noteCredential({ tag, ...options.credential });
      if (options.pipelined && frames.length === 1) {
        next = 1;
        this.record('imap', 'send', frames[0]!.shown);
        this.record('imap', 'send', `${rawShown(options.pipelined, this.inlineBytes)} (pipelined in the same write)`);
        this.socket!.write(Buffer.concat([frames[0]!.bytes, options.pipelined]));
      } else sendFrame();
    });
  }

  private write(bytes: Buffer, shown: string): void {
    this.record('imap', 'send', shown);
    this.socket!.write(bytes);
  }

  private handleData(chunk: Buffer): void {
    this.reader.push(chunk);
    try {
      for (;;) {
        if (!this.reading) return;
        const unit = this.reader.next();
        if (!unit) return;
        this.record('imap', 'recv', unitShown(unit, this.inlineBytes));
        this.dispatch(parseResponse(unit));
      }
    } catch (err) {
      const failure = err instanceof ImapClientError ? err : new ProtocolError('MALFORMED_RESPONSE', String(err));
      this.anomaly(`fatal: ${failure.message}`);
      this.fatal = failure;
      this.socket?.destroy();
    }
  }

  private dispatch(response: ImapResponse): void {
    this.history.push(response);
    if (this.history.length > HISTORY_LIMIT) {
      this.history.shift();
      this.historyBase++;
    }
    this.emit('response', response);

    if (!this.greetingValue) return this.dispatchGreeting(response);

    switch (response.kind) {
      case 'untagged': {
        this.learn(response);
        if (response.name === 'BYE') this.byeText = response.text;
        if (++this.untaggedCount > this.maxUntagged) {
          throw new ProtocolError('TOO_MANY_RESPONSES', `more than ${this.maxUntagged} untagged responses ${this.current ? `to ${this.current.tag}` : 'between commands'}`);
        }
        if (this.current) {
          this.current.untagged.push(response.raw);
          this.current.responses.push(response);
        } else {
          this.unsolicited.push(response);
          if (this.unsolicited.length > KEEP_LIMIT) this.unsolicited.shift();
        }
        break;
      }
      case 'continuation':
        if (this.current) this.current.onContinuation(response);
        else this.anomaly(`continuation request with no command running: ${lineShown(response.raw)}`);
        break;
      case 'tagged': {
        const pending = this.current;
        if (pending && response.tag === pending.tag) {
          if (response.code?.name === 'CAPABILITY' && response.status === 'OK') this.caps = splitCaps(response.code.value);
          pending.onTagged?.(response);
          const result: CommandResult = {
            tag: response.tag,
            status: response.status,
            text: response.text,
            ...(response.code ? { code: response.code } : {}),
            untagged: pending.untagged,
            responses: pending.responses,
          };
          if (pending.deferredError) pending.reject(pending.deferredError);
          else pending.resolve(result);
        } else if (this.abandoned.has(response.tag)) {
          this.anomaly(`late tagged response for ${response.tag} (after its timeout)`);
        } else {
          this.anomaly(`tagged response with unknown tag ${JSON.stringify(response.tag)}${pending ? ` while ${pending.tag} runs` : ''}`);
        }
        break;
      }
      case 'malformed': {
        this.anomaly(`malformed response (${response.reason}): ${lineShown(response.raw)}`);
        // Fail closed: a command whose response stream is corrupt does not get a result built from it.
        const pending = this.current;
        if (pending) {
          this.abandoned.add(pending.tag);
          pending.reject(new ProtocolError('MALFORMED_RESPONSE', `malformed response during ${pending.tag}: ${response.reason}`));
        }
        break;
      }
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(response)) {
        this.waiters.delete(waiter);
        waiter.resolve(response);
      }
    }
  }

  private dispatchGreeting(response: ImapResponse): void {
    const waiter = this.greetingWaiter;
    if (response.kind === 'untagged' && (response.name === 'OK' || response.name === 'PREAUTH' || response.name === 'BYE') && response.number === undefined) {
      this.greetingValue = {
        kind: response.name,
        text: response.text,
        ...(response.code ? { code: response.code } : {}),
        raw: response.raw,
      };
      this.learn(response);
      if (response.name === 'BYE') this.byeText = response.text;
      waiter?.resolve();
      return;
    }
    const err = new ProtocolError('MALFORMED_GREETING', `server greeting is not * OK|PREAUTH|BYE: ${lineShown(response.raw).slice(0, 200)}`);
    this.anomaly(err.message);
    this.fatal = err;
    this.socket?.destroy();
    waiter?.reject(err);
  }

  /** Keeps capability knowledge current from CAPABILITY responses and [CAPABILITY …] codes. */
  private learn(response: Extract<ImapResponse, { kind: 'untagged' }>): void {
    if (response.name === 'CAPABILITY') this.caps = splitCaps(response.text);
    else if (response.code?.name === 'CAPABILITY') this.caps = splitCaps(response.code.value);
  }

  private handleClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const err = this.closeError();
    // TLS 1.3 alerts arrive after secureConnect (e.g. the server wanted a client certificate): record them as TLS evidence.
    if (err instanceof TlsError && err !== this.fatal) this.record('tls', 'event', `TLS connection aborted (${err.phase}): ${err.code}: ${err.reason}`);
    this.record('tcp', 'event', `connection closed${this.closedByClient ? ' by client' : ''}${this.byeText !== undefined ? ` after BYE "${this.byeText}"` : ''}${this.lastSocketError ? ` (${nodeCode(this.lastSocketError) ?? this.lastSocketError.message})` : ''}`);
    this.greetingWaiter?.reject(err);
    this.current?.reject(this.current.deferredError ?? err);
    for (const waiter of this.waiters) waiter.reject(err);
    this.waiters.clear();
    this.markClosed();
    this.emit('close');
  }

  /** Why the connection is unusable: a recorded fatal error, a TLS alert, or a plain close. */
  private closeError(): Error {
    if (this.fatal) return this.fatal;
    if (this.closedByClient) return new ConnectionClosedError('connection closed by the client', this.byeText);
    const socketErr = this.lastSocketError;
    if (socketErr && isTlsCode(nodeCode(socketErr))) return toTlsError(socketErr, this.tlsPhase);
    const why = this.byeText !== undefined ? `server said BYE: ${this.byeText}` : socketErr ? `connection lost: ${nodeCode(socketErr) ?? socketErr.message}` : 'connection closed by the server';
    return new ConnectionClosedError(why, this.byeText, socketErr ? { cause: socketErr } : undefined);
  }

  private assertOpen(): void {
    if (this.isClosed) throw this.closeError();
  }

  private anomaly(text: string): void {
    this.anomalies.push(text);
    if (this.anomalies.length > KEEP_LIMIT) this.anomalies.shift();
    this.record('imap', 'event', `anomaly: ${text}`);
    this.emit('anomaly', text);
  }
}

function splitCaps(text: string | undefined): string[] {
  return (text ?? '').split(' ').filter((c) => c.length > 0);
}
