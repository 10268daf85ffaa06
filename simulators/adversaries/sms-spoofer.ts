/**
 * The SMS spoofer (spec.md b.3, the Project Zero VVM attack): it sends VVM-looking SMS that did not
 * come from the EVVM Server. Two ways:
 *
 *  - through the SMSC, as an ESME with an account of its own (a bulk-SMS customer), claiming any
 *    source_addr it likes; a conformant SMSC replaces or refuses the claim (EVVM-SMS-C01);
 *  - over the air, as a fake base station: the SMS reaches the handset without any SMSC, with any
 *    originator and bearer; only the EVVM Client's own checks remain (EVVM-SMS-C01..C06).
 */
import { nullSink, type TranscriptSink } from '../../evidence/transcript';
import { NPI, TON } from '../protocol/smpp/constants';
import type { Esme, SubmitOutcome } from '../protocol/smpp/esme';
import { redactVvmSecrets } from '../protocol/vvm-sms/encode';
import { bindAccount, submitSms, type SmscAccountOptions } from '../protocol/vvm-sms/smsc-account';
import type { Handset, OverTheAirSms } from '../evvm-client/sms/handset';

/** `credentials`: the spoofer's own SMSC account. */
export interface SmsSpooferOptions extends SmscAccountOptions {
  actor?: string;
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
    this.esme = await bindAccount(this.options, { actor: this.actor, transcript: this.transcript, as: 'transmitter', refusal: "the SMSC refused the spoofer's own account" });
  }

  async stop(): Promise<void> {
    await this.esme?.close();
  }

  /** submit_sm through the SMSC; resolves with the SMSC's answer. */
  viaSmsc(sms: SpoofedSms): Promise<SubmitOutcome> {
    if (!this.esme) return Promise.reject(new Error('the spoofer is not bound'));
    const claimed = sms.claimedOriginator?.replace(/^tel:/, '').replace(/^\+/, '');
    return submitSms(
      this.esme,
      {
        to: sms.to,
        text: sms.text,
        port: sms.port,
        // whatever form the destination is written in: the spoofer's targets are international MSISDNs
        destTon: TON.INTERNATIONAL,
        ...(claimed !== undefined ? { source: { addr: claimed, ton: claimed.length <= 6 ? TON.NETWORK_SPECIFIC : TON.INTERNATIONAL, npi: NPI.ISDN } } : {}),
      },
      this.options.activity,
    );
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
