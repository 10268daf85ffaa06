/**
 * The body submit_sm and deliver_sm share (§4.4.1, §4.6.1): addresses, esm_class (UDHI), data_coding,
 * short_message (sm_length 0..254) and the optional parameters, among them message_payload.
 */
import { cstringSize, PduError, type BodyReader, type BodyWriter } from '../codec';
import { FIELD_MAX, SHORT_MESSAGE_MAX, STATUS, TLV } from '../constants';
import type { Pdu, ShortMessageBody, ShortMessagePdu, Tlv } from '../pdu';
import type { CommandCodec } from './types';

export function readShortMessageBody(r: BodyReader): ShortMessageBody {
  const serviceType = r.cstring('service_type', FIELD_MAX.service_type, STATUS.ESME_RINVSERTYP);
  const sourceTon = r.u8('source_addr_ton');
  const sourceNpi = r.u8('source_addr_npi');
  const sourceAddr = r.cstring('source_addr', FIELD_MAX.source_addr, STATUS.ESME_RINVSRCADR);
  const destTon = r.u8('dest_addr_ton');
  const destNpi = r.u8('dest_addr_npi');
  const destAddr = r.cstring('destination_addr', FIELD_MAX.destination_addr, STATUS.ESME_RINVDSTADR);
  const esmClass = r.u8('esm_class');
  const protocolId = r.u8('protocol_id');
  const priorityFlag = r.u8('priority_flag');
  const scheduleDeliveryTime = r.cstring('schedule_delivery_time', FIELD_MAX.schedule_delivery_time, STATUS.ESME_RINVSCHED);
  const validityPeriod = r.cstring('validity_period', FIELD_MAX.validity_period, STATUS.ESME_RINVEXPIRY);
  const registeredDelivery = r.u8('registered_delivery');
  const replaceIfPresent = r.u8('replace_if_present_flag');
  const dataCoding = r.u8('data_coding');
  const smDefaultMsgId = r.u8('sm_default_msg_id');
  const smLength = r.u8('sm_length');
  const shortMessage = r.octets('short_message', smLength);
  // after the octets are known to be there: the PDU is consistent, only the value is refused
  if (smLength > SHORT_MESSAGE_MAX) throw new PduError(STATUS.ESME_RINVMSGLEN, `sm_length ${smLength} exceeds ${SHORT_MESSAGE_MAX}`, false);
  const tlvs: Tlv[] = [];
  while (r.remaining > 0) {
    if (r.remaining < 4) throw new PduError(STATUS.ESME_RINVOPTPARSTREAM, `${r.remaining} octet(s) left, too few for a TLV header`, false);
    const tag = r.u16('TLV tag');
    const len = r.u16('TLV length');
    if (len > r.remaining) throw new PduError(STATUS.ESME_RINVOPTPARSTREAM, `TLV 0x${tag.toString(16).padStart(4, '0')} declares ${len} octets, ${r.remaining} left`, false);
    tlvs.push({ tag, value: r.octets('TLV value', len) });
  }
  if (smLength > 0 && tlvs.some((t) => t.tag === TLV.message_payload)) {
    throw new PduError(STATUS.ESME_RINVOPTPARAMVAL, 'message_payload together with a non-empty short_message', false);
  }
  return {
    serviceType, sourceTon, sourceNpi, sourceAddr, destTon, destNpi, destAddr, esmClass, protocolId, priorityFlag,
    scheduleDeliveryTime, validityPeriod, registeredDelivery, replaceIfPresent, dataCoding, smDefaultMsgId, shortMessage, tlvs,
  };
}

export function shortMessageBodySize(b: ShortMessageBody): number {
  let n = cstringSize(b.serviceType) + 2 + cstringSize(b.sourceAddr) + 2 + cstringSize(b.destAddr) + 3;
  n += cstringSize(b.scheduleDeliveryTime) + cstringSize(b.validityPeriod) + 4 + 1 + b.shortMessage.length;
  for (const t of b.tlvs) n += 4 + t.value.length;
  return n;
}

export function writeShortMessageBody(b: ShortMessageBody, w: BodyWriter): void {
  w.cstring(b.serviceType);
  w.u8(b.sourceTon);
  w.u8(b.sourceNpi);
  w.cstring(b.sourceAddr);
  w.u8(b.destTon);
  w.u8(b.destNpi);
  w.cstring(b.destAddr);
  w.u8(b.esmClass);
  w.u8(b.protocolId);
  w.u8(b.priorityFlag);
  w.cstring(b.scheduleDeliveryTime);
  w.cstring(b.validityPeriod);
  w.u8(b.registeredDelivery);
  w.u8(b.replaceIfPresent);
  w.u8(b.dataCoding);
  w.u8(b.smDefaultMsgId);
  w.u8(b.shortMessage.length);
  w.octets(b.shortMessage);
  for (const t of b.tlvs) {
    w.u16(t.tag);
    w.u16(t.value.length);
    w.octets(t.value);
  }
}

export const shortMessage: CommandCodec = {
  decode(command, status, sequence, r): Pdu {
    return { command: command as ShortMessagePdu['command'], status, sequence, body: readShortMessageBody(r) };
  },
  measure: (pdu) => shortMessageBodySize((pdu as ShortMessagePdu).body),
  write: (pdu, w) => writeShortMessageBody((pdu as ShortMessagePdu).body, w),
};
