/**
 * Interoperability with a third-party SMPP v3.4 implementation, smpp 0.5.1 (farhadi/node-smpp): its
 * client is the ESME against our SMSC (bind_transceiver with the right credentials succeeds and its
 * submit_sm are accepted; a wrong password gets ESME_RINVPASWD 0x0E), over TCP and TLS; and our ESME
 * against its server. Every smpp session gets an 'error' listener (stack.md §2.3).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as smpp from 'smpp';
import { sharedTestPki } from '../../simulators/crypto/pki';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { Esme } from '../../simulators/protocol/smpp/esme';
import { STATUS } from '../../simulators/protocol/smpp/constants';
import type { ShortMessageBody } from '../../simulators/protocol/smpp/pdu';
import { ALICE, BOB, SERVER, startSmsc, type Started } from './helpers/smsc';

function connect(options: smpp.ConnectOptions): Promise<smpp.Session> {
  return new Promise((resolve, reject) => {
    const session = smpp.connect(options, () => resolve(session));
    session.on('error', reject);
  });
}

function call(session: smpp.Session, command: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver' | 'submit_sm' | 'enquire_link' | 'unbind', options: Record<string, unknown> = {}): Promise<smpp.PDU> {
  return new Promise((resolve) => session[command](options, resolve));
}

function closed(session: smpp.Session): Promise<void> {
  return new Promise((resolve) => {
    if (session.socket.destroyed) return resolve();
    session.once('close', () => resolve());
    session.close();
  });
}

describe('smpp 0.5.1 as the ESME, our SMSC', () => {
  let pki: TestPki;
  let s: Started;
  const delivered: ShortMessageBody[] = [];
  let wake: (() => void) | undefined;

  before(async () => {
    pki = await sharedTestPki();
    const leaf = pki.leaf('smsc');
    s = await startSmsc({ listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } } });
    const alice = await s.esme({ onDeliver: (b) => {
      delivered.push(b);
      wake?.();
    } });
    await alice.bind('receiver', ALICE);
  });
  after(() => s.stop());

  it('bind_transceiver with the right credentials succeeds and its submit_sm are accepted and routed', async () => {
    const session = await connect({ url: `smpp://127.0.0.1:${s.port}` });
    try {
      const bound = await call(session, 'bind_transceiver', { system_id: SERVER.systemId, password: SERVER.password });
      assert.equal(bound.command_status, smpp.ESME_ROK);
      assert.equal(bound.system_id, 'SMSC');
      assert.equal(bound.sc_interface_version, 0x34);
      const submitted = await call(session, 'submit_sm', { destination_addr: ALICE.addr, short_message: 'interop hello' });
      assert.equal(submitted.command_status, smpp.ESME_ROK);
      assert.match(String(submitted.message_id), /^[0-9a-f]+$/);
      while (!delivered.some((b) => b.shortMessage.toString('latin1') === 'interop hello')) await new Promise<void>((r) => (wake = r));
      assert.equal(delivered.find((b) => b.shortMessage.toString('latin1') === 'interop hello')!.sourceAddr, SERVER.addr, 'the network set the originator');
      assert.equal((await call(session, 'enquire_link')).command, 'enquire_link_resp');
      assert.equal((await call(session, 'unbind')).command, 'unbind_resp');
    } finally {
      await closed(session);
    }
  });

  it('a wrong password gets ESME_RINVPASWD (0x0E), an unknown system_id ESME_RINVSYSID (0x0F)', async () => {
    const session = await connect({ url: `smpp://127.0.0.1:${s.port}` });
    try {
      assert.equal((await call(session, 'bind_transceiver', { system_id: SERVER.systemId, password: 'wrong' })).command_status, 0x0e);
      assert.equal((await call(session, 'bind_transceiver', { system_id: 'nobody', password: 'x' })).command_status, 0x0f);
    } finally {
      await closed(session);
    }
  });

  it('submit_sm before bind gets ESME_RINVBNDSTS (0x04)', async () => {
    const session = await connect({ url: `smpp://127.0.0.1:${s.port}` });
    try {
      assert.equal((await call(session, 'submit_sm', { destination_addr: ALICE.addr, short_message: 'too early' })).command_status, smpp.ESME_RINVBNDSTS);
    } finally {
      await closed(session);
    }
  });

  it('binds over TLS (ssmpp) with the test trust anchor', async () => {
    const session = await connect({ url: `ssmpp://127.0.0.1:${s.tlsPort}`, ca: pki.trustAnchorPem, servername: 'smsc.op.example', rejectUnauthorized: true });
    try {
      assert.equal((await call(session, 'bind_transmitter', { system_id: SERVER.systemId, password: SERVER.password })).command_status, 0);
    } finally {
      await closed(session);
    }
  });

  it('as a receiver it gets deliver_sm, and its deliver_sm_resp completes the delivery', async () => {
    const b = s.smsc.observations().deliveries.length;
    const session = await connect({ url: `smpp://127.0.0.1:${s.port}` });
    const got = new Promise<smpp.PDU>((resolve) =>
      session.on('deliver_sm', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        resolve(pdu);
      }),
    );
    try {
      // the SMSC stores for "15550002" until a receiver binds: bind as the bob handset here
      const sender = await s.esme();
      await sender.bind('transmitter', SERVER);
      await sender.submit({ destAddr: BOB.addr, esmClass: 0x40, dataCoding: 4, shortMessage: Buffer.from([6, 5, 4, 0x15, 0x7b, 0, 0, 0x41, 0x42]) });
      assert.equal((await call(session, 'bind_receiver', { system_id: BOB.systemId, password: BOB.password })).command_status, 0);
      const pdu = await got;
      assert.equal(pdu.source_addr, SERVER.addr);
      assert.equal(pdu.esm_class, 0x40);
      const sm = pdu.short_message as { udh: Buffer[]; message: Buffer };
      assert.deepEqual(sm.udh[0], Buffer.from([5, 4, 0x15, 0x7b, 0, 0]));
      while (s.smsc.observations().deliveries.length === b) await new Promise((r) => setImmediate(r));
      assert.equal(s.smsc.observations().deliveries.at(-1)!.status, 'ESME_ROK');
    } finally {
      await closed(session);
    }
  });
});

describe('our ESME, smpp 0.5.1 as the server', () => {
  let server: smpp.Server;
  let port: number;
  const submits: smpp.PDU[] = [];

  before(async () => {
    server = smpp.createServer({}, (session) => {
      session.on('error', () => session.destroy());
      session.on('bind_transceiver', (pdu: smpp.PDU) => {
        session.send(pdu.response({ command_status: pdu.password === 'right' ? 0 : smpp.ESME_RINVPASWD, system_id: 'node-smpp' }));
        if (pdu.password === 'right') session.deliver_sm({ source_addr: '94183', destination_addr: '15550001', short_message: 'from node-smpp' });
      });
      session.on('submit_sm', (pdu: smpp.PDU) => {
        submits.push(pdu);
        session.send(pdu.response({ message_id: 'm1' }));
      });
      session.on('unbind', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        session.close();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('binds, receives deliver_sm, submits, unbinds', async () => {
    let delivered!: (b: ShortMessageBody) => void;
    const got = new Promise<ShortMessageBody>((r) => (delivered = r));
    const e = await Esme.connect({ host: '127.0.0.1', port, onDeliver: (b) => delivered(b) });
    assert.equal((await e.bind('transceiver', { systemId: 'x', password: 'wrong' })).statusName, 'ESME_RINVPASWD');
    assert.deepEqual(await e.bind('transceiver', { systemId: 'x', password: 'right' }), { status: 0, statusName: 'ESME_ROK', systemId: 'node-smpp' });
    assert.equal((await got).shortMessage.toString('latin1'), 'from node-smpp');
    const r = await e.submit({ sourceAddr: '94183', destAddr: '15550001', esmClass: 0x40, dataCoding: 4, shortMessage: Buffer.from([6, 5, 4, 0x15, 0x7b, 0, 0, 0x56]) });
    assert.deepEqual(r, { status: STATUS.ESME_ROK, statusName: 'ESME_ROK', messageId: 'm1' });
    assert.equal(submits[0]!.destination_addr, '15550001');
    await e.unbind();
  });
});
