/**
 * The hostile corpus: malformed and hostile PDUs sent on raw sockets to the SMSC. Each is answered per
 * SMPP v3.4 (generic_nack with ESME_RINVCMDLEN or ESME_RINVCMDID, or the command's own error status),
 * the connection is closed where the stream cannot be trusted any more, nothing crashes or hangs, and a
 * well-behaved pair of binds keeps routing messages throughout.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { COMMAND_IDS, STATUS, statusName } from '../../simulators/protocol/smpp/constants';
import type { Esme } from '../../simulators/protocol/smpp/esme';
import { ALICE, bindBody, cstr, RawPeer, rawPdu, SERVER, startSmsc, submitBody, type Started } from './helpers/smsc';

interface Case {
  name: string;
  /** bind first (so the defect is judged in the bound state) */
  bound?: boolean;
  octets: Buffer;
  /** the answer: a command and status, or none */
  answer?: { command: string; status: number; sequence?: number };
  /** the SMSC must close the connection */
  closes: boolean;
}

const enquire = (seq: number): Buffer => rawPdu(COMMAND_IDS.enquire_link, seq);
const header = (length: number, id: number = COMMAND_IDS.enquire_link, seq = 77): Buffer => {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(length >>> 0, 0);
  h.writeUInt32BE(id, 4);
  h.writeUInt32BE(0, 8);
  h.writeUInt32BE(seq, 12);
  return h;
};
const payloadTlv = (n: number): Buffer => Buffer.concat([Buffer.from([0x04, 0x24, n >> 8, n & 0xff]), Buffer.alloc(n, 0x41)]);

const CORPUS: Case[] = [
  { name: 'command_length 0', octets: header(0), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 77 }, closes: true },
  { name: 'command_length 8, shorter than a header', octets: Buffer.concat([header(8), enquire(2)]), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN }, closes: true },
  { name: 'command_length 12 followed by a valid PDU (wedges smpp 0.5.1)', octets: Buffer.concat([header(12).subarray(0, 12), enquire(3)]), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN }, closes: true },
  { name: 'command_length 0x7FFFFFFF', octets: header(0x7fffffff), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 77 }, closes: true },
  { name: 'command_length 0xFFFFFFF0', octets: header(0xfffffff0), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 77 }, closes: true },
  { name: 'an oversized PDU of 20000 octets', bound: true, octets: Buffer.concat([header(20000, COMMAND_IDS.submit_sm), Buffer.alloc(19984)]), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 77 }, closes: true },
  { name: 'an unknown command_id', octets: rawPdu(0x00001234, 5), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDID, sequence: 5 }, closes: false },
  { name: 'an unknown response command_id', octets: rawPdu(0x80001234, 6), closes: false },
  { name: 'a known but unsupported command (data_sm)', octets: rawPdu(COMMAND_IDS.data_sm, 7, cstr('')), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDID, sequence: 7 }, closes: false },
  { name: 'outbind from an ESME', octets: rawPdu(COMMAND_IDS.outbind, 8, Buffer.concat([cstr('x'), cstr('y')])), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDID, sequence: 8 }, closes: false },
  { name: 'a bind whose system_id has no NUL (truncated C-string)', octets: rawPdu(COMMAND_IDS.bind_transceiver, 9, Buffer.from('evvm-server-no-nul', 'latin1')), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 9 }, closes: false },
  { name: 'a bind that ends inside its password', octets: rawPdu(COMMAND_IDS.bind_transceiver, 10, Buffer.concat([cstr(SERVER.systemId), Buffer.from('srv', 'latin1')])), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 10 }, closes: false },
  { name: 'a system_id of 20 characters', octets: rawPdu(COMMAND_IDS.bind_transceiver, 11, bindBody('s'.repeat(20), 'pw')), answer: { command: 'bind_transceiver_resp', status: STATUS.ESME_RINVSYSID, sequence: 11 }, closes: false },
  { name: 'a password of 12 characters', octets: rawPdu(COMMAND_IDS.bind_transmitter, 12, bindBody(SERVER.systemId, 'p'.repeat(12))), answer: { command: 'bind_transmitter_resp', status: STATUS.ESME_RINVPASWD, sequence: 12 }, closes: false },
  { name: 'submit_sm before bind', octets: rawPdu(COMMAND_IDS.submit_sm, 13, submitBody(ALICE.addr, 'hello')), answer: { command: 'submit_sm_resp', status: STATUS.ESME_RINVBNDSTS, sequence: 13 }, closes: false },
  { name: 'sm_length 255', bound: true, octets: rawPdu(COMMAND_IDS.submit_sm, 14, submitBody(ALICE.addr, 'x'.repeat(255))), answer: { command: 'submit_sm_resp', status: STATUS.ESME_RINVMSGLEN, sequence: 14 }, closes: false },
  { name: 'sm_length beyond the PDU', bound: true, octets: rawPdu(COMMAND_IDS.submit_sm, 15, submitBody(ALICE.addr, 'abc', 120)), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 15 }, closes: false },
  { name: 'a TLV running past the PDU', bound: true, octets: rawPdu(COMMAND_IDS.submit_sm, 16, Buffer.concat([submitBody(ALICE.addr, ''), Buffer.from([0x04, 0x24, 0x00, 0x40, 1])])), answer: { command: 'submit_sm_resp', status: STATUS.ESME_RINVOPTPARSTREAM, sequence: 16 }, closes: false },
  { name: 'an oversized message_payload (9000 octets)', bound: true, octets: rawPdu(COMMAND_IDS.submit_sm, 17, Buffer.concat([submitBody(ALICE.addr, ''), payloadTlv(9000)])), answer: { command: 'submit_sm_resp', status: STATUS.ESME_RINVMSGLEN, sequence: 17 }, closes: false },
  { name: 'a destination_addr of 30 digits', bound: true, octets: rawPdu(COMMAND_IDS.submit_sm, 18, submitBody('1'.repeat(30), 'x')), answer: { command: 'submit_sm_resp', status: STATUS.ESME_RINVDSTADR, sequence: 18 }, closes: false },
  { name: 'enquire_link with a trailing octet', octets: rawPdu(COMMAND_IDS.enquire_link, 19, Buffer.from([0])), answer: { command: 'generic_nack', status: STATUS.ESME_RINVCMDLEN, sequence: 19 }, closes: false },
  { name: 'a second bind on a bound session', bound: true, octets: rawPdu(COMMAND_IDS.bind_transceiver, 20, bindBody(SERVER.systemId, SERVER.password)), answer: { command: 'bind_transceiver_resp', status: STATUS.ESME_RALYBND, sequence: 20 }, closes: false },
  { name: 'an unsolicited submit_sm_resp', octets: rawPdu(COMMAND_IDS.submit_sm_resp, 21, cstr('x')), closes: false },
  { name: 'a generic_nack out of the blue', octets: rawPdu(COMMAND_IDS.generic_nack, 22), closes: false },
];

describe('hostile PDUs against the SMSC', () => {
  let s: Started;
  let sender: Esme;
  const got: string[] = [];
  let wake: (() => void) | undefined;

  /** the well-behaved pair: the EVVM Server submits, alice receives */
  async function stillRouting(tag: string): Promise<void> {
    assert.equal(await sender.enquireLink(), 0);
    const r = await sender.submit({ destAddr: ALICE.addr, shortMessage: Buffer.from(tag) });
    assert.equal(r.statusName, 'ESME_ROK', `other binds are still served after ${tag}`);
    while (!got.includes(tag)) await new Promise<void>((resolve) => (wake = resolve));
  }

  before(async () => {
    s = await startSmsc({ incompleteTimeoutMs: 150, bindTimeoutMs: 5000 });
    const alice = await s.esme({ onDeliver: (b) => {
      got.push(b.shortMessage.toString('latin1'));
      wake?.();
    } });
    assert.equal((await alice.bind('receiver', ALICE)).statusName, 'ESME_ROK');
    sender = await s.esme();
    assert.equal((await sender.bind('transmitter', SERVER)).statusName, 'ESME_ROK');
  });
  after(() => s.stop());

  for (const c of CORPUS) {
    it(`${c.name}: ${c.answer ? `${c.answer.command} ${statusName(c.answer.status)}` : 'no answer'}${c.closes ? ', closed' : ''}`, async () => {
      const peer = await RawPeer.connect(s.port);
      try {
        let before = 0;
        if (c.bound) {
          peer.write(rawPdu(COMMAND_IDS.bind_transmitter, 1, bindBody(SERVER.systemId, SERVER.password)));
          const [b] = await peer.waitFor(1);
          assert.deepEqual([b?.command, b?.status], ['bind_transmitter_resp', 0]);
          before = 1;
        }
        peer.write(c.octets);
        if (c.closes) {
          assert.equal(await peer.waitClosed(), true, 'the SMSC closes a stream it cannot resynchronise');
        } else {
          // a following enquire_link is answered, so the session survived and framing is intact
          peer.write(enquire(999));
          await peer.waitFor(before + (c.answer ? 2 : 1));
          assert.equal(peer.closed, false, 'the session stays open');
          const last = peer.pdus[peer.pdus.length - 1];
          assert.deepEqual([last?.command, last?.sequence], ['enquire_link_resp', 999]);
        }
        const answers = peer.pdus.slice(before).filter((p) => p.command !== 'enquire_link_resp');
        if (c.answer) {
          assert.equal(answers.length, 1, `one answer, got ${answers.map((p) => p.command).join(', ')}`);
          assert.equal(answers[0]!.command, c.answer.command);
          assert.equal(statusName(answers[0]!.status), statusName(c.answer.status));
          if (c.answer.sequence !== undefined) assert.equal(answers[0]!.sequence, c.answer.sequence);
        } else {
          assert.deepEqual(answers, [], 'a response PDU is never answered');
        }
      } finally {
        peer.destroy();
      }
      await stillRouting(c.name);
    });
  }

  it('a PDU that never completes is closed after the incomplete-PDU timeout', async () => {
    const peer = await RawPeer.connect(s.port);
    peer.write(header(100).subarray(0, 10));
    assert.equal(await peer.waitClosed(1000), true);
    await stillRouting('incomplete');
  });

  it('random garbage, a half header and an abrupt close leave the SMSC serving', async () => {
    for (let i = 0; i < 20; i++) {
      const peer = await RawPeer.connect(s.port);
      peer.write(randomBytes(1 + ((i * 397) % 4096)));
      if (i % 2) peer.destroy();
      else await peer.waitClosed(1000);
      peer.destroy();
    }
    const half = await RawPeer.connect(s.port);
    half.write(Buffer.from([0, 0]));
    half.destroy();
    await stillRouting('garbage');
  });

  it('a peer that floods enquire_link and never reads its answers does not starve the others', async () => {
    const peer = await RawPeer.connect(s.port);
    peer.socket.pause();
    const flood = Buffer.concat(Array.from({ length: 4096 }, (_, i) => enquire(i + 1)));
    for (let i = 0; i < 50; i++) peer.socket.write(flood);
    await stillRouting('flood');
    peer.destroy();
  });

  it('records what it refused as malformed', () => {
    const m = s.smsc.observations().malformed;
    assert.ok(m.length >= 10, `${m.length} malformed inputs recorded`);
    assert.ok(m.some((x) => /unknown command_id/.test(x.text)));
  });
});
