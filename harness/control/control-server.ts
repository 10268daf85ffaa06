import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (body: unknown) => Promise<unknown> | unknown;

/** A request the control API refuses: 400 with a one-line reason. */
export class ControlError extends Error {}

const MAX_BODY = 4 * 1024 * 1024;

/**
 * The control API every simulator serves next to its protocols (what the container topology drives):
 * JSON over HTTP on loopback, one route per operation, e.g. 'POST /faults'. Bad requests get 4xx with a
 * one-line reason; a handler's failure is a 500, never a crash.
 */
export class ControlServer {
  private readonly server: http.Server;

  constructor(private readonly routes: Record<string, Handler>) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(host: string, port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value) + '\n');
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
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
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
