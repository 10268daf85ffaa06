/**
 * The control API under clients that reset, stall or send too much: each costs its own connection (with
 * a 4xx where an answer is still possible), the process sees no unhandled error, and the API answers on.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlServer } from '../../harness/control/control-server';
import { Tunnel } from '../../harness/topology/containers/tunnel';

// What reached the process's last-resort handlers (the CLI's global ones log "harness error (…)").
const escaped: string[] = [];
const onUncaught = (e: Error): void => void escaped.push(`uncaught: ${e.message}`);
const onUnhandled = (e: unknown): void => void escaped.push(`unhandled: ${(e as Error).message}`);

let echo: net.Server;
let echoPort: number;
before(async () => {
  process.on('uncaughtException', onUncaught).on('unhandledRejection', onUnhandled);
  echo = net.createServer((s) => s.on('error', () => s.destroy()).pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
});
after(() => {
  process.off('uncaughtException', onUncaught).off('unhandledRejection', onUnhandled);
  echo.close();
});

async function serve(limits: ConstructorParameters<typeof ControlServer>[2] = {}): Promise<{ control: ControlServer; port: number }> {
  const control = new ControlServer({ 'GET /health': () => ({ ready: true }), 'POST /echo': (b) => b }, [echoPort], limits);
  const port = Number(new URL(await control.listen('127.0.0.1')).port);
  return { control, port };
}

/** Sends raw bytes and collects what comes back until the server closes (or `ms` pass). */
function exchange(port: number, bytes: string, ms = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const c = net.connect(port, '127.0.0.1', () => c.write(bytes));
    const timer = setTimeout(() => (c.destroy(), resolve({ text, closed: false })), ms);
    c.on('data', (d) => (text += d.toString()));
    c.on('error', () => undefined);
    c.on('close', () => (clearTimeout(timer), resolve({ text, closed: true })));
  });
}

async function healthy(port: number): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/health`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ready: true });
}

/** Connects, sends `bytes`, waits for them to be taken in, then resets the connection (TCP RST). */
async function sendThenReset(port: number, bytes: string, waitMs = 50): Promise<void> {
  const c = net.connect(port, '127.0.0.1');
  c.on('error', () => undefined);
  await new Promise<void>((r) => c.once('connect', () => r()));
  c.write(bytes);
  await sleep(waitMs);
  c.resetAndDestroy();
  await sleep(50);
}

describe('control API', () => {
  beforeEach(() => void escaped.splice(0));

  it('a POST that closes mid-body costs that request only: no unhandled rejection, the API answers on', async () => {
    const { control, port } = await serve();
    try {
      for (let i = 0; i < 5; i++) await sendThenReset(port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a":`);
      await sleep(100);
      assert.deepEqual(escaped, []);
      await healthy(port);
    } finally {
      await control.close();
    }
  });

  it('a CONNECT to a port it may not reach, then a reset: no uncaught exception', async () => {
    const { control, port } = await serve();
    try {
      // the reset races the 403: whichever comes first, the process must not see an error
      for (let i = 0; i < 10; i++) await sendThenReset(port, `CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n`, i % 3);
      for (let i = 0; i < 5; i++) await sendThenReset(port, `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\nping`, i % 3);
      await sleep(100);
      assert.deepEqual(escaped, []);
      await healthy(port);
    } finally {
      await control.close();
    }
  });

  it('a body over the limit is a 413, declared or streamed', async () => {
    const { control, port } = await serve({ maxBody: 1000 });
    try {
      const declared = await exchange(port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n`);
      assert.match(declared.text, /^HTTP\/1\.1 413 /);
      const chunk = (s: string): string => `${s.length.toString(16)}\r\n${s}\r\n`;
      const streamed = await exchange(port, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('"' + 'x'.repeat(600))}${chunk('y'.repeat(600))}`);
      assert.match(streamed.text, /^HTTP\/1\.1 413 /);
      const fits = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: JSON.stringify({ a: 'x'.repeat(900) }) });
      assert.equal(fits.status, 200);
    } finally {
      await control.close();
    }
  });

  it('a request whose headers or body stall gets a 408 and its connection closed', async () => {
    const { control, port } = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    try {
      const start = Date.now();
      const headers = await exchange(port, `GET /health HTTP/1.1\r\nHost: x\r\n`);
      assert.ok(headers.closed && /^HTTP\/1\.1 408 /.test(headers.text), JSON.stringify(headers));
      const body = await exchange(port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":`);
      assert.ok(body.closed && /^HTTP\/1\.1 408 /.test(body.text), JSON.stringify(body));
      assert.ok(Date.now() - start < 2500, `took ${Date.now() - start} ms`);
      assert.deepEqual(escaped, []);
      await healthy(port);
    } finally {
      await control.close();
    }
  });

  it('a tunnel outlives the request timeout: it is a connection, not a request', async () => {
    const { control, port } = await serve({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    try {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', () => undefined);
      let text = '';
      c.on('data', (d) => (text += d.toString()));
      c.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await sleep(600);
      c.write('still here');
      await sleep(200);
      assert.match(text, /^HTTP\/1\.1 200 Connection Established\r\n\r\nstill here$/);
      c.destroy();
    } finally {
      await control.close();
    }
  });

  it('connections over the cap are closed at once; the API answers again when they go', async () => {
    const { control, port } = await serve({ maxConnections: 3 });
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        await new Promise<void>((r) => s.once('connect', () => r()));
        held.push(s);
      }
      await sleep(50);
      const over = await exchange(port, `GET /health HTTP/1.1\r\nHost: x\r\n\r\n`, 1000);
      assert.ok(over.closed && over.text === '', JSON.stringify(over));
      for (const s of held) s.destroy();
      await sleep(100);
      await healthy(port);
    } finally {
      for (const s of held) s.destroy();
      await control.close();
    }
  });
});

describe("the harness's end of a tunnel", () => {
  it('a client that resets before its tunnel is up leaves nothing open inside the container', async () => {
    let open = 0;
    const inside = net.createServer((s) => {
      open++;
      s.on('error', () => undefined).on('close', () => open--);
    });
    await new Promise<void>((r) => inside.listen(0, '127.0.0.1', r));
    const control = new ControlServer({}, [(inside.address() as net.AddressInfo).port]);
    const url = new URL(await control.listen('127.0.0.1'));
    const { tunnel, port } = await Tunnel.open(url, (inside.address() as net.AddressInfo).port);
    try {
      for (let i = 0; i < 5; i++) {
        const c = net.connect(port, '127.0.0.1');
        c.on('error', () => undefined);
        await new Promise<void>((r) => c.once('connect', () => r()));
        c.resetAndDestroy();
      }
      await sleep(300);
      assert.equal(open, 0, 'connections left open inside');
      assert.deepEqual(escaped, []);
    } finally {
      await tunnel.close();
      await control.close();
      inside.close();
    }
  });
});
