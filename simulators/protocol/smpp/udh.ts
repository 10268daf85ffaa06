/**
 * The GSM user data header (3GPP TS 23.040 §9.2.3.24) carried at the start of short_message when
 * esm_class has UDHI (0x40). Application port addressing is what a VVM notification uses to reach the
 * client's port: IE 0x05 (16-bit ports) or IE 0x04 (8-bit ports).
 */
import { ESM_CLASS } from './constants';

export const IE = {
  CONCAT_8BIT: 0x00,
  PORT_8BIT: 0x04,
  PORT_16BIT: 0x05,
} as const;

export interface InformationElement {
  iei: number;
  data: Buffer;
}

export interface ApplicationPort {
  destination: number;
  originator: number;
  bits: 8 | 16;
}

export interface UserData {
  /** present when esm_class had UDHI */
  header?: InformationElement[];
  port?: ApplicationPort;
  /** the user data after the header */
  payload: Buffer;
}

/** The header octets (UDHL first) for 16-bit application port addressing (IE 0x05). */
export function portHeader(destination: number, originator = 0, bits: 8 | 16 = 16): Buffer {
  if (bits === 8) return Buffer.from([4, IE.PORT_8BIT, 2, destination & 0xff, originator & 0xff]);
  return Buffer.from([6, IE.PORT_16BIT, 4, (destination >> 8) & 0xff, destination & 0xff, (originator >> 8) & 0xff, originator & 0xff]);
}

/**
 * Splits user data into header and payload. Returns an error string instead of guessing when the
 * header is inconsistent (UDHL beyond the data, an IE running past the header, a port IE of the wrong
 * length, two port IEs): a receiver must drop such a message, not deliver it to some port.
 */
export function parseUserData(octets: Buffer, esmClass: number): UserData | { error: string } {
  if ((esmClass & ESM_CLASS.UDHI) === 0) return { payload: octets };
  if (octets.length < 1) return { error: 'UDHI set but the user data is empty' };
  const udhl = octets[0]!;
  if (udhl + 1 > octets.length) return { error: `UDHL ${udhl} runs past the ${octets.length} octets of user data` };
  const header: InformationElement[] = [];
  let port: ApplicationPort | undefined;
  let off = 1;
  while (off < udhl + 1) {
    if (off + 2 > udhl + 1) return { error: 'information element header runs past the UDH' };
    const iei = octets[off]!;
    const len = octets[off + 1]!;
    if (off + 2 + len > udhl + 1) return { error: `IE 0x${iei.toString(16)} runs past the UDH` };
    const data = octets.subarray(off + 2, off + 2 + len);
    if (iei === IE.PORT_16BIT || iei === IE.PORT_8BIT) {
      if (port) return { error: 'more than one application port IE' };
      if (iei === IE.PORT_16BIT && len !== 4) return { error: `IE 0x05 has length ${len}, not 4` };
      if (iei === IE.PORT_8BIT && len !== 2) return { error: `IE 0x04 has length ${len}, not 2` };
      port = iei === IE.PORT_16BIT ? { destination: data.readUInt16BE(0), originator: data.readUInt16BE(2), bits: 16 } : { destination: data[0]!, originator: data[1]!, bits: 8 };
    }
    header.push({ iei, data: Buffer.from(data) });
    off += 2 + len;
  }
  return { header, ...(port ? { port } : {}), payload: octets.subarray(udhl + 1) };
}
