/**
 * The SMSC's answer to each PDU an ESME sends. Responses were already matched to this end's requests
 * by the connection; a request the SMSC does not take from an ESME (deliver_sm) is ESME_RINVCMDID.
 */
import { STATUS } from '../../protocol/smpp/constants';
import type { Pdu } from '../../protocol/smpp/pdu';
import type { SmscSession } from '../session';
import { bind } from './bind';
import { enquireLink } from './enquire-link';
import { submitSm } from './submit-sm';
import { unbind } from './unbind';

export function dispatch(session: SmscSession, pdu: Pdu): void {
  switch (pdu.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return bind(session, pdu);
    case 'submit_sm':
      return submitSm(session, pdu);
    case 'enquire_link':
      return enquireLink(session, pdu);
    case 'unbind':
      return unbind(session, pdu);
    case 'deliver_sm':
      session.connection.event('deliver_sm from an ESME: answered generic_nack ESME_RINVCMDID');
      session.connection.send({ command: 'generic_nack', status: STATUS.ESME_RINVCMDID, sequence: pdu.sequence });
      return;
    default:
      // responses (deliver_sm_resp, enquire_link_resp, generic_nack, …) need no answer
      return;
  }
}
