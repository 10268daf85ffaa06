import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandReader, MAX_LINE, type ReadResult, type Segment } from '../../simulators/protocol/imap/server/framing';

function reader(): { r: CommandReader; continuations: () => number } {
  let n = 0;
  const r = new CommandReader(() => n++);
  return { r, continuations: () => n };
}

const text = (res: ReadResult): string => {
  assert.ok(res && res.kind === 'command', `expected a command, got ${JSON.stringify(res)}`);
  return res.segments.map((s: Segment) => (s.kind === 'text' ? s.data.toString('latin1') : `<${s.data.toString('latin1')}>`)).join('|');
};

describe('IMAP framing', () => {
  it('frames CRLF lines, also bare LF, also byte by byte', async () => {
    const { r } = reader();
    const input = Buffer.from('a1 NOOP\r\na2 CAPABILITY\na3 LOGOUT\r\n');
    for (const b of input) r.push(Buffer.from([b]));
    assert.equal(text(await r.readCommand()), 'a1 NOOP');
    assert.equal(text(await r.readCommand()), 'a2 CAPABILITY');
    assert.equal(text(await r.readCommand()), 'a3 LOGOUT');
    r.end();
    assert.equal(await r.readCommand(), null);
  });

  it('collects a synchronising literal after sending one continuation', async () => {
    const { r, continuations } = reader();
    r.push(Buffer.from('a1 LOGIN {5}\r\n'));
    const p = r.readCommand();
    await new Promise((res) => setImmediate(res));
    assert.equal(continuations(), 1);
    r.push(Buffer.from('alice {4}\r\n'));
    await new Promise((res) => setImmediate(res));
    assert.equal(continuations(), 2);
    r.push(Buffer.from('p\r\nw\r\n'));
    assert.equal(text(await p), 'a1 LOGIN |<alice>| |<p\r\nw>|');
  });

  it('collects LITERAL+ without a continuation', async () => {
    const { r, continuations } = reader();
    r.push(Buffer.from('a1 LOGIN {5+}\r\nalice {0+}\r\n\r\n'));
    assert.equal(text(await r.readCommand()), 'a1 LOGIN |<alice>| |<>|');
    assert.equal(continuations(), 0);
  });

  it('refuses a line over 64 KiB with its tag, and keeps reading', async () => {
    const { r } = reader();
    r.push(Buffer.from(`a7 NOOP ${'x'.repeat(70 * 1024)}\r\na8 NOOP\r\n`));
    const e = await r.readCommand();
    assert.ok(e && e.kind === 'error');
    assert.equal(e.code, 'line-too-long');
    assert.equal(e.tag, 'a7');
    assert.equal(text(await r.readCommand()), 'a8 NOOP');
  });

  it('refuses an over-long line that arrives in pieces without buffering it', async () => {
    const { r } = reader();
    const p = r.readCommand();
    r.push(Buffer.from('zz NOOP '));
    for (let i = 0; i < 20; i++) r.push(Buffer.alloc(8 * 1024, 0x41));
    r.push(Buffer.from('\r\nzz2 NOOP\r\n'));
    const e = await p;
    assert.ok(e && e.kind === 'error' && e.code === 'line-too-long' && e.tag === 'zz');
    assert.equal(text(await r.readCommand()), 'zz2 NOOP');
    assert.ok(MAX_LINE === 64 * 1024);
  });

  it('refuses a synchronising literal over 1 MiB without a continuation', async () => {
    const { r, continuations } = reader();
    r.push(Buffer.from('a1 APPEND INBOX {1048577}\r\na2 NOOP\r\n'));
    const e = await r.readCommand();
    assert.ok(e && e.kind === 'error' && e.code === 'literal-too-large' && e.tag === 'a1');
    assert.equal(continuations(), 0);
    assert.equal(text(await r.readCommand()), 'a2 NOOP');
  });

  it('skips the bytes of a refused non-synchronising literal', async () => {
    const { r } = reader();
    r.push(Buffer.from('a1 APPEND INBOX {1048577+}\r\n'));
    r.push(Buffer.alloc(1048577, 0x61));
    r.push(Buffer.from('\r\na2 NOOP\r\n'));
    const e = await r.readCommand();
    assert.ok(e && e.kind === 'error' && e.code === 'literal-too-large');
    assert.equal(text(await r.readCommand()), 'a2 NOOP');
  });

  it('treats an absurd literal size as too large (no number overflow)', async () => {
    const { r } = reader();
    r.push(Buffer.from('a1 LOGIN {99999999999999999999999}\r\n'));
    const e = await r.readCommand();
    assert.ok(e && e.kind === 'error' && e.code === 'literal-too-large');
  });

  it('reads raw lines for SASL and hands back what was pipelined', async () => {
    const { r } = reader();
    r.push(Buffer.from('dGVzdA==\r\na9 STARTTLS\r\na10 LOGIN x y\r\n'));
    const l = await r.readLine();
    assert.ok(l && l.kind === 'line');
    assert.equal(l.data.toString(), 'dGVzdA==');
    assert.equal(text(await r.readCommand()), 'a9 STARTTLS');
    assert.equal(r.takeBuffered().toString(), 'a10 LOGIN x y\r\n');
  });
});
