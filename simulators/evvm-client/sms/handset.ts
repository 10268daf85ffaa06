/**
 * The handset side of the EVVM Client: its radio, simulated as an SMPP transceiver bind to the SMSC
 * under the subscriber's account, so mobile-terminated SMS arrive as deliver_sm with the originating
 * address the network set, and mobile-originated SMS leave as submit_sm whose originator the network
 * sets to this handset's MSISDN. A fake base station can also put an SMS straight on the radio
 * (injectOverTheAir): then nothing but the client's own checks stands between it and the SMS.
 */
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import { DATA_CODING, ESM_CLASS, STATUS } from '../../protocol/smpp/constants';
import type { Esme, SubmitOutcome } from '../../protocol/smpp/esme';
import { messageOctets, type ShortMessageBody } from '../../protocol/smpp/pdu';
import { decodeText } from '../../protocol/smpp/text';
import { parseUserData, portHeader, type ApplicationPort } from '../../protocol/smpp/udh';
import { redactVvmSecrets } from '../../protocol/vvm-sms/encode';
import { bindAccount, submitSms, type SmscAccountOptions } from '../../protocol/vvm-sms/smsc-account';

/** One SMS as the handset received it. */
export interface ReceivedSms {
  seq: number;
  /** through the SMSC, or put on the radio by a fake base station */
  via: 'network' | 'air';
  /** the originating address as received (digits, a short code, or alphanumeric) */
  originator: string;
  /** the application port of the UDH, when the SMS is a port-addressed data SMS */
  port?: ApplicationPort;
  /** the UDH could not be parsed */
  udhError?: string;
  /** the text (may contain credentials: never log it unredacted) */
  text: string;
}

export interface OverTheAirSms {
  originator: string;
  text: string;
  /** a data SMS to this application port; absent: a text SMS */
  port?: number;
  portBits?: 8 | 16;
}

/** `credentials`: the subscriber's SMSC account. */
export interface HandsetOptions extends SmscAccountOptions {
  actor: string;
  /** tel:+15550001 */
  msisdn: string;
}

export type SmsListener = (sms: ReceivedSms) => Promise<void> | void;

export class Handset {
  readonly actor: string;
  readonly msisdn: string;
  private readonly inbox: ReceivedSms[] = [];
  private readonly transcript: TranscriptSink;
  private listener: SmsListener = () => undefined;
  private esme?: Esme;

  constructor(private readonly options: HandsetOptions) {
    this.actor = options.actor;
    this.msisdn = options.msisdn;
    this.transcript = options.transcript ?? nullSink;
  }

  async start(): Promise<void> {
    this.esme = await bindAccount(this.options, {
      actor: this.actor,
      transcript: this.transcript,
      as: 'transceiver',
      refusal: "the SMSC refused the handset's bind",
      onDeliver: (body) => this.fromNetwork(body),
    });
  }

  async stop(): Promise<void> {
    await this.esme?.close();
  }

  /** Where received SMS go (the EVVM Client's notification handling). */
  onSms(listener: SmsListener): void {
    this.listener = listener;
  }

  received(): readonly ReceivedSms[] {
    return this.inbox;
  }

  /** Sends an SMS through the SMSC: a text SMS, or a data SMS to an application port. */
  send(to: string, text: string, options: { port?: number; portBits?: 8 | 16 } = {}): Promise<SubmitOutcome> {
    if (!this.esme) return Promise.reject(new Error('the handset is not attached to the network'));
    // the network sets the originator; a handset does not choose it
    return submitSms(this.esme, { to, text, ...options }, this.options.activity);
  }

  /** A fake base station's SMS: it reaches the handset without the SMSC. */
  injectOverTheAir(sms: OverTheAirSms): void {
    const header = sms.port !== undefined ? portHeader(sms.port, 0, sms.portBits ?? 16) : undefined;
    const octets = Buffer.concat([header ?? Buffer.alloc(0), Buffer.from(sms.text, 'latin1')]);
    this.accept('air', sms.originator, octets, header ? ESM_CLASS.UDHI : 0, header ? DATA_CODING.BINARY : DATA_CODING.SMSC_DEFAULT);
  }

  private fromNetwork(body: ShortMessageBody): number {
    this.accept('network', body.sourceAddr, messageOctets(body), body.esmClass, body.dataCoding);
    return STATUS.ESME_ROK;
  }

  private accept(via: ReceivedSms['via'], originator: string, octets: Buffer, esmClass: number, dataCoding: number): void {
    const ud = parseUserData(octets, esmClass);
    const sms: ReceivedSms = 'error' in ud
      ? { seq: this.inbox.length, via, originator, udhError: ud.error, text: '' }
      : { seq: this.inbox.length, via, originator, ...(ud.port ? { port: ud.port } : {}), text: decodeText(ud.payload, dataCoding) };
    this.inbox.push(sms);
    if (via === 'air') {
      this.transcript.record({ actor: this.actor, peer: 'Fake Base Station', channel: 'sms', dir: 'recv', text: `over the air from "${originator}"${sms.port ? ` [port ${sms.port.destination}]` : ' [text SMS]'} ${JSON.stringify(redactVvmSecrets(sms.text))}` });
    }
    // the processing is opened before the deliver_sm_resp goes out, so the network is not quiet yet
    const end = this.options.activity?.begin();
    Promise.resolve()
      .then(() => this.listener(sms))
      .catch((err: Error) => this.transcript.record({ actor: this.actor, channel: 'sms', dir: 'event', text: `SMS handling failed: ${err.message}` }))
      .finally(() => end?.());
  }
}
