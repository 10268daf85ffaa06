/**
 * The SMS spoofer (spec.md b.3, the Project Zero VVM attack): it sends VVM-looking SMS that did not
 * come from the EVVM Server. Two ways:
 *
 *  - through the SMSC, as an ESME with an account of its own (a bulk-SMS customer), claiming any
 *    source_addr it likes; a conformant SMSC replaces or refuses the claim (EVVM-SMS-C01);
 *  - over the air, as a fake base station: the SMS reaches the handset without any SMSC, with any
 *    originator and bearer; only the EVVM Client's own checks remain (EVVM-SMS-C01..C06).
 */
import type { ConnectionOptions } from 'node:tls';
import { nullSink, type TranscriptSink } from '../../harness/evidence/transcript';
import type { Activity } from '../protocol/smpp/activity';
import { DATA_CODING, ESM_CLASS, NPI, STATUS, TON } from '../protocol/smpp/constants';
import { Esme, type SubmitOutcome } from '../protocol/smpp/esme';
import { encodeText } from '../protocol/smpp/text';
import { portHeader } from '../protocol/smpp/udh';
import { redactVvmSecrets } from '../protocol/vvm-sms/encode';
import { renderShortMessage } from '../protocol/vvm-sms/render';
import type { Handset, OverTheAirSms } from '../evvm-client/sms/handset';

export interface SmsSpooferOptions {
  actor?: string;
  smsc: { host: string; port: number; tls?: ConnectionOptions };
  /** the spoofer's own SMSC account */
  credentials: { systemId: string; password: string };
  transcript?: TranscriptSink;
  activity?: Activity;
}

export interface SpoofedSms {
  /** the destination MSISDN (tel:+… or digits) */
  to: string;
  text: string;
  /** the source_addr to claim; absent: the spoofer's own */
  claimedOriginator?: string;
  /** a data SMS to this application port; absent: a text SMS */
  port?: number;
}

export class SmsSpoofer {
  readonly actor: string;
  private readonly transcript: TranscriptSink;
  private esme?: Esme;

  constructor(private readonly options: SmsSpooferOptions) {
    this.actor = options.actor ?? 'SMS Spoofer';
    this.transcript = options.transcript ?? nullSink;
  }

  async start(): Promise<void> {
    this.esme = await Esme.connect({
      host: this.options.smsc.host,
      port: this.options.smsc.port,
      ...(this.options.smsc.tls ? { tls: this.options.smsc.tls } : {}),
      actor: this.actor,
      peer: 'SMSC',
      transcript: this.transcript,
      text: renderShortMessage,
    });
    const bound = await this.esme.bind('transmitter', { systemId: this.options.credentials.systemId, password: this.options.credentials.password });
    if (bound.status !== STATUS.ESME_ROK) throw new Error(`the SMSC refused the spoofer's own account: ${bound.statusName}`);
  }

  async stop(): Promise<void> {
    await this.esme?.close();
  }

  /** submit_sm through the SMSC; resolves with the SMSC's answer. */
  viaSmsc(sms: SpoofedSms): Promise<SubmitOutcome> {
    if (!this.esme) return Promise.reject(new Error('the spoofer is not bound'));
    const data = sms.port !== undefined;
    const claimed = sms.claimedOriginator?.replace(/^tel:/, '').replace(/^\+/, '');
    const submit = this.esme.submit({
      ...(claimed !== undefined ? { sourceAddr: claimed, sourceTon: claimed.length <= 6 ? TON.NETWORK_SPECIFIC : TON.INTERNATIONAL, sourceNpi: NPI.ISDN } : {}),
      destTon: TON.INTERNATIONAL,
      destNpi: NPI.ISDN,
      destAddr: sms.to.replace(/^tel:/, '').replace(/^\+/, ''),
      esmClass: data ? ESM_CLASS.UDHI : 0,
      dataCoding: data ? DATA_CODING.BINARY : DATA_CODING.SMSC_DEFAULT,
      shortMessage: Buffer.concat([data ? portHeader(sms.port!) : Buffer.alloc(0), encodeText(sms.text, DATA_CODING.SMSC_DEFAULT)]),
    });
    return this.options.activity ? this.options.activity.track(submit) : submit;
  }

  /** A fake base station puts the SMS on the handset's radio: no SMSC, any originator. */
  overTheAir(handset: Pick<Handset, 'injectOverTheAir' | 'actor'>, sms: OverTheAirSms): void {
    this.transcript.record({
      actor: 'Fake Base Station',
      peer: handset.actor,
      channel: 'sms',
      dir: 'send',
      text: `claims originator "${sms.originator}"${sms.port !== undefined ? ` [port ${sms.port}${sms.portBits === 8 ? ' (8-bit)' : ''}]` : ' [text SMS]'} ${JSON.stringify(redactVvmSecrets(sms.text))}`,
    });
    handset.injectOverTheAir(sms);
  }
}
