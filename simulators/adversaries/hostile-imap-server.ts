/**
 * A hostile IMAP server (PRAC-02; the fuzzing surface of CVE-2019-8613): it holds a certificate the
 * client trusts, serves a small mailbox the normal way, and at one stage of the session (the greeting or
 * the answer to one command) sends what its case says instead: malformed NAMESPACE or LIST responses,
 * literals that lie about their length, endless continuations, a 100 MB literal, unsolicited responses,
 * a slow drip. It records what it could observe of the client: what it wrote, how much of an announced
 * literal the client took, and whether and when the client closed the connection.
 *
 * Its own bounds: one case at a time (`arm`), a connection lives at most `maxConnectionMs`, and an
 * announced literal is streamed from one reused chunk, never allocated.
 */
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { TranscriptSink } from '../../evidence/transcript';
import { nullSink } from '../../evidence/transcript';
import { Rng } from '../../fuzz/rng';

/** Where in the session the case strikes: the greeting, or the answer to one command. */
export type Stage = 'greeting' | 'CAPABILITY' | 'LOGIN' | 'NAMESPACE' | 'SELECT' | 'FETCH';
/** How the payload goes out: at once, a byte at a time, over and over, or as an announced literal's contents. */
export type Delivery = 'burst' | 'drip' | 'endless' | 'literal';
/** What the server does after a burst: close, go silent, or answer later commands normally. */
export type After = 'close' | 'hang' | 'continue';

export interface HostileCase {
  /** the case's number in its corpus */
  index: number;
  family: string;
  stage: Stage;
  /** latin1 octets; `{TAG}` is the tag of the command answered, `{NORMAL}` the normal answer to it */
  payload: string;
  delivery: Delivery;
  after: After;
  /** delivery 'literal': the octets the announced literal claims */
  literalOctets?: number;
  /** when set, the payload (with the normal answer in it) is mutated by a generator of this seed */
  mutation?: number;
}

/** What the server saw of one case's connection. */
export interface HostileObservation {
  index: number;
  connected: boolean;
  /** the stage was reached: the hostile payload went (at least partly) out */
  struck: boolean;
  octetsWritten: number;
  /** delivery 'literal': octets of the announced literal the client took */
  literalOctetsTaken: number;
  /** who ended the connection: the client, this server (its case said so, or its lifetime limit), or the harness (`disarm`) */
  closedBy?: 'client' | 'server' | 'limit' | 'harness';
  /** ms from accept to close */
  closedAfterMs?: number;
}

/** The two voicemails the hostile server's mailbox holds: a client that completes must show exactly these. */
export const HOSTILE_MAILBOX: ReadonlyArray<{ uid: number; raw: string }> = [
  { uid: 1, raw: 'From: caller1@op.example\r\nSubject: voicemail 1\r\n\r\nfirst\r\n' },
  { uid: 2, raw: 'From: caller2@op.example\r\nSubject: voicemail 2\r\n\r\nsecond\r\n' },
];

const CAPABILITIES = 'IMAP4rev1 NAMESPACE UIDPLUS';
/**
 * The paces of a drip and of an endless flood: what makes them hostile is that they never pause long enough
 * for an inactivity timer (seconds in any client) and never end; each record costs both ends about a
 * millisecond of CPU, so a faster pace only made them the corpus's dearest cases. (How much a client
 * buffers is what the over-long lines and the 100 MB literal test.)
 */
const DRIP_MS = 40;
const ENDLESS_PIECE = 512;
const ENDLESS_PACE_MS = 100;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
/** lines a client may send before the server calls it a flood */
const MAX_LINE = 16 * 1024;

export interface HostileImapServerOptions {
  key: string;
  cert: string;
  /** a connection's hard lifetime (default 10 s) */
  maxConnectionMs?: number;
  transcript?: TranscriptSink;
}

interface Armed {
  hostile: HostileCase;
  observation: HostileObservation;
  socket?: tls.TLSSocket;
  closer?: 'server' | 'limit' | 'harness';
  closed: Promise<void>;
  markClosed: () => void;
}

export class HostileImapServer {
  readonly actor = 'Hostile IMAP Server';
  private readonly server: tls.Server;
  private readonly transcript: TranscriptSink;
  private armed: Armed | undefined;

  constructor(private readonly options: HostileImapServerOptions) {
    this.transcript = options.transcript ?? nullSink;
    this.server = tls.createServer({ key: options.key, cert: options.cert, handshakeTimeout: 2000 }, (socket) => this.accept(socket));
    this.server.on('tlsClientError', () => undefined);
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** The case the next connection gets; a connection that arrives unarmed is closed at once. */
  arm(hostile: HostileCase): void {
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    this.armed = { hostile, observation: { index: hostile.index, connected: false, struck: false, octetsWritten: 0, literalOctetsTaken: 0 }, closed, markClosed };
  }

  /** Waits up to `ms` for the case's connection to close, then cuts it; what the server observed. */
  async disarm(ms: number): Promise<HostileObservation> {
    const a = this.armed;
    if (!a) throw new Error('no case armed');
    this.armed = undefined;
    if (a.observation.connected) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([a.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
      if (a.observation.closedBy === undefined) {
        a.closer = 'harness';
        a.socket?.destroy();
        await a.closed;
      }
    }
    return { ...a.observation };
  }

  async stop(): Promise<void> {
    this.armed?.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: tls.TLSSocket): void {
    socket.on('error', () => undefined);
    const a = this.armed;
    if (!a || a.socket) {
      socket.destroy();
      return;
    }
    a.socket = socket;
    const o = a.observation;
    o.connected = true;
    const openedAt = Date.now();
    let ended = false;
    const limit = setTimeout(() => {
      ended = true;
      a.closer ??= 'limit';
      socket.destroy();
    }, this.options.maxConnectionMs ?? 10_000);
    socket.on('close', () => {
      clearTimeout(limit);
      ended = true;
      o.closedBy = a.closer ?? 'client';
      o.closedAfterMs = Date.now() - openedAt;
      a.markClosed();
    });
    const write = (octets: string | Buffer): boolean => {
      if (socket.destroyed || ended) return false;
      const b = typeof octets === 'string' ? Buffer.from(octets, 'latin1') : octets;
      o.octetsWritten += b.length;
      return socket.write(b);
    };
    const end = (): void => {
      ended = true;
      a.closer ??= 'server';
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    const hostile = a.hostile;
    let struck = false;
    const strike = (tag: string, normal: string): void => {
      struck = o.struck = true;
      this.transcript.record({ actor: this.actor, channel: 'imap', dir: 'event', text: `case ${hostile.index}: ${hostile.family} at ${hostile.stage} (${hostile.delivery}, then ${hostile.after})` });
      const filled = hostile.payload.replaceAll('{TAG}', tag).replaceAll('{NORMAL}', normal);
      const payload = hostile.mutation === undefined ? filled : new Rng(hostile.mutation).mutate(filled);
      void this.deliver(socket, payload, hostile, write, () => ended).then(() => {
        if (hostile.delivery !== 'burst') return;
        if (hostile.after === 'close') end();
        else if (hostile.after === 'hang') ended = true;
      });
    };
    const greeting = `* OK [CAPABILITY ${CAPABILITIES}] hostile server ready\r\n`;
    if (hostile.stage === 'greeting') strike('*', greeting);
    else write(greeting);

    let buffered = '';
    let literalLeft = 0;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      if (buffered.length > MAX_LINE) return end();
      for (;;) {
        if (literalLeft > 0) {
          const take = Math.min(literalLeft, buffered.length);
          buffered = buffered.slice(take);
          literalLeft -= take;
          if (literalLeft > 0) return;
        }
        const eol = buffered.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        // a command that goes on in a literal ({n} or {n+}): take its octets, answer at its last line
        const literal = /\{(\d{1,6})(\+?)\}$/.exec(line);
        if (literal) {
          literalLeft = Number(literal[1]);
          if (!literal[2]) write('+ go ahead\r\n');
          continue;
        }
        if (ended || (struck && hostile.after !== 'continue') || (struck && hostile.delivery !== 'burst')) continue;
        this.command(line, hostile.stage, write, end, strike);
      }
    });
  }

  /** Answers one command line normally, or strikes when it is the case's stage. */
  private command(line: string, stage: Stage, write: (o: string) => boolean, end: () => void, strike: (tag: string, normal: string) => void): void {
    const [tag = '*', verb = '', ...rest] = line.split(' ');
    const name = verb.toUpperCase() === 'UID' ? (rest[0] ?? '').toUpperCase() : verb.toUpperCase();
    const normal = this.normal(tag, name);
    const target: Stage | undefined = name === 'AUTHENTICATE' ? 'LOGIN' : name === 'EXAMINE' ? 'SELECT' : (name as Stage);
    if (target === stage && this.armed?.observation.struck !== true) return strike(tag, normal);
    write(normal);
    if (name === 'LOGOUT') end();
  }

  private normal(tag: string, name: string): string {
    switch (name) {
      case 'CAPABILITY':
        return `* CAPABILITY ${CAPABILITIES}\r\n${tag} OK done\r\n`;
      case 'LOGIN':
      case 'AUTHENTICATE':
        return `${tag} OK [CAPABILITY ${CAPABILITIES}] logged in\r\n`;
      case 'ID':
        return `* ID NIL\r\n${tag} OK done\r\n`;
      case 'NAMESPACE':
        return `* NAMESPACE (("" "/")) NIL NIL\r\n${tag} OK done\r\n`;
      case 'LIST':
        return `* LIST () "/" INBOX\r\n${tag} OK done\r\n`;
      case 'SELECT':
      case 'EXAMINE':
        return `* ${HOSTILE_MAILBOX.length} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 1] ok\r\n* OK [UIDNEXT ${HOSTILE_MAILBOX.length + 1}] ok\r\n${tag} OK [READ-WRITE] done\r\n`;
      case 'FETCH':
        return HOSTILE_MAILBOX.map((m, i) => `* ${i + 1} FETCH (UID ${m.uid} BODY[] {${m.raw.length}}\r\n${m.raw})\r\n`).join('') + `${tag} OK done\r\n`;
      case 'LOGOUT':
        return `* BYE bye\r\n${tag} OK done\r\n`;
      case 'NOOP':
      case 'ENABLE':
      case 'CLOSE':
        return `${tag} OK done\r\n`;
      default:
        return `${tag} BAD unknown command\r\n`;
    }
  }

  /** Sends the payload the way the case says, respecting the socket's backpressure. */
  private async deliver(socket: tls.TLSSocket, payload: string, hostile: HostileCase, write: (o: string | Buffer) => boolean, ended: () => boolean): Promise<void> {
    const o = this.armed?.observation;
    const drained = (): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    switch (hostile.delivery) {
      case 'burst':
        write(payload);
        return;
      case 'drip': {
        // one octet at a time, never idle long enough for an inactivity timer: only a session deadline ends it
        const text = payload + '* OK still here\r\n'.repeat(1000);
        for (let i = 0; i < text.length && !socket.destroyed && !ended(); i++) {
          write(text[i]!);
          await new Promise((r) => setTimeout(r, DRIP_MS));
        }
        return;
      }
      case 'endless': {
        // a piece every few ms: never idle long enough for an inactivity timer, never ending either
        const piece = Buffer.from(payload.repeat(Math.ceil(ENDLESS_PIECE / Math.max(1, payload.length))), 'latin1');
        while (!socket.destroyed && !ended()) {
          if (!write(piece)) await drained();
          await new Promise((r) => setTimeout(r, ENDLESS_PACE_MS));
        }
        return;
      }
      case 'literal': {
        write(payload);
        let left = hostile.literalOctets ?? 0;
        while (left > 0 && !socket.destroyed && !ended()) {
          const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= piece.length;
          const more = write(piece);
          if (o) o.literalOctetsTaken += piece.length;
          if (!more) await drained();
        }
        return;
      }
    }
  }
}
