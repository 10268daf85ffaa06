/**
 * submit_sm (§4.4): only a session bound as transmitter or transceiver may submit (ESME_RINVBNDSTS
 * otherwise, EVVM-SMS-C09); the router sets the originator and stores or delivers the message.
 */
import { STATUS } from '../../protocol/smpp/constants';
import type { ShortMessagePdu } from '../../protocol/smpp/pdu';
import type { SmscSession } from '../session';

export function submitSm(session: SmscSession, pdu: ShortMessagePdu): void {
  const { ctx, connection } = session;
  // FAULT smsc:submit-before-bind (EVVM-SMS-C09): an unbound session's submit_sm is routed.
  const unboundAllowed = session.state === 'open' && ctx.faults.has('smsc:submit-before-bind');
  if (!session.transmits && !unboundAllowed) {
    ctx.log.submission({ conn: session.conn, systemId: session.account?.systemId, body: pdu.body, status: STATUS.ESME_RINVBNDSTS, reason: `submit_sm in state ${session.state}` });
    connection.send({ command: 'submit_sm_resp', status: STATUS.ESME_RINVBNDSTS, sequence: pdu.sequence });
    return;
  }
  const { status, messageId } = ctx.router.submit(session.transmits ? session.account : undefined, pdu.body, session.conn);
  connection.send({ command: 'submit_sm_resp', status, sequence: pdu.sequence, ...(status === STATUS.ESME_ROK ? { body: { messageId: messageId! } } : {}) });
}
