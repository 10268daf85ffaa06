import http from 'node:http';
import { decode, encode } from '../../control/codec';
import { HarnessError } from '../../engine/outcomes';

/**
 * The harness's side of a container's control API (harness/simulate/driven): JSON over HTTP to the
 * control port published on 127.0.0.1. A refusal or an unreachable container is a harness error, so a
 * scenario that could not drive its simulators never passes.
 */
export class ControlClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    readonly role: string,
    private readonly base: URL,
  ) {}

  call<T = unknown>(route: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const [method, pathname] = route.split(' ') as [string, string];
    const payload = body === undefined ? undefined : Buffer.from(encode(body));
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        { host: this.base.hostname, port: this.base.port, method, path: pathname, agent: this.agent, timeout: timeoutMs, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new HarnessError(`the ${this.role} container: ${route}: ${err.message}`)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let value: unknown;
            try {
              value = decode(text);
            } catch {
              return reject(new HarnessError(`the ${this.role} container answered ${route} with something that is not JSON (HTTP ${res.statusCode})`));
            }
            if (res.statusCode !== 200) return reject(new HarnessError(`the ${this.role} container refused ${route}: ${(value as { error?: string }).error ?? `HTTP ${res.statusCode}`}`));
            resolve(value as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(new HarnessError(`the ${this.role} container cannot be reached (${route}): ${err.message}`)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
