/**
 * Store and forward: a submit_sm becomes a deliver_sm to whoever owns the destination address, sent
 * to one of its bound receivers as soon as one has room in its window, kept in the account's store
 * while none is bound, and put back if the receiver goes away before acknowledging it.
 *
 * The originating address is set here, by the network: an account's own address, never a claim the
 * PDU makes (EVVM-SMS-C01); fault smsc:trust-source-addr takes the claim as it is.
 */
import type { FaultReader } from '../fault-set';
import type { Activity } from '../protocol/smpp/activity';
import { ESM_CLASS, STATUS, TLV } from '../protocol/smpp/constants';
import { shortMessageDefaults, tlv, type ShortMessageBody } from '../protocol/smpp/pdu';
import type { AccountTable, SmscAccountSpec, SmscAddress } from './accounts';
import type { SmscObservationLog } from './observations';

export interface Routed {
  messageId: string;
  /** the system_id that submitted it (undefined: an unbound submit, fault smsc:submit-before-bind) */
  from: string | undefined;
  to: string;
  /** the deliver_sm body: source as the network set it */
  body: ShortMessageBody;
}

/** What the router needs of a bound receiving session. */
export interface Receiver {
  readonly systemId: string;
  hasRoom(): boolean;
  /** sends deliver_sm; calls back with the deliver_sm_resp status, or undefined if it never came */
  deliver(message: Routed, done: (status: number | undefined) => void): void;
}

export interface RouterOptions {
  faults: FaultReader<'smsc'>;
  /** messages an account's store holds before submit_sm gets ESME_RMSGQFUL */
  maxStored: number;
  /** largest message (short_message or message_payload) accepted */
  maxMessageOctets: number;
  activity?: Activity;
  log: SmscObservationLog;
}

interface Store {
  queue: Routed[];
  head: number;
  receivers: Receiver[];
  next: number;
}

export class Router {
  private readonly stores = new Map<string, Store>();
  private counter = 0;

  constructor(
    private readonly accounts: AccountTable,
    private readonly options: RouterOptions,
  ) {}

  attach(r: Receiver): void {
    const s = this.store(r.systemId);
    s.receivers.push(r);
    this.pump(r.systemId);
  }

  detach(r: Receiver): void {
    const s = this.store(r.systemId);
    s.receivers = s.receivers.filter((x) => x !== r);
  }

  /** Messages waiting for a receiver of this account. */
  stored(systemId: string): number {
    const s = this.stores.get(systemId);
    return s ? s.queue.length - s.head : 0;
  }

  /**
   * Routes one submit_sm from `account` (undefined when unbound); returns the submit_sm_resp status.
   */
  submit(account: SmscAccountSpec | undefined, body: ShortMessageBody, conn: string): { status: number; messageId?: string } {
    const refuse = (status: number, reason: string): { status: number } => {
      this.options.log.submission({ conn, systemId: account?.systemId, body, status, reason });
      return { status };
    };
    const source = this.originator(account, body);
    if (!source) return refuse(STATUS.ESME_RINVSRCADR, `source_addr "${body.sourceAddr}" is not an address of ${account?.systemId}`);
    const payload = tlv(body, TLV.message_payload);
    if (payload && payload.length > this.options.maxMessageOctets) return refuse(STATUS.ESME_RINVMSGLEN, `message_payload of ${payload.length} octets exceeds ${this.options.maxMessageOctets}`);
    const dest = this.accounts.byAddress(body.destAddr);
    if (!dest) return refuse(STATUS.ESME_RINVDSTADR, `no subscriber or application has the address "${body.destAddr}"`);
    const store = this.store(dest.systemId);
    if (store.queue.length - store.head >= this.options.maxStored) return refuse(STATUS.ESME_RMSGQFUL, `the store of ${dest.systemId} is full`);
    const destAddress = dest.addresses.find((a) => a.addr === body.destAddr.replace(/^\+/, ''))!;
    const messageId = (++this.counter).toString(16);
    const routed: Routed = {
      messageId,
      from: account?.systemId,
      to: dest.systemId,
      body: shortMessageDefaults({
        serviceType: body.serviceType,
        sourceTon: source.ton,
        sourceNpi: source.npi,
        sourceAddr: source.addr,
        destTon: destAddress.ton,
        destNpi: destAddress.npi,
        destAddr: destAddress.addr,
        // deliver_sm keeps the UDHI and reply-path bits; the message mode bits are the SMSC's business
        esmClass: body.esmClass & (ESM_CLASS.UDHI | 0x80),
        protocolId: body.protocolId,
        priorityFlag: body.priorityFlag,
        dataCoding: body.dataCoding,
        shortMessage: body.shortMessage,
        tlvs: body.tlvs.filter((t) => t.tag === TLV.message_payload || t.tag === TLV.source_port || t.tag === TLV.dest_port),
      }),
    };
    this.options.log.submission({ conn, systemId: account?.systemId, body, status: STATUS.ESME_ROK, messageId, source: source.addr, to: dest.systemId });
    store.queue.push(routed);
    this.pump(dest.systemId);
    return { status: STATUS.ESME_ROK, messageId };
  }

  /** The originating address the network sets for this account's message, or undefined (refused). */
  private originator(account: SmscAccountSpec | undefined, body: ShortMessageBody): SmscAddress | undefined {
    const claimed = body.sourceAddr.replace(/^\+/, '');
    const claim: SmscAddress = { addr: claimed, ton: body.sourceTon, npi: body.sourceNpi };
    // FAULT smsc:trust-source-addr (EVVM-SMS-C01): the ESME's claim is passed on as the originator.
    if (this.options.faults.has('smsc:trust-source-addr') && claimed !== '') return claim;
    // an unbound submit (fault smsc:submit-before-bind) has no account whose address could be set
    if (!account) return claim;
    if (claimed === '') return account.addresses[0];
    return account.addresses.find((a) => a.addr === claimed);
  }

  private store(systemId: string): Store {
    let s = this.stores.get(systemId);
    if (!s) this.stores.set(systemId, (s = { queue: [], head: 0, receivers: [], next: 0 }));
    return s;
  }

  /** Sends stored messages to receivers with room, round robin. */
  pump(systemId: string): void {
    const s = this.stores.get(systemId);
    if (!s) return;
    while (s.head < s.queue.length && s.receivers.length > 0) {
      let receiver: Receiver | undefined;
      for (let i = 0; i < s.receivers.length; i++) {
        const r = s.receivers[(s.next + i) % s.receivers.length]!;
        if (r.hasRoom()) {
          receiver = r;
          s.next = (s.next + i + 1) % s.receivers.length;
          break;
        }
      }
      if (!receiver) break;
      const msg = s.queue[s.head]!;
      s.queue[s.head++] = undefined as unknown as Routed; // release it; the array is compacted below
      if (s.head > 1024 && s.head * 2 > s.queue.length) {
        s.queue = s.queue.slice(s.head);
        s.head = 0;
      }
      const end = this.options.activity?.begin();
      receiver.deliver(msg, (status) => {
        if (status === undefined) {
          // the receiver went away or timed out: keep the message for the next bind
          s.queue.splice(s.head, 0, msg);
          this.options.log.delivery(msg, undefined);
        } else {
          this.options.log.delivery(msg, status);
        }
        end?.();
        this.pump(systemId);
      });
    }
  }
}
