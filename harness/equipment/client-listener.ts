/**
 * Where a client under test connects: a TCP relay on loopback in front of one of the harness's servers
 * (its EVVM Server, a rogue server, a STARTTLS stripper). TLS stays end to end; the relay only records
 * that the client came, so "it never connected" is told apart from "it connected and gave up".
 * Bounded: a few connections, each closed after the scenario's timeout.
 */
import net from 'node:net';
import type { TranscriptSink } from '../../evidence/transcript';

const MAX_CONNECTIONS = 16;

export class ClientListener {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private seen = 0;
  private lastActivity = 0;
  private first?: number;

  constructor(
    private readonly upstream: { host: string; port: number; actor: string },
    private readonly transcript: TranscriptSink,
    private readonly idleMs: number,
  ) {}

  /** Listens on 127.0.0.1 at `port` (0: any free port); answers the port. */
  start(port: number): Promise<number> {
    const server = net.createServer((client) => this.relay(client));
    server.maxConnections = MAX_CONNECTIONS;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  /** Connections the client made so far. */
  get connections(): number {
    return this.seen;
  }

  /** When the client first connected (ms since the epoch), if it did: tells which of several endpoints it tried first. */
  get firstConnectedAt(): number | undefined {
    return this.first;
  }

  /** The client came, and has been quiet for `ms` with no connection open. */
  quietFor(ms: number): boolean {
    return this.seen > 0 && this.sockets.size === 0 && Date.now() - this.lastActivity >= ms;
  }

  private relay(client: net.Socket): void {
    this.seen += 1;
    this.lastActivity = Date.now();
    this.first ??= this.lastActivity;
    const conn = `client-${this.seen}`;
    this.transcript.record({ actor: 'EVVM Client (IUT)', peer: this.upstream.actor, channel: 'tcp', dir: 'event', conn, text: `the client under test connected, relayed to ${this.upstream.actor}` });
    const server = net.connect({ host: this.upstream.host, port: this.upstream.port });
    for (const s of [client, server]) {
      this.sockets.add(s);
      s.setTimeout(this.idleMs, () => s.destroy());
      s.on('data', () => (this.lastActivity = Date.now()));
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        this.lastActivity = Date.now();
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server);
    server.pipe(client);
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
