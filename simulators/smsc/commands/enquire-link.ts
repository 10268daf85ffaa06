/** enquire_link (§4.11): answered in every state, bound or not. */
import type { EmptyPdu } from '../../protocol/smpp/pdu';
import type { SmscSession } from '../session';

export function enquireLink(session: SmscSession, pdu: EmptyPdu): void {
  session.connection.send({ command: 'enquire_link_resp', status: 0, sequence: pdu.sequence });
}
