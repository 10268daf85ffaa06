/**
 * SMPP: the SMSC, bound and unbound. Inputs are PDUs from the v3.4 command set with random fields and
 * TLVs, unknown command ids, damaged headers and truncated bodies; each input is followed by an
 * enquire_link whose response must come back (or the SMSC closes the connection, which is an answer).
 */
import { COMMAND_IDS } from '../../simulators/protocol/smpp/constants';
import { Smsc } from '../../simulators/smsc';
import type { Rng } from '../rng';
import type { Driver, Fed, Target } from '../runner';
import { RawSession } from '../session';

const ESME = { systemId: 'evvm-server', password: 'srv-pw1' };
const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);

function pdu(commandId: number, sequence: number, body: Buffer = Buffer.alloc(0), length?: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE((length ?? 16 + body.length) >>> 0, 0);
  h.writeUInt32BE(commandId >>> 0, 4);
  h.writeUInt32BE(0, 8);
  h.writeUInt32BE(sequence >>> 0, 12);
  return Buffer.concat([h, body]);
}

const bind = (systemId: string, password: string): Buffer => Buffer.concat([cstr(systemId), cstr(password), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')]);

function submit(r: Rng): Buffer {
  const text = r.chance(0.5) ? Buffer.from(`//VVM:SYNC:ev=NM;id=${r.int(1e6)};c=1;t=v;s=01234;dt=02/08/2008 12:53 +0200;l=${r.int(100)}`, 'latin1') : r.bytes(r.size(300));
  const smLength = r.chance(0.9) ? Math.min(255, text.length) : r.int(256);
  const tlvs = r.chance(0.3) ? Buffer.concat(Array.from({ length: r.size(5) }, () => { const v = r.bytes(r.size(3000)); const t = Buffer.alloc(4); t.writeUInt16BE(r.pick([0x0424, 0x0005, 0x020c, r.int(0x10000)]), 0); t.writeUInt16BE(r.chance(0.9) ? v.length : r.int(0x10000), 2); return Buffer.concat([t, v]); })) : Buffer.alloc(0);
  return Buffer.concat([cstr(r.pick(['', 'VMA', r.text(r.size(10))])), Buffer.from([r.int(8), r.int(20)]), cstr(r.pick(['', '94183', r.text(r.size(30))])), Buffer.from([r.int(8), r.int(20)]), cstr(r.pick(['15550001', '15550002', r.text(r.size(30))])), Buffer.from([r.int(256), r.int(256), r.int(256)]), cstr(''), cstr(''), Buffer.from([r.int(256), r.int(256), r.int(256), r.int(256), smLength]), text.subarray(0, 255), tlvs]);
}

function input(r: Rng, seq: number): Buffer {
  const ids = Object.values(COMMAND_IDS);
  switch (r.int(7)) {
    case 0:
      return pdu(r.pick([COMMAND_IDS.bind_transceiver, COMMAND_IDS.bind_transmitter, COMMAND_IDS.bind_receiver]), seq, bind(r.pick([ESME.systemId, r.text(r.size(30))]), r.pick([ESME.password, r.text(r.size(12))])));
    case 1:
    case 2:
      return pdu(COMMAND_IDS.submit_sm, seq, submit(r));
    case 3:
      return pdu(r.chance(0.5) ? r.pick(ids) : r.int(0x100000000), seq, r.bytes(r.size(200)));
    case 4: {
      // a damaged PDU: its bytes garbled, its length kept or not
      const p = pdu(r.pick(ids), seq, r.chance(0.5) ? submit(r) : r.bytes(r.size(100)));
      for (let k = 1 + r.int(6); k > 0; k--) p[16 + r.int(Math.max(1, p.length - 16))] = r.int(256);
      if (r.chance(0.2)) p.writeUInt32BE(r.pick([0, 8, 15, 0x7fffffff, 0xfffffff0, 20_000]), 0);
      return p;
    }
    case 5:
      return Buffer.concat(Array.from({ length: 1 + r.size(200) }, (_, i) => pdu(COMMAND_IDS.enquire_link, seq + i)));
    default:
      return pdu(r.pick([COMMAND_IDS.unbind, COMMAND_IDS.generic_nack, COMMAND_IDS.deliver_sm_resp, COMMAND_IDS.submit_sm_resp, COMMAND_IDS.enquire_link_resp]), seq, r.chance(0.5) ? Buffer.alloc(0) : cstr(r.text(r.size(20))));
  }
}

/** Whether the octets (a stream of whole PDUs from the SMSC) hold enquire_link_resp `seq`. */
function hasResponse(received: string, seq: number): boolean {
  const b = Buffer.from(received, 'latin1');
  for (let at = 0; at + 16 <= b.length; ) {
    const len = b.readUInt32BE(at);
    if (len < 16) return false;
    if (b.readUInt32BE(at + 4) === COMMAND_IDS.enquire_link_resp && b.readUInt32BE(at + 12) === seq) return true;
    at += len;
  }
  return false;
}

class SmppDriver implements Driver {
  private sessions: { open?: RawSession; bound?: RawSession } = {};
  private seq = 1_000_000;

  constructor(
    private readonly smsc: Smsc,
    private readonly port: number,
    private readonly prober: RawSession,
  ) {}

  private async session(bound: boolean): Promise<RawSession> {
    const key = bound ? 'bound' : 'open';
    const s = this.sessions[key];
    if (s && !s.closed) return s;
    const fresh = await RawSession.open(this.port);
    if (bound) {
      fresh.write(pdu(COMMAND_IDS.bind_transceiver, 1, bind(ESME.systemId, ESME.password)));
      await fresh.until((t) => t.length >= 16, 2000);
      fresh.take();
    }
    this.sessions[key] = fresh;
    return fresh;
  }

  async feed(r: Rng): Promise<Fed> {
    const s = await this.session(r.chance(0.6));
    const seq = ++this.seq;
    s.take();
    s.write(Buffer.concat([input(r, r.int(0x7fffffff)), pdu(COMMAND_IDS.enquire_link, seq)]));
    const got = await s.until((t) => hasResponse(t, seq), 3000);
    if (got === 'timeout') {
      s.destroy();
      return 'unanswered';
    }
    return 'answered';
  }

  async probe(): Promise<void> {
    const seq = ++this.seq;
    this.prober.take();
    this.prober.write(pdu(COMMAND_IDS.enquire_link, seq));
    const got = await this.prober.until((t) => hasResponse(t, seq), 10_000);
    if (got !== true) throw new Error(`probe session: ${got}`);
  }

  async stop(): Promise<void> {
    for (const s of [this.sessions.open, this.sessions.bound, this.prober]) s?.destroy();
    await this.smsc.stop();
  }
}

export const smppTarget: Target = {
  name: 'smpp',
  async start() {
    const smsc = new Smsc({
      listen: { plain: true },
      accounts: [
        { systemId: ESME.systemId, password: ESME.password, kind: 'esme', addresses: [{ addr: '94183', ton: 3, npi: 0 }] },
        { systemId: 'ms15550001', password: 'al-pw', kind: 'handset', addresses: [{ addr: '15550001', ton: 1, npi: 1 }] },
      ],
    });
    const { smpp } = await smsc.start();
    const prober = await RawSession.open(smpp!);
    prober.write(pdu(COMMAND_IDS.bind_transceiver, 1, bind('ms15550001', 'al-pw')));
    await prober.until((t) => t.length >= 16, 2000);
    return new SmppDriver(smsc, smpp!, prober);
  },
};
