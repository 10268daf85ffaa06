/** Header-only PDUs: enquire_link, unbind, generic_nack and the first two's responses (§4.2, §4.3, §4.11). */
import type { EmptyPdu } from '../pdu';
import type { CommandCodec } from './types';

export const empty: CommandCodec = {
  decode: (command, status, sequence) => ({ command: command as EmptyPdu['command'], status, sequence }),
  measure: () => 0,
  write: () => undefined,
};
