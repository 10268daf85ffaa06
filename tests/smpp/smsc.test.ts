/**
 * The SMSC's session state machine and routing, driven by our own ESME: bind authentication
 * (EVVM-SMS-C09), bind-state enforcement, the originating address the network sets (EVVM-SMS-C01/C08),
 * store and forward, TLS, and the faults that break each rule.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sharedTestPki } from '../../simulators/crypto/pki';
import { Esme } from '../../simulators/protocol/smpp/esme';
import { STATUS } from '../../simulators/protocol/smpp/constants';
import { shortMessageDefaults, type ShortMessageBody } from '../../simulators/protocol/smpp/pdu';
import { ALICE, BOB, bindBody, RawPeer, rawPdu, SERVER, SPOOFER, startSmsc, type Started } from './helpers/smsc';
import { COMMAND_IDS } from '../../simulators/protocol/smpp/constants';

const text = (b: ShortMessageBody): string => b.shortMessage.toString('latin1');

/** A bound receiver that records what it gets; next() resolves with the next message not yet taken. */
async function receiver(s: Started, who: { systemId: string; password: string }, status = STATUS.ESME_ROK): Promise<{ esme: Esme; got: ShortMessageBody[]; next(): Promise<ShortMessageBody> }> {
  const got: ShortMessageBody[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const esme = await s.esme({
    onDeliver: (b) => {
      got.push(b);
      wake?.();
      return status;
    },
  });
  const r = await esme.bind('receiver', who);
  assert.equal(r.statusName, 'ESME_ROK');
  const next = async (): Promise<ShortMessageBody> => {
    while (got.length <= taken) await new Promise<void>((resolve) => (wake = resolve));
    return got[taken++]!;
  };
  return { esme, got, next };
}

describe('bind authentication (EVVM-SMS-C09)', () => {
  let s: Started;
  beforeEach(async () => (s = await startSmsc()));
  afterEach(() => s.stop());

  it('the right system_id and password bind; the SMSC names itself', async () => {
    const e = await s.esme();
    assert.deepEqual(await e.bind('transceiver', SERVER), { status: 0, statusName: 'ESME_ROK', systemId: 'SMSC' });
  });

  it('a wrong password is ESME_RINVPASWD, an unknown system_id ESME_RINVSYSID', async () => {
    const e = await s.esme();
    assert.equal((await e.bind('transceiver', { systemId: SERVER.systemId, password: 'nope' })).statusName, 'ESME_RINVPASWD');
    assert.equal((await e.bind('transmitter', { systemId: 'stranger', password: 'x' })).statusName, 'ESME_RINVSYSID');
    assert.equal((await e.bind('transmitter', SERVER)).statusName, 'ESME_ROK', 'the session may still bind after a refusal');
  });

  it('three refused binds close the connection', async () => {
    const e = await s.esme();
    for (let i = 0; i < 3; i++) await e.bind('transceiver', { systemId: SERVER.systemId, password: `bad${i}` });
    await e.whenClosed();
    assert.equal(e.isClosed, true);
  });

  it('fault smsc:bind-without-password binds with any password', async () => {
    const f = await startSmsc({ faults: ['smsc:bind-without-password'] });
    try {
      const e = await f.esme();
      assert.equal((await e.bind('transceiver', { systemId: SERVER.systemId, password: 'nope' })).statusName, 'ESME_ROK');
    } finally {
      await f.stop();
    }
  });
});

describe('bind state (SMPP v3.4 §2.3)', () => {
  let s: Started;
  beforeEach(async () => (s = await startSmsc()));
  afterEach(() => s.stop());

  it('submit_sm before bind is ESME_RINVBNDSTS and nothing is delivered', async () => {
    const alice = await receiver(s, ALICE);
    const e = await s.esme();
    assert.equal((await e.submit({ destAddr: ALICE.addr, shortMessage: Buffer.from('before bind') })).statusName, 'ESME_RINVBNDSTS');
    assert.equal(await e.enquireLink(), 0, 'enquire_link is answered in the open state');
    const t = await s.esme();
    await t.bind('transmitter', SERVER);
    await t.submit({ destAddr: ALICE.addr, shortMessage: Buffer.from('after') });
    await alice.next();
    assert.deepEqual(alice.got.map(text), ['after']);
  });

  it('a receiver may not submit; a bound session may not bind again', async () => {
    const r = await s.esme();
    await r.bind('receiver', BOB);
    assert.equal((await r.submit({ destAddr: ALICE.addr, shortMessage: Buffer.from('x') })).statusName, 'ESME_RINVBNDSTS');
    assert.equal((await r.bind('transceiver', BOB)).statusName, 'ESME_RALYBND');
  });

  it('unbind is answered and closes; unbind before bind is ESME_RINVBNDSTS', async () => {
    const e = await s.esme();
    const resp = await e.request({ command: 'unbind', status: 0, sequence: 0 });
    assert.deepEqual([resp.command, resp.status], ['unbind_resp', STATUS.ESME_RINVBNDSTS]);
    await e.bind('transmitter', SERVER);
    const ok = await e.request({ command: 'unbind', status: 0, sequence: 0 });
    assert.deepEqual([ok.command, ok.status], ['unbind_resp', 0]);
    await e.whenClosed();
  });

  it('deliver_sm from an ESME is generic_nack ESME_RINVCMDID', async () => {
    const e = await s.esme();
    await e.bind('transceiver', SERVER);
    const resp = await e.request({ command: 'deliver_sm', status: 0, sequence: 0, body: shortMessageDefaults({ destAddr: ALICE.addr }) });
    assert.deepEqual([resp.command, resp.status], ['generic_nack', STATUS.ESME_RINVCMDID]);
  });

  it('a connection that never binds is closed after the bind timeout', async () => {
    const f = await startSmsc({ bindTimeoutMs: 100 });
    try {
      const e = await f.esme();
      await e.whenClosed();
      assert.equal(e.isClosed, true);
    } finally {
      await f.stop();
    }
  });
});

describe('routing and the originating address (EVVM-SMS-C01, C08)', () => {
  let s: Started;
  beforeEach(async () => (s = await startSmsc()));
  afterEach(() => s.stop());

  it('MT: the EVVM Server to a handset, with the short code the network sets and the UDH intact', async () => {
    const alice = await receiver(s, ALICE);
    const e = await s.esme();
    await e.bind('transmitter', SERVER);
    const octets = Buffer.from([6, 5, 4, 0x15, 0x7b, 0, 0, 0x41]);
    const r = await e.submit({ destAddr: ALICE.addr, esmClass: 0x40, dataCoding: 4, shortMessage: octets });
    assert.equal(r.statusName, 'ESME_ROK');
    assert.ok(r.messageId);
    const b = await alice.next();
    assert.deepEqual([b.sourceAddr, b.sourceTon, b.destAddr, b.esmClass, b.dataCoding], [SERVER.addr, 3, ALICE.addr, 0x40, 4]);
    assert.deepEqual(b.shortMessage, octets);
  });

  it('MO: a handset to the EVVM Server, with the handset MSISDN as originator', async () => {
    const server = await receiver(s, SERVER);
    const bob = await s.esme();
    await bob.bind('transceiver', BOB);
    await bob.submit({ destAddr: SERVER.addr, shortMessage: Buffer.from('STATUS') });
    const b = await server.next();
    assert.deepEqual([b.sourceAddr, b.sourceTon, text(b)], [BOB.addr, 1, 'STATUS']);
  });

  it('a claimed originator that is not the account\'s own is ESME_RINVSRCADR; its own is kept', async () => {
    const alice = await receiver(s, ALICE);
    const spoofer = await s.esme();
    await spoofer.bind('transmitter', SPOOFER);
    assert.equal((await spoofer.submit({ sourceAddr: SERVER.addr, destAddr: ALICE.addr, shortMessage: Buffer.from('spoof') })).statusName, 'ESME_RINVSRCADR');
    assert.equal((await spoofer.submit({ sourceAddr: `+${SPOOFER.addr}`, destAddr: ALICE.addr, shortMessage: Buffer.from('own') })).statusName, 'ESME_ROK');
    const b = await alice.next();
    assert.deepEqual([b.sourceAddr, text(b)], [SPOOFER.addr, 'own']);
    assert.equal(alice.got.length, 1);
  });

  it('an unknown destination is ESME_RINVDSTADR; an oversized message_payload ESME_RINVMSGLEN', async () => {
    const e = await s.esme();
    await e.bind('transmitter', SERVER);
    assert.equal((await e.submit({ destAddr: '999', shortMessage: Buffer.from('x') })).statusName, 'ESME_RINVDSTADR');
    assert.equal((await e.submit({ destAddr: ALICE.addr, tlvs: [{ tag: 0x0424, value: Buffer.alloc(5000, 0x41) }] })).statusName, 'ESME_RINVMSGLEN');
  });

  it('fault smsc:trust-source-addr passes the claim on', async () => {
    const f = await startSmsc({ faults: ['smsc:trust-source-addr'] });
    try {
      const alice = await receiver(f, ALICE);
      const spoofer = await f.esme();
      await spoofer.bind('transmitter', SPOOFER);
      assert.equal((await spoofer.submit({ sourceAddr: SERVER.addr, destAddr: ALICE.addr, shortMessage: Buffer.from('spoof') })).statusName, 'ESME_ROK');
      assert.equal((await alice.next()).sourceAddr, SERVER.addr);
    } finally {
      await f.stop();
    }
  });

  it('fault smsc:submit-before-bind routes an unbound submit', async () => {
    const f = await startSmsc({ faults: ['smsc:submit-before-bind'] });
    try {
      const alice = await receiver(f, ALICE);
      const e = await f.esme();
      assert.equal((await e.submit({ sourceAddr: SERVER.addr, destAddr: ALICE.addr, shortMessage: Buffer.from('unbound') })).statusName, 'ESME_ROK');
      assert.equal(text(await alice.next()), 'unbound');
    } finally {
      await f.stop();
    }
  });
});

describe('store and forward', () => {
  it('keeps messages for an unbound receiver and delivers them when it binds, in order', async () => {
    const s = await startSmsc();
    try {
      const e = await s.esme();
      await e.bind('transmitter', SERVER);
      for (const t of ['one', 'two', 'three']) assert.equal((await e.submit({ destAddr: BOB.addr, shortMessage: Buffer.from(t) })).statusName, 'ESME_ROK');
      assert.equal(s.smsc.stored(BOB.systemId), 3);
      const bob = await receiver(s, BOB);
      while (bob.got.length < 3) await bob.next();
      assert.deepEqual(bob.got.map(text), ['one', 'two', 'three']);
    } finally {
      await s.stop();
    }
  });

  it('redelivers what a receiver did not acknowledge before it went away', async () => {
    const s = await startSmsc();
    try {
      // a receiver that binds, takes the deliver_sm and never answers it, then goes away
      const mute = await RawPeer.connect(s.port);
      mute.write(rawPdu(COMMAND_IDS.bind_receiver, 1, bindBody(BOB.systemId, BOB.password)));
      await mute.waitFor(1);
      const e = await s.esme();
      await e.bind('transmitter', SERVER);
      await e.submit({ destAddr: BOB.addr, shortMessage: Buffer.from('again') });
      const [, deliver] = await mute.waitFor(2);
      assert.equal(deliver?.command, 'deliver_sm');
      mute.destroy();
      await mute.waitClosed();
      const bob = await receiver(s, BOB);
      const b = bob.got[0] ?? (await bob.next());
      assert.equal(text(b), 'again');
    } finally {
      await s.stop();
    }
  });
});

describe('SMPP over TLS', () => {
  it('binds over TLS with the test PKI, and the observation says so', async () => {
    const pki = await sharedTestPki();
    const leaf = pki.leaf('smsc');
    const s = await startSmsc({ listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } } });
    try {
      const e = await Esme.connect({ host: '127.0.0.1', port: s.tlsPort!, tls: { ca: pki.trustAnchorPem, servername: 'smsc.op.example' } });
      assert.equal((await e.bind('transceiver', SERVER)).statusName, 'ESME_ROK');
      await e.close();
      const untrusted = Esme.connect({ host: '127.0.0.1', port: s.tlsPort!, tls: { ca: pki.untrustedRootPem, servername: 'smsc.op.example' } });
      await assert.rejects(untrusted, /certificate|verify/i);
      assert.deepEqual(s.smsc.observations().binds.map((b) => [b.systemId, b.secure, b.status]), [[SERVER.systemId, true, 'ESME_ROK']]);
    } finally {
      await s.stop();
    }
  });
});
