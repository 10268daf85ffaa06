/**
 * Hostile input that used to freeze the IMAP server or grow its memory (issue 12, items 10-12): each is
 * answered per protocol, within a generous bound that only a hang would exceed, and every buffer and
 * connection has a limit the evidence states.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Transcript } from '../../evidence/transcript';
import { ImapServer, SimpleBackend } from '../../simulators/protocol/imap/server';
import { FOLDER_QUOTA } from '../../simulators/protocol/imap/server/mailstore';
import { ALICE, startServer } from './helpers/fixtures';
import { testPki, type TestPkiFiles } from './helpers/pki';
import { RawImap } from './helpers/raw-client';
import { login, taggedLine, tlsClient } from './helpers/session';

/** Far above what the linear code needs, far below what the quadratic code took (seconds). */
const NO_HANG_MS = 1500;

let pki: TestPkiFiles;
before(async () => {
  pki = await testPki();
});

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await f();
  return { value, ms: Date.now() - t0 };
}

describe('IMAP input that used to block the process', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let c: RawImap;
  before(async () => {
    ctx = await startServer(pki);
    ({ c } = await tlsClient(pki, ctx.imaps));
    assert.match(await login(c, 'l', ALICE.mail, ALICE.password), /^l OK/);
  });
  after(async () => {
    c.close();
    await ctx.server.stop();
  });

  it('LIST with many wildcards is matched without backtracking', async () => {
    const { value, ms } = await timed(() => c.command('w1', 'LIST "" "#**********X"', 5000));
    assert.match(taggedLine(value, 'w1'), /^w1 OK/);
    assert.ok(ms < NO_HANG_MS, `LIST took ${ms} ms`);
    const all = await c.command('w2', 'LIST "" "#id/%/I*X"');
    assert.match(all, /#id\/tel:\+15550001\/INBOX/, 'the matcher still matches');
    assert.doesNotMatch(all, /Greetings/);
  });

  it('BODYSTRUCTURE of a Content-Type with an 80,000-character parameter is linear', async () => {
    const message = Buffer.from(`Subject: long\r\nContent-Type: text/plain; ${'a'.repeat(80_000)}; charset=us-ascii\r\n\r\nbody\r\n`);
    c.send(`b1 APPEND INBOX {${message.length}+}\r\n`);
    c.send(message);
    c.send('\r\n');
    assert.match(taggedLine(await c.tagged('b1'), 'b1'), /^b1 OK/);
    assert.match(taggedLine(await c.command('b2', 'SELECT INBOX'), 'b2'), /^b2 OK/);
    const { value, ms } = await timed(() => c.command('b3', 'FETCH * BODYSTRUCTURE', 10_000));
    assert.match(value, /BODYSTRUCTURE \("TEXT" "PLAIN" \("CHARSET" "us-ascii"\)/);
    assert.ok(ms < NO_HANG_MS, `BODYSTRUCTURE took ${ms} ms`);
  });

  it('10,000 nested parentheses get a BAD that names the limit, and the session goes on', async () => {
    const r = await c.command('n1', `ID ${'('.repeat(10_000)}`);
    assert.match(taggedLine(r, 'n1'), /^n1 BAD .*nested deeper than 64 levels/);
    assert.match(taggedLine(await c.command('n2', 'NOOP'), 'n2'), /^n2 OK/);
  });

  it('SEARCH with 8,000 NOTs gets a BAD that names the limit, not an internal error', async () => {
    const r = await c.command('s1', `SEARCH ${'NOT '.repeat(8000)}ALL`);
    assert.match(taggedLine(r, 's1'), /^s1 BAD search keys nested deeper than 64 levels/);
    assert.match(taggedLine(await c.command('s2', 'SEARCH NOT NOT ALL'), 's2'), /^s2 OK/);
  });

  it('APPEND and STORE stop at the folder\'s keyword quota with NO, not at memory', async () => {
    const flags = Array.from({ length: FOLDER_QUOTA.keywords + 1 }, (_, i) => `k${i}`).join(' ');
    assert.match(taggedLine(await c.command('q1', `STORE 1 +FLAGS (${flags})`), 'q1'), /^q1 NO \[LIMIT\] .*256 keywords/);
    assert.match(taggedLine(await c.command('q2', `APPEND INBOX (${flags}) {1+}\r\nx`), 'q2'), /^q2 NO \[OVERQUOTA\] .*256 keywords/);
    // within the quota the flags a VVM client may set are stored, the others refused (VVM-05)
    assert.match(taggedLine(await c.command('q3', 'STORE 1 +FLAGS (\\Seen $CNS-Greeting-On)'), 'q3'), /^q3 OK/, 'within the quota nothing changes');
    assert.match(taggedLine(await c.command('q4', 'STORE 1 +FLAGS (k1 k2)'), 'q4'), /^q4 NO command not allowed/);
  });
});

/** An IMAP server (plain unless told otherwise) with short limits, so that each bound shows within a test's time. */
async function plainServer(over: Partial<ConstructorParameters<typeof ImapServer>[0]> = {}): Promise<{ server: ImapServer; port: number; transcript: Transcript }> {
  const transcript = new Transcript();
  const server = new ImapServer({
    listen: { plain: true },
    backend: new SimpleBackend({ accounts: [{ username: 'u', password: 'p' }], requireTls: false }),
    transcript,
    ...over,
  });
  const { imap, imaps } = await server.start();
  return { server, port: (imap ?? imaps)!, transcript };
}

/** Resolves when the server closed the connection, or after 5 s (so that a server that never does fails the test, not hangs it). */
const closed = (s: net.Socket): Promise<void> =>
  new Promise((resolve) => {
    if (s.destroyed) return resolve();
    setTimeout(resolve, 5000).unref();
    s.once('close', () => resolve());
  });

describe('IMAP connections are bounded', () => {
  it('a client that trickles bytes without logging in is cut at the pre-authentication deadline', async () => {
    const { server, port } = await plainServer({ preAuthTimeoutMs: 300 });
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    const trickle = setInterval(() => s.write('x'), 50);
    const { ms } = await timed(() => closed(s));
    clearInterval(trickle);
    await server.stop();
    assert.match(got, /^\* BYE autologout: not authenticated in time\r\n/m);
    assert.ok(ms < 3000, `cut after ${ms} ms`);
    s.destroy();
  });

  it('an authenticated session has its own (longer) idle timer', async () => {
    const { server, port } = await plainServer({ preAuthTimeoutMs: 200, idleTimeoutMs: 600 });
    const c = await RawImap.plain(port);
    await c.line();
    assert.match(taggedLine(await c.command('a', 'LOGIN u p'), 'a'), /^a OK/);
    await new Promise((r) => setTimeout(r, 350));
    assert.match(taggedLine(await c.command('b', 'NOOP'), 'b'), /^b OK/, 'the pre-authentication deadline no longer applies');
    assert.match(await c.until(/\* BYE autologout: idle for too long\r\n/, 3000), /BYE/);
    c.close();
    await server.stop();
  });

  it('a TLS client that never completes the handshake is cut at the handshake deadline', async () => {
    const { server, port } = await plainServer({ listen: { implicitTls: true }, tls: { key: pki.server.keyPem, cert: pki.server.certPem }, handshakeTimeoutMs: 300 });
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    const { ms } = await timed(() => closed(s));
    s.destroy();
    assert.ok(ms < 3000, `cut after ${ms} ms`);
    await server.stop();
  });

  it('beyond the connection limit a client is told BYE too many connections', async () => {
    const { server, port } = await plainServer({ maxConnections: 3 });
    const open = await Promise.all([1, 2, 3].map(() => RawImap.plain(port)));
    for (const c of open) assert.match(await c.line(), /^\* OK/);
    const extra = await RawImap.plain(port);
    assert.equal(await extra.line(), '* BYE too many connections\r\n');
    open[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await RawImap.plain(port);
    assert.match(await again.line(), /^\* OK/, 'a slot freed is a slot offered');
    for (const c of [...open, extra, again]) c.close();
    await server.stop();
  });

  it('client bytes kept for evidence stop at the budget, and the transcript says so', async () => {
    const { server, port, transcript } = await plainServer({ evidence: { total: 300_000, perConnection: 200_000 } });
    const clients = await Promise.all([1, 2, 3].map(() => RawImap.plain(port)));
    for (const c of clients) {
      await c.line();
      c.send(`x1 NOOP ${'y'.repeat(150_000)}\r\n`);
      c.send(`x2 NOOP ${'y'.repeat(150_000)}\r\n`);
    }
    for (const c of clients) await c.tagged('x2');
    const kept = server.connections().reduce((n, r) => n + r.clientBytes.length, 0);
    assert.ok(kept <= 300_000, `${kept} bytes kept`);
    assert.ok(server.connections().every((r) => r.clientBytes.length <= 200_000));
    assert.ok(server.connections().some((r) => r.droppedClientBytes > 0));
    assert.ok(transcript.entries().some((e) => /evidence limit reached/.test(e.text)));
    for (const c of clients) c.close();
    await server.stop();
  });

  it('a client that does not read its replies is not read either (backpressure)', async () => {
    let fetches = 0;
    const backend = new SimpleBackend({ accounts: [{ username: 'u', password: 'p' }], requireTls: false });
    backend.inbox('u')!.append(Buffer.from(`Subject: big\r\n\r\n${'z'.repeat(1024 * 1024)}\r\n`));
    const { server, port } = await plainServer({ backend, transcript: { record: (e) => void (e.dir === "recv" && /FETCH/.test(e.text) && fetches++), secret: () => undefined } });
    const c = await RawImap.plain(port);
    await c.line();
    await c.command('a', 'LOGIN u p');
    await c.command('b', 'SELECT INBOX');
    c.socket.pause(); // stops reading: 64 replies of 1 MiB would otherwise pile up in the server
    const total = 64;
    c.send('f FETCH 1 BODY[]\r\n'.repeat(total));
    let last = -1;
    while (fetches !== last) {
      last = fetches;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(fetches < total / 2, `${fetches} of ${total} FETCHes answered into a buffer`);
    c.socket.resume();
    const end = Date.now() + 10_000;
    while (fetches < total && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fetches, total, 'once the client reads, every command is served');
    c.close();
    await server.stop();
  });
});
