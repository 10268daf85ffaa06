/**
 * SMPP v3.4 PDUs as values, and the whole-PDU codec: the 16-octet header (§3.2) and a body codec per
 * command (commands/). Decoding is strict and bounded by command_length; every violation is a PduError
 * that names the command_status the peer must get, so a session can always answer per protocol.
 */
import { BodyReader, BodyWriter, PduError, type FieldSizes } from './codec';
import { COMMAND_IDS, commandName, HEADER_LENGTH, isResponseId, STATUS, statusName, type CommandName } from './constants';
import { codecFor } from './commands';

export interface PduBase {
  status: number;
  sequence: number;
}

export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';
export type BindRespCommand = `${BindCommand}_resp`;

export interface BindBody {
  systemId: string;
  /** a secret: never printed (describePdu writes «redacted») */
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindRespBody {
  systemId: string;
  scInterfaceVersion?: number;
}

export interface Tlv {
  tag: number;
  value: Buffer;
}

/** The body submit_sm and deliver_sm share (§4.4.1, §4.6.1). */
export interface ShortMessageBody {
  serviceType: string;
  sourceTon: number;
  sourceNpi: number;
  sourceAddr: string;
  destTon: number;
  destNpi: number;
  destAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresent: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** 0..254 octets; empty when the text travels in the message_payload TLV */
  shortMessage: Buffer;
  tlvs: Tlv[];
}

export interface MessageIdBody {
  messageId: string;
}

export interface BindPdu extends PduBase {
  command: BindCommand;
  body: BindBody;
}
export interface BindRespPdu extends PduBase {
  command: BindRespCommand;
  /** absent when command_status is not ESME_ROK (§4.1.2) */
  body?: BindRespBody;
}
export interface ShortMessagePdu extends PduBase {
  command: 'submit_sm' | 'deliver_sm';
  body: ShortMessageBody;
}
export interface MessageIdRespPdu extends PduBase {
  command: 'submit_sm_resp' | 'deliver_sm_resp';
  body?: MessageIdBody;
}
export interface EmptyPdu extends PduBase {
  command: 'enquire_link' | 'enquire_link_resp' | 'unbind' | 'unbind_resp' | 'generic_nack';
}

export type Pdu = BindPdu | BindRespPdu | ShortMessagePdu | MessageIdRespPdu | EmptyPdu;
export type PduCommand = Pdu['command'];

/** Why a PDU could not be decoded, with what the sender must be told. */
export class PduDecodeError extends PduError {
  constructor(
    status: number,
    message: string,
    generic: boolean,
    readonly commandId: number,
    readonly sequence: number,
  ) {
    super(status, message, generic);
  }

  static from(cause: PduError, commandId: number, sequence: number): PduDecodeError {
    return new PduDecodeError(cause.status, cause.message, cause.generic, commandId, sequence);
  }

  /** the command the error answers, when its command_id is known */
  get command(): CommandName | undefined {
    return commandName(this.commandId);
  }
}

export function isRequest(pdu: Pdu): boolean {
  return !isResponseId(COMMAND_IDS[pdu.command]);
}

/** The response command of a request: bind_transceiver -> bind_transceiver_resp. */
export function responseOf(command: CommandName): CommandName | undefined {
  const id = COMMAND_IDS[command];
  if (isResponseId(id)) return undefined;
  return commandName((id | 0x80000000) >>> 0);
}

/**
 * Decodes one PDU whose length the framer already checked (frame.length === command_length >= 16).
 * Throws PduDecodeError: generic (answer generic_nack) for an unknown or unsupported command_id or a
 * body inconsistent with command_length; otherwise the command's own error status.
 */
export function decodePdu(frame: Buffer, fieldSizes: FieldSizes = 'enforce'): Pdu {
  const length = frame.readUInt32BE(0);
  const id = frame.readUInt32BE(4);
  const status = frame.readUInt32BE(8);
  const sequence = frame.readUInt32BE(12);
  const codec = codecFor(id);
  if (!codec) {
    const known = commandName(id);
    const why = known ? `${known} is not supported by this entity` : `unknown command_id 0x${id.toString(16).padStart(8, '0')}`;
    throw new PduDecodeError(STATUS.ESME_RINVCMDID, why, true, id, sequence);
  }
  const r = new BodyReader(frame, HEADER_LENGTH, length, fieldSizes);
  try {
    const pdu = codec.decode(commandName(id) as PduCommand, status, sequence, r);
    if (r.remaining !== 0) throw new PduError(STATUS.ESME_RINVCMDLEN, `${r.remaining} octet(s) after the last field of ${pdu.command}`, true);
    return pdu;
  } catch (err) {
    if (err instanceof PduError) throw PduDecodeError.from(err, id, sequence);
    // a codec bug must still produce a protocol answer, never an exception in the event loop
    throw new PduDecodeError(STATUS.ESME_RSYSERR, `cannot decode: ${(err as Error).message}`, true, id, sequence);
  }
}

export function encodePdu(pdu: Pdu): Buffer {
  const codec = codecFor(COMMAND_IDS[pdu.command])!;
  // error responses carry no body (§4.1.2, §4.4.2, …)
  const withBody = isRequest(pdu) || pdu.status === 0;
  const size = HEADER_LENGTH + (withBody ? codec.measure(pdu) : 0);
  const w = new BodyWriter(size);
  w.u32(size);
  w.u32(COMMAND_IDS[pdu.command]);
  w.u32(pdu.status);
  w.u32(pdu.sequence);
  if (withBody) codec.write(pdu, w);
  return w.buf;
}

/** A header-only PDU (generic_nack, an error response, enquire_link, unbind and their responses). */
export function encodeHeaderOnly(commandId: number, status: number, sequence: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER_LENGTH);
  b.writeUInt32BE(HEADER_LENGTH, 0);
  b.writeUInt32BE(commandId >>> 0, 4);
  b.writeUInt32BE(status >>> 0, 8);
  b.writeUInt32BE(sequence >>> 0, 12);
  return b;
}

export function tlv(body: ShortMessageBody, tag: number): Buffer | undefined {
  for (const t of body.tlvs) if (t.tag === tag) return t.value;
  return undefined;
}

/** The message octets wherever they travel: short_message, or message_payload (§5.3.2.32). */
export function messageOctets(body: ShortMessageBody): Buffer {
  return body.shortMessage.length > 0 ? body.shortMessage : (tlv(body, 0x0424) ?? body.shortMessage);
}

export function shortMessageDefaults(fields: Partial<ShortMessageBody> & Pick<ShortMessageBody, 'destAddr'>): ShortMessageBody {
  return {
    serviceType: '',
    sourceTon: 0,
    sourceNpi: 0,
    sourceAddr: '',
    destTon: 0,
    destNpi: 0,
    esmClass: 0,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresent: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: [],
    ...fields,
  };
}

/**
 * One transcript line for a PDU. Passwords are never printed; message text is shown with VVM secrets
 * (pw, smtp_pw) redacted by the caller's `text` function, since only it knows the encoding.
 */
export function describePdu(pdu: Pdu, text: (body: ShortMessageBody) => string = defaultText): string {
  const head = `${pdu.command} #${pdu.sequence}${pdu.status ? ` ${statusName(pdu.status)}` : ''}`;
  switch (pdu.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver': {
      const b = pdu.body;
      return `${head} system_id="${b.systemId}" password=«redacted» system_type="${b.systemType}" interface_version=0x${b.interfaceVersion.toString(16)}${b.addressRange ? ` address_range="${b.addressRange}"` : ''}`;
    }
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      return pdu.body ? `${head} system_id="${pdu.body.systemId}"` : head;
    case 'submit_sm':
    case 'deliver_sm': {
      const b = pdu.body;
      const addr = (ton: number, npi: number, a: string): string => `${ton}:${npi}:"${a}"`;
      const payload = tlv(b, 0x0424);
      return `${head} source_addr=${addr(b.sourceTon, b.sourceNpi, b.sourceAddr)} destination_addr=${addr(b.destTon, b.destNpi, b.destAddr)} esm_class=0x${b.esmClass.toString(16).padStart(2, '0')} data_coding=0x${b.dataCoding.toString(16).padStart(2, '0')} ${payload ? `message_payload(${payload.length})` : `sm_length=${b.shortMessage.length}`} ${text(b)}`;
    }
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
      return pdu.body && pdu.body.messageId ? `${head} message_id="${pdu.body.messageId}"` : head;
    default:
      return head;
  }
}

function defaultText(body: ShortMessageBody): string {
  return JSON.stringify(messageOctets(body).toString('latin1'));
}
