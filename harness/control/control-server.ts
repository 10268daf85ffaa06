import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { decode, encode } from './codec';

export type Handler = (body: unknown) => Promise<unknown> | unknown;

/** A request the control API refuses: 400 with a one-line reason. */
export class ControlError extends Error {}

const MAX_BODY = 32 * 1024 * 1024;

/**
 * The control API every simulator serves next to its protocols (what the container topology drives):
 * JSON over HTTP on loopback, one route per operation, e.g. 'POST /faults'. Bad requests get 4xx with a
 * one-line reason; a handler's failure is a 500, never a crash.
 */
export class ControlServer {
  private readonly server: http.Server;
  private readonly tunnels = new Set<Duplex>();

  /**
   * `tunnelPorts`: local ports a client may reach with HTTP CONNECT through this API (a container's
   * simulators, from the harness, over the one port the container publishes); none by default.
   */
  constructor(
    private readonly routes: Record<string, Handler>,
    private readonly tunnelPorts: readonly number[] = [],
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head));
  }

  private tunnel(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
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
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(encode(value) + '\n');
    };
    const route = this.routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
    if (!route) return reply(404, { error: `no route ${req.method} ${req.url}`, routes: Object.keys(this.routes) });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return reply(413, { error: 'request body too large' });
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = chunks.length ? decode(Buffer.concat(chunks).toString('utf8')) : {};
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
