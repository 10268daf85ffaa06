/**
 * The PDU codec against an independent one (smpp 0.5.1's PDU class): what we encode it decodes to the
 * same fields, and what it encodes we decode to the same fields. Then the strict edges the library is
 * lenient about: every malformed body maps to the command_status SMPP v3.4 names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as smpp from 'smpp';
import { decodePdu, encodePdu, shortMessageDefaults, type BindPdu, type Pdu } from '../../simulators/protocol/smpp/pdu';
import { PduDecodeError } from '../../simulators/protocol/smpp/pdu';
import { COMMAND_IDS, STATUS, TLV } from '../../simulators/protocol/smpp/constants';
import { PduFramer } from '../../simulators/protocol/smpp/framing';
import { parseUserData, portHeader } from '../../simulators/protocol/smpp/udh';
import { bindBody, cstr, rawPdu, submitBody } from './helpers/smsc';

function theirs(buf: Buffer): smpp.PDU {
  const p = smpp.PDU.fromBuffer(buf);
  assert.ok(p, 'smpp 0.5.1 decodes it');
  return p;
}

function decodeError(buf: Buffer): PduDecodeError {
  try {
    decodePdu(buf);
  } catch (err) {
    assert.ok(err instanceof PduDecodeError, String(err));
    return err;
  }
  assert.fail('decoded without error');
}

describe('differential: our encoder, smpp 0.5.1 decoder', () => {
  it('bind_transceiver', () => {
    const p = theirs(encodePdu({ command: 'bind_transceiver', status: 0, sequence: 7, body: { systemId: 'evvm-server', password: 'secret1', systemType: 'VVM', interfaceVersion: 0x34, addrTon: 1, addrNpi: 1, addressRange: '^1555' } }));
    assert.equal(p.command, 'bind_transceiver');
    assert.equal(p.sequence_number, 7);
    assert.equal(p.system_id, 'evvm-server');
    assert.equal(p.password, 'secret1');
    assert.equal(p.system_type, 'VVM');
    assert.equal(p.interface_version, 0x34);
    assert.equal(p.address_range, '^1555');
  });

  it('bind_transceiver_resp with sc_interface_version, and an error response without body', () => {
    const ok = theirs(encodePdu({ command: 'bind_transceiver_resp', status: 0, sequence: 1, body: { systemId: 'SMSC', scInterfaceVersion: 0x34 } }));
    assert.equal(ok.system_id, 'SMSC');
    assert.equal(ok.sc_interface_version, 0x34);
    const bad = encodePdu({ command: 'bind_transceiver_resp', status: STATUS.ESME_RINVPASWD, sequence: 2 });
    assert.equal(bad.length, 16);
    assert.equal(theirs(bad).command_status, 0x0e);
  });

  it('submit_sm with a port-addressing UDH and data_coding 0x04', () => {
    const octets = Buffer.concat([portHeader(5499), Buffer.from('//VVM:SYNC:ev=NM;id=1;c=1;t=v', 'latin1')]);
    const p = theirs(encodePdu({ command: 'submit_sm', status: 0, sequence: 3, body: shortMessageDefaults({ sourceTon: 3, sourceAddr: '94183', destTon: 1, destNpi: 1, destAddr: '15550001', esmClass: 0x40, dataCoding: 4, shortMessage: octets }) }));
    assert.equal(p.source_addr, '94183');
    assert.equal(p.destination_addr, '15550001');
    assert.equal(p.esm_class, 0x40);
    assert.equal(p.data_coding, 4);
    const sm = p.short_message as { udh?: Buffer[]; message: Buffer | string };
    assert.deepEqual(sm.udh?.[0], Buffer.from([5, 4, 0x15, 0x7b, 0, 0]));
    assert.equal(Buffer.from(sm.message as Buffer).toString('latin1'), '//VVM:SYNC:ev=NM;id=1;c=1;t=v');
  });

  it('deliver_sm with message_payload', () => {
    const payload = Buffer.from('x'.repeat(400), 'latin1');
    const p = theirs(encodePdu({ command: 'deliver_sm', status: 0, sequence: 4, body: shortMessageDefaults({ destAddr: '15550001', dataCoding: 3, tlvs: [{ tag: TLV.message_payload, value: payload }] }) }));
    assert.equal((p.message_payload as { message: string }).message, 'x'.repeat(400));
  });

  it('header-only PDUs', () => {
    for (const command of ['enquire_link', 'enquire_link_resp', 'unbind', 'unbind_resp', 'generic_nack'] as const) {
      const p = theirs(encodePdu({ command, status: command === 'generic_nack' ? STATUS.ESME_RINVCMDID : 0, sequence: 9 }));
      assert.equal(p.command, command);
      assert.equal(p.command_length, 16);
    }
  });
});

describe('differential: smpp 0.5.1 encoder, our decoder', () => {
  it('bind_transmitter', () => {
    const pdu = decodePdu(new smpp.PDU('bind_transmitter', { sequence_number: 5, system_id: 'demo', password: 'pw', system_type: 'X' }).toBuffer()) as BindPdu;
    assert.equal(pdu.command, 'bind_transmitter');
    assert.deepEqual(pdu.body, { systemId: 'demo', password: 'pw', systemType: 'X', interfaceVersion: 0x50, addrTon: 0, addrNpi: 0, addressRange: '' });
  });

  it('submit_sm with a text and a TLV', () => {
    const pdu = decodePdu(new smpp.PDU('submit_sm', { sequence_number: 6, source_addr: '15550002', destination_addr: '15550001', short_message: 'Hello', user_message_reference: 42 }).toBuffer());
    if (pdu.command !== 'submit_sm') return assert.fail(`decoded as ${pdu.command}`);
    assert.equal(pdu.body.sourceAddr, '15550002');
    assert.equal(pdu.body.destAddr, '15550001');
    assert.equal(pdu.body.shortMessage.toString('latin1'), 'Hello');
    assert.deepEqual(pdu.body.tlvs, [{ tag: 0x0204, value: Buffer.from([0, 42]) }]);
  });

  it('deliver_sm_resp and submit_sm_resp', () => {
    const d = decodePdu(new smpp.PDU('deliver_sm_resp', { sequence_number: 1 }).toBuffer());
    assert.deepEqual(d, { command: 'deliver_sm_resp', status: 0, sequence: 1, body: { messageId: '' } });
    const s = decodePdu(new smpp.PDU('submit_sm_resp', { sequence_number: 2, message_id: 'abc' }).toBuffer());
    assert.deepEqual(s, { command: 'submit_sm_resp', status: 0, sequence: 2, body: { messageId: 'abc' } });
  });

  it('round trip: ours -> bytes -> ours is the identity', () => {
    const pdu: Pdu = { command: 'submit_sm', status: 0, sequence: 11, body: shortMessageDefaults({ serviceType: 'VVM', sourceAddr: '94183', destAddr: '15550001', esmClass: 0x40, protocolId: 0x7f, scheduleDeliveryTime: '', validityPeriod: '000001000000000R', dataCoding: 4, shortMessage: Buffer.from([6, 5, 4, 0, 1, 0, 0, 65]), tlvs: [{ tag: 0x020b, value: Buffer.from([0x15, 0x7b]) }] }) };
    assert.deepEqual(decodePdu(encodePdu(pdu)), pdu);
  });
});

describe('strict decoding: the status each defect gets', () => {
  it('a C-Octet String without NUL is an invalid command_length (generic_nack)', () => {
    const e = decodeError(rawPdu(COMMAND_IDS.bind_transceiver, 1, Buffer.from('evvm-server', 'latin1')));
    assert.equal(e.status, STATUS.ESME_RINVCMDLEN);
    assert.equal(e.generic, true);
    assert.equal(e.sequence, 1);
  });

  it('an over-long system_id or password gets its own status in bind_resp (PRAC-04)', () => {
    const sys = decodeError(rawPdu(COMMAND_IDS.bind_transceiver, 2, bindBody('a-system-id-of-17', 'pw')));
    assert.deepEqual([sys.status, sys.generic], [STATUS.ESME_RINVSYSID, false]);
    const pw = decodeError(rawPdu(COMMAND_IDS.bind_transceiver, 3, bindBody('evvm', 'ninechars')));
    assert.deepEqual([pw.status, pw.generic], [STATUS.ESME_RINVPASWD, false]);
  });

  it('sm_length 255 is ESME_RINVMSGLEN; sm_length beyond the PDU is ESME_RINVCMDLEN', () => {
    const long = decodeError(rawPdu(COMMAND_IDS.submit_sm, 4, submitBody('15550001', 'y'.repeat(255))));
    assert.deepEqual([long.status, long.generic], [STATUS.ESME_RINVMSGLEN, false]);
    const past = decodeError(rawPdu(COMMAND_IDS.submit_sm, 5, submitBody('15550001', 'abc', 200)));
    assert.deepEqual([past.status, past.generic], [STATUS.ESME_RINVCMDLEN, true]);
  });

  it('a TLV running past the PDU is ESME_RINVOPTPARSTREAM', () => {
    const body = Buffer.concat([submitBody('15550001', 'hi'), Buffer.from([0x04, 0x24, 0x01, 0x00, 1, 2])]);
    const e = decodeError(rawPdu(COMMAND_IDS.submit_sm, 6, body));
    assert.deepEqual([e.status, e.generic], [STATUS.ESME_RINVOPTPARSTREAM, false]);
  });

  it('an over-long destination_addr is ESME_RINVDSTADR', () => {
    const e = decodeError(rawPdu(COMMAND_IDS.submit_sm, 7, submitBody('1'.repeat(25), 'hi')));
    assert.equal(e.status, STATUS.ESME_RINVDSTADR);
  });

  it('octets after the last field of a header-only command are ESME_RINVCMDLEN', () => {
    const e = decodeError(rawPdu(COMMAND_IDS.enquire_link, 8, Buffer.from([0])));
    assert.deepEqual([e.status, e.generic], [STATUS.ESME_RINVCMDLEN, true]);
  });

  it('unknown and unsupported command_id are ESME_RINVCMDID', () => {
    assert.equal(decodeError(rawPdu(0x00001234, 9)).status, STATUS.ESME_RINVCMDID);
    assert.equal(decodeError(rawPdu(COMMAND_IDS.data_sm, 10, cstr(''))).status, STATUS.ESME_RINVCMDID);
  });
});

describe('framing', () => {
  it('reassembles PDUs split at every byte and coalesced in one chunk', () => {
    const a = encodePdu({ command: 'enquire_link', status: 0, sequence: 1 });
    const b = encodePdu({ command: 'submit_sm_resp', status: 0, sequence: 2, body: { messageId: 'm' } });
    const all = Buffer.concat([a, b, a]);
    const f = new PduFramer(16384);
    const got: number[] = [];
    for (let i = 0; i < all.length; i++) f.push(all.subarray(i, i + 1), (frame) => got.push(frame.readUInt32BE(12)), () => assert.fail('fault'));
    f.push(all, (frame) => got.push(frame.readUInt32BE(12)), () => assert.fail('fault'));
    assert.deepEqual(got, [1, 2, 1, 1, 2, 1]);
  });

  it('reports a command_length below 16 or above the maximum once, then discards', () => {
    for (const length of [0, 8, 15, 16385, 0x7fffffff, 0xfffffff0]) {
      const f = new PduFramer(16384);
      const faults: number[] = [];
      f.push(rawPdu(COMMAND_IDS.enquire_link, 3, Buffer.alloc(0), length), () => assert.fail('no PDU'), (x) => faults.push(x.length));
      f.push(encodePdu({ command: 'enquire_link', status: 0, sequence: 4 }), () => assert.fail('discarded'), () => assert.fail('once'));
      assert.deepEqual(faults, [length]);
    }
  });
});

describe('user data header', () => {
  it('16-bit and 8-bit application ports', () => {
    const d = parseUserData(Buffer.concat([portHeader(5499, 0), Buffer.from('x')]), 0x40);
    assert.ok(!('error' in d));
    assert.deepEqual(d.port, { destination: 5499, originator: 0, bits: 16 });
    assert.equal(d.payload.toString(), 'x');
    const e = parseUserData(Buffer.concat([portHeader(200, 1, 8), Buffer.from('y')]), 0x40);
    assert.ok(!('error' in e));
    assert.deepEqual(e.port, { destination: 200, originator: 1, bits: 8 });
  });

  it('inconsistent headers are errors, not guesses', () => {
    for (const bad of [Buffer.from([]), Buffer.from([9, 5, 4, 0, 1]), Buffer.from([3, 5, 4, 0]), Buffer.from([4, 5, 2, 0, 1]), Buffer.from([12, 5, 4, 0, 1, 0, 0, 5, 4, 0, 2, 0, 0])]) {
      assert.ok('error' in parseUserData(bad, 0x40), bad.toString('hex'));
    }
    assert.ok(!('error' in parseUserData(Buffer.from([9, 5, 4]), 0)), 'without UDHI the octets are all text');
  });
});
