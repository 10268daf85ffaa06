import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { decode, encode } from './codec';

export type Handler = (body: unknown) => Promise<unknown> | unknown;

/** A request the control API refuses: 400 with a one-line reason. */
export class ControlError extends Error {}

/** The control API's bounds: a hostile or broken client gets a 4xx or a closed connection, never a stalled API. */
export interface ControlLimits {
  /** the largest request body (POST /setup carries the run's PKI; a voicemail travels as base64) */
  maxBody: number;
  /** until a request's headers are in (then a 408) */
  headersTimeoutMs: number;
  /** until a whole request, body included, is in (then a 408) */
  requestTimeoutMs: number;
  /** open connections, tunnels included; more are closed at once */
  maxConnections: number;
}

export const CONTROL_LIMITS: ControlLimits = { maxBody: 32 * 1024 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxConnections: 512 };

/** A request refused before its route runs, with the status that says why. */
class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The request's body, at most `max` bytes; a declared or streamed excess is a 413. A client that goes
 * away mid-body rejects with the stream's error; the server's request timeout answers a stalled body.
 */
async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = (): Refusal => new Refusal(413, `request body larger than ${max} bytes`);
  if (Number(req.headers['content-length']) > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The control API every simulator serves next to its protocols (what the container topology drives):
 * JSON over HTTP on loopback, one route per operation, e.g. 'POST /faults'. Bad requests get 4xx with a
 * one-line reason; a handler's failure is a 500; a client that resets or stalls costs its own
 * connection only, never the process.
 */
export class ControlServer {
  private readonly server: http.Server;
  private readonly tunnels = new Set<Duplex>();
  private readonly limits: ControlLimits;

  /**
   * `tunnelPorts`: local ports a client may reach with HTTP CONNECT through this API (a container's
   * simulators, from the harness, over the one port the container publishes); none by default.
   */
  constructor(
    private readonly routes: Record<string, Handler>,
    private readonly tunnelPorts: readonly number[] = [],
    limits: Partial<ControlLimits> = {},
  ) {
    this.limits = { ...CONTROL_LIMITS, ...limits };
    const { headersTimeoutMs, requestTimeoutMs } = this.limits;
    // Node answers 408 itself when a timeout passes; it checks at this interval
    const connectionsCheckingInterval = Math.max(50, Math.min(1000, headersTimeoutMs / 4));
    this.server = http.createServer({ headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval }, (req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server.maxConnections = this.limits.maxConnections;
    this.server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head));
  }

  private tunnel(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    // the client may reset before or after any answer: that ends its tunnel, nothing else
    socket.on('error', () => socket.destroy());
    const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(req.url ?? '')?.[1]);
    if (!this.tunnelPorts.includes(port)) {
      socket.end(`HTTP/1.1 403 Forbidden\r\n\r\n`);
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    this.tunnels.add(socket);
    let established = false;
    const close = (): void => {
      upstream.destroy();
      socket.destroy();
      this.tunnels.delete(socket);
    };
    upstream.once('connect', () => {
      established = true;
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => {
      if (established) return close();
      // nothing listens there (any more): the client sees its connection refused, as without a tunnel
      this.tunnels.delete(socket);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    upstream.on('close', () => established && close());
    socket.on('error', close).on('close', close);
  }

  async listen(host: string, port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  close(): Promise<void> {
    for (const t of this.tunnels) t.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, value: unknown): void => {
      if (res.headersSent || !res.socket || res.socket.destroyed) return; // nobody is left to answer
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) });
      res.end(encode(value) + '\n');
    };
    const route = this.routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
    if (!route) {
      req.resume(); // the body is not wanted; read it away so the connection can serve the next request
      return reply(404, { error: `no route ${req.method} ${req.url}`, routes: Object.keys(this.routes) });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, this.limits.maxBody);
    } catch (err) {
      if (err instanceof Refusal) return reply(err.status, { error: err.message });
      return; // the client went away mid-body (or timed out, which Node has answered): no reply is possible
    }
    let body: unknown;
    try {
      body = raw.length ? decode(raw.toString('utf8')) : {};
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    try {
      reply(200, (await route(body)) ?? { ok: true });
    } catch (err) {
      if (err instanceof ControlError) reply(400, { error: err.message });
      else reply(500, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
