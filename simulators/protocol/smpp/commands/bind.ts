/**
 * bind_transmitter, bind_receiver, bind_transceiver and their responses (§4.1). The body of a bind is
 * where the ESME proves who it is: system_id and password, each refused with its own status when it
 * does not fit its field (PRAC-04).
 */
import { cstringSize, type BodyReader, type BodyWriter } from '../codec';
import { FIELD_MAX, STATUS, TLV } from '../constants';
import type { BindCommand, BindPdu, BindRespCommand, BindRespPdu, Pdu, PduCommand } from '../pdu';
import type { CommandCodec } from './types';

export const bind: CommandCodec = {
  decode(command, status, sequence, r: BodyReader): Pdu {
    const body = {
      systemId: r.cstring('system_id', FIELD_MAX.system_id, STATUS.ESME_RINVSYSID),
      password: r.cstring('password', FIELD_MAX.password, STATUS.ESME_RINVPASWD),
      systemType: r.cstring('system_type', FIELD_MAX.system_type, STATUS.ESME_RINVSYSTYP),
      interfaceVersion: r.u8('interface_version'),
      addrTon: r.u8('addr_ton'),
      addrNpi: r.u8('addr_npi'),
      addressRange: r.cstring('address_range', FIELD_MAX.address_range, STATUS.ESME_RINVPARLEN),
    };
    return { command: command as BindCommand, status, sequence, body };
  },
  measure(pdu) {
    const b = (pdu as BindPdu).body;
    return cstringSize(b.systemId) + cstringSize(b.password) + cstringSize(b.systemType) + 3 + cstringSize(b.addressRange);
  },
  write(pdu, w: BodyWriter) {
    const b = (pdu as BindPdu).body;
    w.cstring(b.systemId);
    w.cstring(b.password);
    w.cstring(b.systemType);
    w.u8(b.interfaceVersion);
    w.u8(b.addrTon);
    w.u8(b.addrNpi);
    w.cstring(b.addressRange);
  },
};

export const bindResp: CommandCodec = {
  decode(command: PduCommand, status, sequence, r) {
    const pdu: BindRespPdu = { command: command as BindRespCommand, status, sequence };
    // an error response may omit the body (§4.1.2); a lenient reader accepts either
    if (r.remaining === 0) return pdu;
    const body: NonNullable<BindRespPdu['body']> = { systemId: r.cstring('system_id', FIELD_MAX.system_id, STATUS.ESME_RINVSYSID) };
    while (r.remaining > 0) {
      const tag = r.u16('TLV tag');
      const len = r.u16('TLV length');
      const value = r.octets('TLV value', len);
      if (tag === TLV.sc_interface_version && len === 1) body.scInterfaceVersion = value[0]!;
    }
    pdu.body = body;
    return pdu;
  },
  measure(pdu) {
    const b = (pdu as BindRespPdu).body;
    if (!b) return 0;
    return cstringSize(b.systemId) + (b.scInterfaceVersion !== undefined ? 5 : 0);
  },
  write(pdu, w) {
    const b = (pdu as BindRespPdu).body;
    if (!b) return;
    w.cstring(b.systemId);
    if (b.scInterfaceVersion !== undefined) {
      w.u16(TLV.sc_interface_version);
      w.u16(1);
      w.u8(b.scInterfaceVersion);
    }
  },
};
