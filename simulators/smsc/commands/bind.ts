/**
 * bind_transmitter / bind_receiver / bind_transceiver (§4.1): the ESME proves its system_id and
 * password (EVVM-SMS-C09). Unknown system_id: ESME_RINVSYSID; wrong password: ESME_RINVPASWD; a second
 * bind on a bound session: ESME_RALYBND. After maxFailedBinds failures the connection is closed.
 */
import { INTERFACE_VERSION_34, STATUS, statusName } from '../../protocol/smpp/constants';
import type { BindPdu } from '../../protocol/smpp/pdu';
import { sameSecret } from '../accounts';
import type { BindState, SmscSession } from '../session';

const STATE: Record<BindPdu['command'], BindState> = { bind_transmitter: 'bound_tx', bind_receiver: 'bound_rx', bind_transceiver: 'bound_trx' };

export function bind(session: SmscSession, pdu: BindPdu): void {
  const { ctx, connection } = session;
  const refuse = (status: number): void => {
    ctx.log.bind({ conn: session.conn, command: pdu.command, systemId: pdu.body.systemId, secure: connection.secure, status: statusName(status) });
    connection.event(`${pdu.command} as "${pdu.body.systemId}" refused: ${statusName(status)}`);
    connection.send({ command: `${pdu.command}_resp`, status, sequence: pdu.sequence });
    if (status !== STATUS.ESME_RALYBND && ++session.failedBinds >= ctx.maxFailedBinds) {
      connection.event(`${session.failedBinds} failed binds: closing`);
      connection.close();
    }
  };
  if (session.state !== 'open') return refuse(STATUS.ESME_RALYBND);
  const account = ctx.accounts.get(pdu.body.systemId);
  if (!account) return refuse(STATUS.ESME_RINVSYSID);
  // FAULT smsc:bind-without-password (EVVM-SMS-C09): any password binds a known system_id.
  if (!sameSecret(pdu.body.password, account.password) && !ctx.faults.has('smsc:bind-without-password')) return refuse(STATUS.ESME_RINVPASWD);
  session.account = account;
  session.state = STATE[pdu.command];
  ctx.log.bind({ conn: session.conn, command: pdu.command, systemId: account.systemId, secure: connection.secure, status: statusName(STATUS.ESME_ROK) });
  connection.event(`bound as "${account.systemId}" (${session.state}${connection.secure ? ', TLS' : ', no TLS'})`);
  connection.send({ command: `${pdu.command}_resp`, status: STATUS.ESME_ROK, sequence: pdu.sequence, body: { systemId: ctx.systemId, scInterfaceVersion: INTERFACE_VERSION_34 } });
  if (session.receives) ctx.router.attach(session);
}
