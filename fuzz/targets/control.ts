/**
 * The control API (the HTTP server of `simulate` and of every driven container): requests on raw
 * sockets with odd methods, paths, headers and bodies, bodies cut off by a reset, CONNECT tunnels
 * allowed and refused, some reset at once. Each input ends with the server's status line, or at once
 * for the inputs that reset it; a GET /health must keep answering.
 */
import http from 'node:http';
import net from 'node:net';
import { ControlError, ControlServer } from '../../harness/control/control-server';
import type { Rng } from '../rng';
import type { Driver, Fed, Target } from '../runner';
import { RawSession } from '../session';

const ROUTES = ['GET /health', 'POST /faults', 'POST /scenario/begin', 'GET /observations'];

function request(r: Rng, tunnelPort: number): { bytes: string; reset: boolean } {
  const [method, p] = r.pick(ROUTES).split(' ') as [string, string];
  const body = r.pick([`{"faults":["${r.text(r.size(50))}"]}`, '{', r.text(r.size(5000)), `[${'['.repeat(r.size(5000))}`, '{"a":'.repeat(r.size(1000)), '']);
  // a shorter length leaves the rest to be parsed as the next request; a longer one would only wait
  const length = r.chance(0.8) ? Buffer.byteLength(body, 'latin1') : r.int(Buffer.byteLength(body, 'latin1') + 1);
  if (r.chance(0.15)) {
    const port = r.chance(0.7) ? tunnelPort : r.pick([1, 22, 80, r.int(65536)]);
    return { bytes: `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: x\r\n\r\n${r.text(r.size(100))}`, reset: r.chance(0.6) };
  }
  const line = `${r.chance(0.9) ? method : r.pick(['PUT', 'DELETE', 'OPTIONS', r.text(8)])} ${r.chance(0.9) ? p : `/${r.text(r.size(3000))}`} HTTP/1.1`;
  const headers = [`Host: 127.0.0.1`, `Content-Length: ${length}`, 'Connection: close', ...(r.chance(0.1) ? [`X-${r.text(5)}: ${r.text(r.size(10_000))}`] : []), ...(r.chance(0.05) ? ['Transfer-Encoding: chunked'] : [])];
  const raw = `${line}\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
  const cut = r.chance(0.15);
  return { bytes: cut ? raw.slice(0, r.int(raw.length)) : r.chance(0.2) ? r.mutate(raw) : raw, reset: cut };
}

class ControlDriver implements Driver {
  constructor(
    private readonly server: ControlServer,
    private readonly port: number,
    private readonly echo: net.Server,
    private readonly tunnelPort: number,
  ) {}

  async feed(r: Rng): Promise<Fed> {
    const s = await RawSession.open(this.port);
    const { bytes, reset } = request(r, this.tunnelPort);
    s.write(bytes);
    if (reset) {
      // a client that goes away mid-request (item 14): the reset must not escape the server
      await new Promise((resolve) => setImmediate(resolve));
      s.socket.resetAndDestroy();
      return 'answered';
    }
    // the status line is the answer (a tunnel stays open after it; a damaged Connection header keeps a request's open)
    const got = await s.until((t) => /^HTTP\/1\.1 \d{3} [^\r\n]*\r\n/.test(t), 300);
    s.destroy();
    return got === 'timeout' ? 'unanswered' : 'answered';
  }

  probe(): Promise<void> {
    return new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: this.port, path: '/health', agent: false }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET /health: ${res.statusCode}`))));
        })
        .on('error', reject);
    });
  }

  async stop(): Promise<void> {
    await this.server.close();
    await new Promise((resolve) => this.echo.close(resolve));
  }
}

export const controlTarget: Target = {
  name: 'control',
  async start() {
    // what a CONNECT tunnel reaches: a service that echoes
    const echo = net.createServer((s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const tunnelPort = (echo.address() as net.AddressInfo).port;
    const server = new ControlServer(
      {
        'GET /health': () => ({ ok: true }),
        'POST /faults': (body) => {
          if (typeof body !== 'object' || body === null || !Array.isArray((body as { faults?: unknown }).faults)) throw new ControlError('faults must be a list');
          return { ok: true };
        },
        'POST /scenario/begin': () => ({ ok: true }),
        'GET /observations': () => ({ sessions: [] }),
      },
      [tunnelPort],
    );
    const url = await server.listen('127.0.0.1');
    return new ControlDriver(server, Number(new URL(url).port), echo, tunnelPort);
  },
};
