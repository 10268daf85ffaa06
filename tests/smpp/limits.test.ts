/**
 * The SMSC's bounds (issue 12, items 11-12): a silent bound session, a TLS client that never completes
 * the handshake and connections beyond the limit are closed with a reason; the decode errors one
 * connection can leave in the observations are bounded.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { COMMAND_IDS, STATUS } from '../../simulators/protocol/smpp/constants';
import { MAX_DECODE_ERRORS_LOGGED } from '../../simulators/smsc/session';
import { bindBody, RawPeer, rawPdu, SERVER, startSmsc } from './helpers/smsc';

async function bound(port: number): Promise<RawPeer> {
  const p = await RawPeer.connect(port);
  p.write(rawPdu(COMMAND_IDS.bind_transceiver, 1, bindBody(SERVER.systemId, SERVER.password)));
  const [resp] = await p.waitFor(1);
  assert.equal(resp?.status, STATUS.ESME_ROK);
  return p;
}

describe('SMSC connection limits', () => {
  it('closes a bound session that sends nothing for the inactivity time', async () => {
    const started = await startSmsc({ inactivityTimeoutMs: 300 });
    const p = await bound(started.port);
    assert.equal(await p.waitClosed(3000), true, 'still open after 3 s of silence');
    await started.stop();
  });

  it('keeps a bound session that enquires now and then', async () => {
    const started = await startSmsc({ inactivityTimeoutMs: 300 });
    const p = await bound(started.port);
    for (let i = 2; i < 10; i++) {
      p.write(rawPdu(COMMAND_IDS.enquire_link, i));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(p.closed, false);
    p.destroy();
    await started.stop();
  });

  it('cuts a TLS client that never completes the handshake at the bind deadline', async () => {
    const pki = await sharedTestPki();
    const leaf = pki.leaf('smsc');
    const started = await startSmsc({ listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } }, bindTimeoutMs: 300 });
    const s = net.connect(started.tlsPort!, '127.0.0.1');
    s.on('error', () => undefined);
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      s.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    assert.equal(closed, true, 'a silent TLS client was still connected after 3 s');
    await started.stop();
  });

  it('answers a connection beyond the limit with generic_nack ESME_RBINDFAIL and closes it', async () => {
    const started = await startSmsc({ maxConnections: 2 });
    const open = [await bound(started.port), await bound(started.port)];
    const extra = await RawPeer.connect(started.port);
    const [nack] = await extra.waitFor(1);
    assert.equal(nack?.command, 'generic_nack');
    assert.equal(nack?.status, STATUS.ESME_RBINDFAIL);
    assert.equal(await extra.waitClosed(), true);
    for (const p of open) p.destroy();
    await started.stop();
  });

  it(`keeps the first ${MAX_DECODE_ERRORS_LOGGED} decode errors of a connection, and says the rest were dropped`, async () => {
    const started = await startSmsc();
    const p = await RawPeer.connect(started.port);
    for (let i = 0; i < 150; i++) p.write(rawPdu(0x00001234, 100 + i));
    await p.waitFor(150);
    const mine = started.smsc.observations().malformed;
    assert.equal(mine.length, MAX_DECODE_ERRORS_LOGGED + 1);
    assert.match(mine.at(-1)!.text, /more than 20 malformed PDUs on this connection: the rest are not kept/);
    p.destroy();
    await started.stop();
  });
});
