/**
 * Message text in and out of short_message / message_payload: the VVM texts are 7-bit ASCII, carried
 * as octets with data_coding SMSC default (text SMS) or 8-bit binary (data SMS to an application port).
 */
import { DATA_CODING } from './constants';

export function decodeText(octets: Buffer, dataCoding: number): string {
  if ((dataCoding & 0x0f) === DATA_CODING.UCS2) return octets.length % 2 === 0 ? Buffer.from(octets).swap16().toString('utf16le') : octets.toString('latin1');
  return octets.toString('latin1');
}

export function encodeText(text: string, dataCoding: number): Buffer {
  if ((dataCoding & 0x0f) === DATA_CODING.UCS2) return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text, 'latin1');
}
