/**
 * The EVVM Server's SMS interface (IF-3, IF-4, IF-9), composed around the EVVM Server: it binds to the
 * SMSC as an ESME with its system_id and password (over TLS when policy requires), sends VVM SYNC
 * notifications when a voicemail is deposited (EvvmServer.onDeposit) and on mailbox or greetings
 * updates, and answers the mobile-originated Activate, Deactivate and STATUS with a STATUS SMS.
 *
 * The rules the candidate requirements name live here, each next to its fault switch: credentials
 * only for ready subscribers (EVVM-SMS-C05), no SYNC after Deactivate (C07), an MO command acts only on
 * the subscriber whose MSISDN the network presents (C08), the bind path authenticated (C09).
 */
import type { ConnectionOptions } from 'node:tls';
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import type { Activity } from '../../protocol/smpp/activity';
import { DATA_CODING, ESM_CLASS, NPI, SHORT_MESSAGE_MAX, STATUS, TLV, TON } from '../../protocol/smpp/constants';
import { Esme } from '../../protocol/smpp/esme';
import { messageOctets, type ShortMessageBody } from '../../protocol/smpp/pdu';
import { decodeText, encodeText } from '../../protocol/smpp/text';
import { parseUserData, portHeader } from '../../protocol/smpp/udh';
import { encodeStatus, encodeSync, redactVvmSecrets, vvmDate, type StatusFields, type SyncFields } from '../../protocol/vvm-sms/encode';
import { parseMo, type MoCommand } from '../../protocol/vvm-sms/mo';
import { renderShortMessage } from '../../protocol/vvm-sms/render';
import { RETURN_CODES, type SyncEvent } from '../../protocol/vvm-sms/fields';
import type { DepositEvent, EvvmServer } from '../evvm-server';
import { activate } from './mo/activate';
import { deactivate } from './mo/deactivate';
import { status } from './mo/status';
import type { MoContext, MoOutcome } from './mo/types';
import { SubscriberTable, view, type Subscriber, type SubscriberSpec, type SubscriberView } from './subscribers';
import { tlsVersionFloor } from '../../crypto/tls-versions';
import type { FaultSet } from '../../fault-set';
import { EVVM_SERVER_FAULTS } from '../faults';

export interface EvvmServerSmsOptions {
  /** transcript name, default 'EVVM Server' */
  actor?: string;
  server: EvvmServer;
  smsc: {
    host: string;
    /** plain SMPP port */
    port?: number;
    /** SMPP over TLS: port, trust anchor and the SMSC's name */
    tls?: { port: number } & ConnectionOptions;
    systemId: string;
    /** a secret */
    password: string;
  };
  /** bind over TLS (the plain port is then never used) */
  requireTls: boolean;
  /** the server's number: the originator of its notifications and the destination (dn) of MO commands */
  shortCode: string;
  /** what a STATUS names as the IMAP server (srv, ipt) */
  imap: { srv: string; ipt: number };
  subscribers: readonly SubscriberSpec[];
  /** data SMS to the client's application port (UDH IE 0x05) when it registered one */
  portAddressing: boolean;
  /** the application port before a client registers one with Activate (0: text SMS) */
  defaultPort?: number;
  /** client prefix of the notifications, default //VVM */
  prefix?: string;
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
  activity?: Activity;
}

export interface NotificationObservation {
  to: string;
  kind: 'SYNC' | 'STATUS';
  /** the text, pw and smtp_pw redacted */
  text: string;
  port: number;
  /** submit_sm_resp status name, or the error */
  status: string;
}

export interface MoObservation {
  from: string;
  text: string;
  command?: string;
  outcome: string;
}

export interface EvvmServerSmsObservations {
  bind?: { systemId: string; secure: boolean; status: string };
  notifications: NotificationObservation[];
  mo: MoObservation[];
  subscribers: SubscriberView[];
}

/** The seven digits a loose comparison looks at (Android's PhoneNumberUtils.compare did the same). */
const LOOSE_DIGITS = 7;

export class EvvmServerSms {
  readonly actor: string;
  private readonly faults: FaultSet<'evvm-server'>;
  private readonly transcript: TranscriptSink;
  private readonly subscribers: SubscriberTable;
  private readonly prefix: string;
  private readonly sent: NotificationObservation[] = [];
  private readonly received: MoObservation[] = [];
  private bindObservation?: EvvmServerSmsObservations['bind'];
  private esme?: Esme;

  constructor(private readonly options: EvvmServerSmsOptions) {
    this.actor = options.actor ?? 'EVVM Server';
    this.faults = EVVM_SERVER_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
    this.prefix = options.prefix ?? '//VVM';
    this.subscribers = new SubscriberTable(options.subscribers, options.portAddressing ? (options.defaultPort ?? 0) : 0);
    this.transcript.secret(options.smsc.password);
    for (const s of options.subscribers) this.transcript.secret(s.password);
    options.server.onDeposit((event) => this.deposited(event));
  }

  /** Connects to the SMSC and binds as a transceiver; throws if the bind is refused. */
  async start(): Promise<void> {
    const { smsc } = this.options;
    // FAULT evvm-server:smpp-bind-in-clear (EVVM-SMS-C09): the bind (and its password) go over plain TCP.
    const useTls = !!smsc.tls && (this.options.requireTls || smsc.port === undefined) && !this.faults.has('evvm-server:smpp-bind-in-clear');
    const port = useTls ? smsc.tls!.port : smsc.port;
    if (port === undefined) throw new Error('the SMSC offers no SMPP endpoint this policy allows');
    const { port: _tlsPort, ...tlsOptions } = smsc.tls ?? { port: 0 };
    void _tlsPort;
    this.esme = await Esme.connect({
      host: smsc.host,
      port,
      // FAULT evvm-server:smpp-offer-legacy-tls (STD-07): the bind offers TLS 1.0 and 1.1 to the SMSC.
      ...(useTls ? { tls: { ...tlsOptions, ...tlsVersionFloor(this.faults.has('evvm-server:smpp-offer-legacy-tls'), tlsOptions.ciphers) } } : {}),
      actor: this.actor,
      peer: 'SMSC',
      transcript: this.transcript,
      text: renderShortMessage,
      onDeliver: (body) => this.mobileOriginated(body),
    });
    const outcome = await this.esme.bind('transceiver', { systemId: smsc.systemId, password: smsc.password, systemType: 'VVM' });
    this.bindObservation = { systemId: smsc.systemId, secure: useTls, status: outcome.statusName };
    if (outcome.status !== STATUS.ESME_ROK) {
      await this.esme.close();
      throw new Error(`the SMSC refused the EVVM Server's bind: ${outcome.statusName}`);
    }
  }

  async stop(): Promise<void> {
    await this.esme?.close();
  }

  subscriber(msisdn: string): SubscriberView | undefined {
    const s = this.subscribers.byOriginator(msisdn);
    return s ? view(s) : undefined;
  }

  observations(): EvvmServerSmsObservations {
    return {
      ...(this.bindObservation ? { bind: { ...this.bindObservation } } : {}),
      notifications: this.sent.map((n) => ({ ...n })),
      mo: this.received.map((m) => ({ ...m })),
      subscribers: this.subscribers.all().map(view),
    };
  }

  /** SYNC ev=MBU: the mailbox changed other than by a deposit (e.g. through the TUI). */
  mailboxUpdated(msisdn: string): Promise<void> {
    return this.syncEvent(msisdn, 'MBU');
  }

  /** SYNC ev=GU: the greetings changed. */
  greetingsUpdated(msisdn: string): Promise<void> {
    return this.syncEvent(msisdn, 'GU');
  }

  // ---- SYNC on deposit (EVVM-SMS-C07) ----

  private deposited(event: DepositEvent): void {
    const sub = this.subscribers.byMailboxIdentifiers(event.mailboxIdentifiers);
    if (!sub || !this.notifying(sub)) return;
    const raw = event.voicemail.raw.toString('latin1');
    const from = /^From:\s*(?:tel:)?(\+?[0-9]{1,20})\s*$/im.exec(raw)?.[1];
    const duration = /^Content-Duration:\s*([0-9]{1,5})\s*$/im.exec(raw)?.[1];
    void this.notify(sub, 'SYNC', {
      ev: 'NM',
      id: event.uid,
      c: this.newMessages(sub),
      t: 'v',
      ...(from ? { s: from } : {}),
      dt: vvmDate(new Date()),
      ...(duration ? { l: Number(duration) } : {}),
    });
  }

  private async syncEvent(msisdn: string, ev: SyncEvent): Promise<void> {
    const sub = this.subscribers.byOriginator(msisdn);
    if (!sub || !this.notifying(sub)) return;
    await this.notify(sub, 'SYNC', { ev, c: this.newMessages(sub) });
  }

  private notifying(sub: Subscriber): boolean {
    if (sub.state === 'B') return false;
    // FAULT evvm-server:sync-after-deactivate (EVVM-SMS-C07): Deactivate does not stop SYNCs.
    return sub.notifications || (sub.deactivated && this.faults.has('evvm-server:sync-after-deactivate'));
  }

  private newMessages(sub: Subscriber): number {
    try {
      return this.options.server.messages(sub.msisdn).filter((m) => !m.flags.includes('\\Seen')).length;
    } catch {
      return 0;
    }
  }

  // ---- MO commands (EVVM-SMS-C05, C08) ----

  /** deliver_sm from the SMSC: an MO command. Answered ESME_ROK at once; the work is tracked. */
  private mobileOriginated(body: ShortMessageBody): number {
    const ud = parseUserData(messageOctets(body), body.esmClass);
    const text = 'error' in ud ? '' : decodeText(ud.payload, body.dataCoding);
    const from = body.sourceAddr;
    const record = (o: Omit<MoObservation, 'from' | 'text'>): void => {
      this.received.push({ from, text: redactVvmSecrets(text), ...o });
      this.note(`MO from ${from}: ${o.command ?? 'not a command'}: ${o.outcome}`);
    };
    // FAULT evvm-server:mo-status-any-case (VVM-07): "status" or "Status" is taken for the case-sensitive STATUS.
    const parsed = parseMo(this.faults.has('evvm-server:mo-status-any-case') ? text.replace(/^status(?=$|:)/i, 'STATUS') : text);
    if (!parsed.ok) {
      record({ outcome: `ignored: ${parsed.reason}` });
      return STATUS.ESME_ROK;
    }
    // the originator is the network's (the SMSC sets it); nothing in the text names a subscriber
    // FAULT evvm-server:loose-msisdn-match (EVVM-SMS-C08): a suffix match lets another MSISDN act on a subscriber.
    const sub = this.subscribers.byOriginator(from, this.faults.has('evvm-server:loose-msisdn-match') ? LOOSE_DIGITS : undefined);
    const outcome = this.handle(parsed.command, sub);
    const activate = parsed.command.command === 'Activate';
    // FAULT evvm-server:activate-without-notifications (VVM-08): the STATUS says ready, but no notification follows.
    if (activate && sub && this.faults.has('evvm-server:activate-without-notifications')) sub.notifications = false;
    record({ command: parsed.command.command, outcome: outcome.outcome });
    // FAULT evvm-server:activate-failure-silent (VVM-08): a failed Activate goes unanswered.
    if (activate && !sub && this.faults.has('evvm-server:activate-failure-silent')) return STATUS.ESME_ROK;
    void this.notify({ digits: from, msisdn: `tel:+${from}` }, 'STATUS', outcome.reply, outcome.replyPort);
    return STATUS.ESME_ROK;
  }

  private handle(cmd: MoCommand, sub: Subscriber | undefined): MoOutcome {
    const ctx: MoContext = { statusFor: (s) => this.statusFor(s), portAddressing: this.options.portAddressing };
    switch (cmd.command) {
      case 'Activate':
        return activate(ctx, sub, cmd);
      case 'Deactivate':
        return deactivate(ctx, sub, cmd);
      case 'STATUS':
        return status(ctx, sub, cmd);
    }
  }

  /** The STATUS a subscriber gets: credentials only while it is new or ready (EVVM-SMS-C05). */
  private statusFor(sub: Subscriber | undefined): Omit<StatusFields, 'prefix'> {
    if (!sub) return { st: 'U', rc: RETURN_CODES.mailboxUnknown };
    if (sub.state === 'B') {
      // FAULT evvm-server:status-credentials-for-blocked (EVVM-SMS-C05): u and pw go to a blocked subscriber.
      if (this.faults.has('evvm-server:status-credentials-for-blocked')) return { st: 'B', rc: RETURN_CODES.subscriberError, u: sub.username, pw: sub.password };
      return { st: 'B', rc: RETURN_CODES.subscriberError };
    }
    if (sub.state === 'P') return { st: 'P', rc: RETURN_CODES.success };
    return { st: sub.state, rc: RETURN_CODES.success, srv: this.options.imap.srv, dn: this.options.shortCode, ipt: this.options.imap.ipt, u: sub.username, pw: sub.password };
  }

  // ---- submit_sm ----

  private async notify(to: Pick<Subscriber, 'digits' | 'msisdn'> & { port?: number }, kind: 'SYNC', fields: Omit<SyncFields, 'prefix'>): Promise<void>;
  private async notify(to: Pick<Subscriber, 'digits' | 'msisdn'>, kind: 'STATUS', fields: Omit<StatusFields, 'prefix'>, port: number): Promise<void>;
  private async notify(to: Pick<Subscriber, 'digits' | 'msisdn'> & { port?: number }, kind: 'SYNC' | 'STATUS', fields: Omit<SyncFields, 'prefix'> | Omit<StatusFields, 'prefix'>, replyPort?: number): Promise<void> {
    const port = replyPort ?? to.port ?? 0;
    let text: string;
    try {
      text = kind === 'SYNC' ? encodeSync({ prefix: this.prefix, ...(fields as Omit<SyncFields, 'prefix'>) }) : encodeStatus({ prefix: this.prefix, ...(fields as Omit<StatusFields, 'prefix'>) });
    } catch (err) {
      this.sent.push({ to: to.msisdn, kind, text: '', port, status: `not sent: ${(err as Error).message}` });
      return;
    }
    const observation: NotificationObservation = { to: to.msisdn, kind, text: redactVvmSecrets(text), port, status: 'pending' };
    this.sent.push(observation);
    if (!this.esme || this.esme.isClosed) {
      observation.status = 'not sent: not bound to the SMSC';
      return;
    }
    const data = port > 0;
    const octets = Buffer.concat([data ? portHeader(port) : Buffer.alloc(0), encodeText(text, DATA_CODING.SMSC_DEFAULT)]);
    const long = octets.length > SHORT_MESSAGE_MAX;
    const submit = this.esme.submit({
      sourceTon: TON.NETWORK_SPECIFIC,
      sourceNpi: NPI.UNKNOWN,
      sourceAddr: this.options.shortCode,
      destTon: TON.INTERNATIONAL,
      destNpi: NPI.ISDN,
      destAddr: to.digits,
      esmClass: data ? ESM_CLASS.UDHI : 0,
      dataCoding: data ? DATA_CODING.BINARY : DATA_CODING.SMSC_DEFAULT,
      shortMessage: long ? Buffer.alloc(0) : octets,
      tlvs: long ? [{ tag: TLV.message_payload, value: octets }] : [],
    });
    try {
      const r = await (this.options.activity ? this.options.activity.track(submit) : submit);
      observation.status = r.statusName;
    } catch (err) {
      observation.status = `failed: ${(err as Error).message}`;
    }
  }

  private note(text: string): void {
    this.transcript.record({ actor: this.actor, channel: 'sms', dir: 'event', text });
  }
}
