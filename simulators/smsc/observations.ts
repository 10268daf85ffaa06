/**
 * What the SMSC saw: binds, submissions (with the claimed and the network-set originator), deliveries
 * and malformed input. Bounded, so a benchmark or a flood cannot exhaust memory; message text is
 * rendered only when asked for, with VVM secrets redacted.
 */
import { statusName } from '../protocol/smpp/constants';
import type { ShortMessageBody } from '../protocol/smpp/pdu';
import { renderShortMessage } from '../protocol/vvm-sms/render';
import type { Routed } from './router';

export interface BindObservation {
  conn: string;
  command: string;
  systemId: string;
  secure: boolean;
  status: string;
}

export interface SubmissionObservation {
  conn: string;
  /** the bound account, or undefined for a submit without a bind */
  systemId?: string;
  claimedSource: string;
  /** the originator the network set (absent when refused) */
  source?: string;
  destination: string;
  to?: string;
  status: string;
  reason?: string;
  messageId?: string;
  /** rendered text, VVM secrets redacted */
  text: string;
}

export interface DeliveryObservation {
  messageId: string;
  to: string;
  source: string;
  destination: string;
  /** deliver_sm_resp status, or 'undelivered' when the receiver went away */
  status: string;
  text: string;
}

export interface MalformedObservation {
  conn: string;
  text: string;
}

export interface SmscObservations {
  binds: BindObservation[];
  submissions: SubmissionObservation[];
  deliveries: DeliveryObservation[];
  malformed: MalformedObservation[];
  sessions: number;
  counters: { submitted: number; refused: number; delivered: number };
}

const KEEP = 5000;

class Bounded<T> {
  items: T[] = [];
  push(x: T): void {
    this.items.push(x);
    if (this.items.length > 2 * KEEP) this.items = this.items.slice(-KEEP);
  }
}

interface RawSubmission {
  conn: string;
  systemId: string | undefined;
  body: ShortMessageBody;
  status: number;
  reason?: string;
  messageId?: string;
  source?: string;
  to?: string;
}

export class SmscObservationLog {
  private readonly binds = new Bounded<BindObservation>();
  private readonly submissions = new Bounded<RawSubmission>();
  private readonly deliveries = new Bounded<{ msg: Routed; status: number | undefined }>();
  private readonly malformedInput = new Bounded<MalformedObservation>();
  readonly counters = { submitted: 0, refused: 0, delivered: 0 };

  bind(o: BindObservation): void {
    this.binds.push(o);
  }

  submission(s: RawSubmission): void {
    if (s.status === 0) this.counters.submitted++;
    else this.counters.refused++;
    this.submissions.push(s);
  }

  delivery(msg: Routed, status: number | undefined): void {
    if (status === 0) this.counters.delivered++;
    this.deliveries.push({ msg, status });
  }

  malformed(conn: string, text: string): void {
    this.malformedInput.push({ conn, text });
  }

  snapshot(sessions: number): SmscObservations {
    return {
      binds: this.binds.items.map((b) => ({ ...b })),
      submissions: this.submissions.items.map((s) => {
        const o: SubmissionObservation = { conn: s.conn, claimedSource: s.body.sourceAddr, destination: s.body.destAddr, status: statusName(s.status), text: renderShortMessage(s.body) };
        if (s.systemId !== undefined) o.systemId = s.systemId;
        if (s.source !== undefined) o.source = s.source;
        if (s.to !== undefined) o.to = s.to;
        if (s.reason !== undefined) o.reason = s.reason;
        if (s.messageId !== undefined) o.messageId = s.messageId;
        return o;
      }),
      deliveries: this.deliveries.items.map(({ msg, status }) => ({
        messageId: msg.messageId,
        to: msg.to,
        source: msg.body.sourceAddr,
        destination: msg.body.destAddr,
        status: status === undefined ? 'undelivered' : statusName(status),
        text: renderShortMessage(msg.body),
      })),
      malformed: this.malformedInput.items.map((m) => ({ ...m })),
      sessions,
      counters: { ...this.counters },
    };
  }
}
