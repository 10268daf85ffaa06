import type { BodyReader, BodyWriter } from '../codec';
import type { Pdu, PduCommand } from '../pdu';

/** The body codec of one command and its response; the header is pdu.ts's business. */
export interface CommandCodec {
  decode(command: PduCommand, status: number, sequence: number, r: BodyReader): Pdu;
  /** body octets of a PDU that carries a body */
  measure(pdu: Pdu): number;
  write(pdu: Pdu, w: BodyWriter): void;
}
