/**
 * One ESME's session with the SMSC: the bind state machine of SMPP v3.4 §2.3 (OPEN, BOUND_TX,
 * BOUND_RX, BOUND_TRX, UNBOUND) on top of an SmppConnection. Each command's rule lives in its own
 * file under commands/; this class holds the state they share and is the router's receiver.
 */
import type { FaultReader } from '../fault-set';
import type { SmppConnection } from '../protocol/smpp/connection';
import type { Pdu } from '../protocol/smpp/pdu';
import type { Activity } from '../protocol/smpp/activity';
import type { AccountTable, SmscAccountSpec } from './accounts';
import type { SmscObservationLog } from './observations';
import type { Receiver, Routed, Router } from './router';
import { dispatch } from './commands';

/** Malformed PDUs of one connection recorded in the SMSC's observations. */
export const MAX_DECODE_ERRORS_LOGGED = 20;

export type BindState = 'open' | 'bound_tx' | 'bound_rx' | 'bound_trx' | 'unbound';

/** What the command handlers need from the SMSC. */
export interface SmscContext {
  readonly actor: string;
  /** the SMSC's own system_id, in bind responses */
  readonly systemId: string;
  readonly accounts: AccountTable;
  readonly router: Router;
  readonly faults: FaultReader<'smsc'>;
  readonly log: SmscObservationLog;
  /** failed binds after which the connection is closed */
  readonly maxFailedBinds: number;
  readonly activity?: Activity;
}

export class SmscSession implements Receiver {
  state: BindState = 'open';
  account: SmscAccountSpec | undefined;
  failedBinds = 0;
  private readonly openedAt = Date.now();
  /** when the ESME last sent a PDU (SMPP v3.4 §7.2 inactivity timer) */
  private lastPduAt = Date.now();
  private decodeErrors = 0;

  constructor(
    readonly ctx: SmscContext,
    readonly connection: SmppConnection,
    private readonly window: number,
    bindTimeoutMs: number,
    inactivityTimeoutMs: number,
  ) {
    connection.onPdu((pdu) => {
      this.lastPduAt = Date.now();
      this.received(pdu);
    });
    connection.onDecodeError((err) => {
      // one hostile connection must not fill the SMSC's shared log: the first few are evidence enough
      this.decodeErrors++;
      if (this.decodeErrors <= MAX_DECODE_ERRORS_LOGGED) ctx.log.malformed(connection.conn, err.message);
      else if (this.decodeErrors === MAX_DECODE_ERRORS_LOGGED + 1) ctx.log.malformed(connection.conn, `more than ${MAX_DECODE_ERRORS_LOGGED} malformed PDUs on this connection: the rest are not kept`);
    });
    connection.onTick((now) => {
      // an ESME that connects and never binds holds a socket for nothing (SMPP session_init_timer)
      if (this.state === 'open' && now - this.openedAt > bindTimeoutMs) {
        connection.event(`no successful bind within ${bindTimeoutMs} ms: closing`);
        connection.close();
      } else if (this.state !== 'open' && now - this.lastPduAt > inactivityTimeoutMs) {
        connection.event(`no PDU within ${inactivityTimeoutMs} ms (SMPP v3.4 §7.2 inactivity timer): closing`);
        connection.close();
      }
    });
    connection.onClose(() => {
      if (this.receives) ctx.router.detach(this);
      this.state = 'unbound';
    });
  }

  get conn(): string {
    return this.connection.conn;
  }

  get systemId(): string {
    return this.account?.systemId ?? '';
  }

  get transmits(): boolean {
    return this.state === 'bound_tx' || this.state === 'bound_trx';
  }

  get receives(): boolean {
    return this.state === 'bound_rx' || this.state === 'bound_trx';
  }

  hasRoom(): boolean {
    return this.receives && !this.connection.isClosed && this.connection.outstanding < this.window;
  }

  deliver(message: Routed, done: (status: number | undefined) => void): void {
    this.connection.request({ command: 'deliver_sm', status: 0, sequence: 0, body: message.body }, (resp) => done(resp ? resp.status : undefined));
  }

  private received(pdu: Pdu): void {
    // work the PDU causes (routing) is opened before its response goes out
    const end = this.ctx.activity?.begin();
    try {
      dispatch(this, pdu);
    } finally {
      end?.();
    }
  }
}
