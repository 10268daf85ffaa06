/** unbind (§4.2): a bound session is answered and closed; an unbound one gets ESME_RINVBNDSTS. */
import { STATUS } from '../../protocol/smpp/constants';
import type { EmptyPdu } from '../../protocol/smpp/pdu';
import type { SmscSession } from '../session';

export function unbind(session: SmscSession, pdu: EmptyPdu): void {
  if (session.state === 'open' || session.state === 'unbound') {
    session.connection.send({ command: 'unbind_resp', status: STATUS.ESME_RINVBNDSTS, sequence: pdu.sequence });
    return;
  }
  if (session.receives) session.ctx.router.detach(session);
  session.state = 'unbound';
  session.connection.send({ command: 'unbind_resp', status: STATUS.ESME_ROK, sequence: pdu.sequence });
  session.connection.close();
}
