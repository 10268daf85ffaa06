/**
 * The SMSC simulator (IF-9, and the network between the EVVM Server and the EVVM Client's handset):
 * SMPP v3.4 over TCP and TLS, with its own PDU codec and session state machine (smpp 0.5.1 wedges on
 * malformed PDUs, stack.md §2.3). Binds are authenticated by system_id and password; the originating
 * address is the one the network assigns to the bound account; mobile-terminated notifications go to
 * the handsets, mobile-originated commands to the EVVM Server, both by destination address. Whatever
 * one peer sends, the others keep being served.
 */
import net from 'node:net';
import tls from 'node:tls';
import { nullSink, type TranscriptSink } from '../../evidence/transcript';
import type { Activity } from '../protocol/smpp/activity';
import { SmppConnection } from '../protocol/smpp/connection';
import { COMMAND_IDS, STATUS } from '../protocol/smpp/constants';
import { encodeHeaderOnly } from '../protocol/smpp/pdu';
import { renderShortMessage } from '../protocol/vvm-sms/render';
import { AccountTable, type SmscAccountSpec } from './accounts';
import { SmscObservationLog, type SmscObservations } from './observations';
import { Router } from './router';
import { SmscSession, type SmscContext } from './session';
import { tlsVersionFloor } from '../crypto/tls-versions';
import { tlsHandshakeEvidence } from '../../evidence/tls';
import { SMSC_FAULTS } from './faults';
import type { FaultSet } from '../fault-set';

export interface SmscOptions {
  /** transcript name, default 'SMSC' */
  actor?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** the system_id the SMSC names itself in bind responses */
  systemId?: string;
  listen: { plain?: boolean; tls?: { key: string; cert: string } };
  /** fixed ports; ephemeral otherwise */
  ports?: { smpp?: number; smpps?: number };
  accounts: SmscAccountSpec[];
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
  activity?: Activity;
  /** outstanding deliver_sm per receiver (default 64) */
  window?: number;
  /** messages stored per account before ESME_RMSGQFUL (default 10000) */
  maxStored?: number;
  /** largest message_payload accepted (default 2000 octets) */
  maxMessageOctets?: number;
  /** largest command_length accepted (default 16384) */
  maxPduLength?: number;
  /** a connection that has not bound after this is closed (default 10 s) */
  bindTimeoutMs?: number;
  /** a partial PDU older than this closes its connection (default 10 s) */
  incompleteTimeoutMs?: number;
  responseTimeoutMs?: number;
  /** a bound session without any PDU from the ESME for this long is closed (default 5 min) */
  inactivityTimeoutMs?: number;
  /** simultaneous connections; more are answered generic_nack ESME_RBINDFAIL and closed (default 256) */
  maxConnections?: number;
  maxFailedBinds?: number;
}

export class Smsc {
  readonly actor: string;
  private readonly accounts: AccountTable;
  private readonly faults: FaultSet<'smsc'>;
  private readonly log = new SmscObservationLog();
  private readonly router: Router;
  private readonly ctx: SmscContext;
  private readonly transcript: TranscriptSink;
  private readonly sessions = new Set<SmscSession>();
  private readonly servers: net.Server[] = [];
  private counter = 0;

  constructor(private readonly options: SmscOptions) {
    this.actor = options.actor ?? 'SMSC';
    this.transcript = options.transcript ?? nullSink;
    this.faults = SMSC_FAULTS.among(options.faults);
    this.accounts = new AccountTable();
    for (const a of options.accounts) this.addAccount(a);
    this.router = new Router(this.accounts, {
      faults: this.faults,
      maxStored: options.maxStored ?? 10_000,
      maxMessageOctets: options.maxMessageOctets ?? 2000,
      log: this.log,
      ...(options.activity ? { activity: options.activity } : {}),
    });
    this.ctx = {
      actor: this.actor,
      systemId: options.systemId ?? 'SMSC',
      accounts: this.accounts,
      router: this.router,
      faults: this.faults,
      log: this.log,
      maxFailedBinds: options.maxFailedBinds ?? 3,
      ...(options.activity ? { activity: options.activity } : {}),
    };
  }

  async start(): Promise<{ smpp?: number; smpps?: number }> {
    const host = this.options.host ?? '127.0.0.1';
    const ports: { smpp?: number; smpps?: number } = {};
    if (this.options.listen.plain) {
      const server = net.createServer((socket) => this.accept(socket, false));
      ports.smpp = await this.listen(server, host, this.options.ports?.smpp ?? 0);
    }
    const t = this.options.listen.tls;
    if (t) {
      // FAULT smsc:accept-legacy-tls (STD-07): TLS 1.0 and 1.1 handshakes complete on SMPP over TLS.
      const floor = tlsVersionFloor(this.faults.has('smsc:accept-legacy-tls'));
      // a client that never completes the handshake is cut at the bind deadline, not Node's 120 s
      const server = tls.createServer({ key: t.key, cert: t.cert, ...floor, handshakeTimeout: this.options.bindTimeoutMs ?? 10_000 }, (socket) => this.accept(socket, true));
      server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
        this.note(`TLS handshake failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
        socket.destroy(); // with a listener Node leaves the socket open, also after a handshake timeout
      });
      ports.smpps = await this.listen(server, host, this.options.ports?.smpps ?? 0);
    }
    return ports;
  }

  /** Closes the listeners and every session at once. */
  async stop(): Promise<void> {
    for (const s of this.sessions) s.connection.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  addAccount(spec: SmscAccountSpec): void {
    this.accounts.add(spec);
    this.transcript.secret(spec.password);
  }

  setFault(name: string, on: boolean): void {
    this.faults.set(name, on);
  }

  observations(): SmscObservations {
    return this.log.snapshot(this.sessions.size);
  }

  /** Messages stored for an account that has no receiver bound. */
  stored(systemId: string): number {
    return this.router.stored(systemId);
  }

  private listen(server: net.Server, host: string, port: number): Promise<number> {
    this.servers.push(server);
    // beyond the refused ones, the listener drops connections outright: descriptors stay bounded
    server.maxConnections = 2 * this.maxConnections;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.removeListener('error', reject);
        server.on('error', (err) => this.note(`listener error: ${err.message}`));
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  private get maxConnections(): number {
    return this.options.maxConnections ?? 256;
  }

  private accept(socket: net.Socket, secure: boolean): void {
    const conn = `smsc-${++this.counter}`;
    if (this.sessions.size >= this.maxConnections) {
      socket.on('error', () => undefined);
      this.note(`${conn}: refused, ${this.sessions.size} connections open (limit ${this.maxConnections}): generic_nack ESME_RBINDFAIL`);
      socket.end(encodeHeaderOnly(COMMAND_IDS.generic_nack, STATUS.ESME_RBINDFAIL, 0));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    if (socket instanceof tls.TLSSocket) {
      const shown = tlsHandshakeEvidence(socket, 'server');
      this.transcript.record({ actor: this.actor, peer: 'ESME', channel: 'tls', dir: 'event', text: `TLS ${shown.protocol ?? '?'} ${shown.cipher ?? '?'}`, conn, tls: shown });
    }
    const window = this.options.window ?? 64;
    const timeouts = [this.options.bindTimeoutMs ?? 10_000, this.options.incompleteTimeoutMs ?? 10_000, this.options.responseTimeoutMs ?? 10_000];
    const connection = new SmppConnection({
      socket,
      secure,
      actor: this.actor,
      peer: 'ESME',
      conn,
      transcript: this.transcript,
      window,
      maxPduLength: this.options.maxPduLength ?? 16384,
      responseTimeoutMs: this.options.responseTimeoutMs ?? 10_000,
      incompleteTimeoutMs: this.options.incompleteTimeoutMs ?? 10_000,
      text: renderShortMessage,
      tickMs: Math.max(25, Math.min(1000, Math.floor(Math.min(...timeouts) / 4))),
      // FAULT smsc:truncate-long-fields (PRAC-04): an over-long system_id or password is cut to its field, so "password+more" binds.
      fieldSizes: this.ctx.faults.has('smsc:truncate-long-fields') ? 'truncate' : 'enforce',
    });
    const session = new SmscSession(this.ctx, connection, window, this.options.bindTimeoutMs ?? 10_000, this.options.inactivityTimeoutMs ?? 5 * 60_000);
    this.sessions.add(session);
    connection.onClose(() => this.sessions.delete(session));
    connection.event(`connection from ${socket.remoteAddress}:${socket.remotePort}${secure ? ` over ${(socket as tls.TLSSocket).getProtocol?.() ?? 'TLS'}` : ''}`);
  }

  private note(text: string): void {
    this.transcript.record({ actor: this.actor, channel: 'smpp', dir: 'event', text });
  }
}
