/**
 * Sending SMS under an SMSC account of one's own, as the handset's radio side and the SMS spoofer both
 * do: bind as an ESME with that account, then submit_sm a text SMS or a data SMS to an application port
 * (the two forms a VVM notification or MO command takes). Whether an originator is claimed, and what a
 * refusal means, stays with each caller. VVM text shows in the transcript with its secrets redacted.
 */
import type { ConnectionOptions } from 'node:tls';
import type { TranscriptSink } from '../../../evidence/transcript';
import type { Activity } from '../smpp/activity';
import { DATA_CODING, ESM_CLASS, NPI, STATUS, TON } from '../smpp/constants';
import { Esme, type EsmeOptions, type SubmitOutcome } from '../smpp/esme';
import { encodeText } from '../smpp/text';
import { portHeader } from '../smpp/udh';
import { renderShortMessage } from './render';

/** Where the SMSC is, and the account to bind with (its password is a secret: never logged). */
export interface SmscAccountOptions {
  smsc: { host: string; port: number; tls?: ConnectionOptions };
  credentials: { systemId: string; password: string };
  transcript?: TranscriptSink;
  /** tracks submissions, so the harness can wait until the network is quiet */
  activity?: Activity;
}

/** Connects and binds; throws `${refusal}: <status>` when the SMSC refuses the account. */
export async function bindAccount(
  account: SmscAccountOptions,
  bind: { actor: string; transcript: TranscriptSink; as: 'transmitter' | 'transceiver'; refusal: string } & Pick<EsmeOptions, 'onDeliver'>,
): Promise<Esme> {
  const esme = await Esme.connect({
    host: account.smsc.host,
    port: account.smsc.port,
    ...(account.smsc.tls ? { tls: account.smsc.tls } : {}),
    actor: bind.actor,
    peer: 'SMSC',
    transcript: bind.transcript,
    text: renderShortMessage,
    ...(bind.onDeliver ? { onDeliver: bind.onDeliver } : {}),
  });
  const bound = await esme.bind(bind.as, { systemId: account.credentials.systemId, password: account.credentials.password });
  if (bound.status !== STATUS.ESME_ROK) throw new Error(`${bind.refusal}: ${bound.statusName}`);
  return esme;
}

export interface OutgoingSms {
  /** the destination MSISDN: tel:+…, +… or digits */
  to: string;
  text: string;
  /** a data SMS to this application port; absent: a text SMS */
  port?: number;
  portBits?: 8 | 16;
  /** the destination's type of number; default: international when written tel: or +, else unknown */
  destTon?: number;
  /** the originator to claim; absent: the network sets it */
  source?: { addr: string; ton: number; npi: number };
}

/** submit_sm through the SMSC; resolves with the SMSC's answer. */
export function submitSms(esme: Esme, sms: OutgoingSms, activity?: Activity): Promise<SubmitOutcome> {
  const data = sms.port !== undefined;
  const submit = esme.submit({
    ...(sms.source ? { sourceAddr: sms.source.addr, sourceTon: sms.source.ton, sourceNpi: sms.source.npi } : {}),
    destTon: sms.destTon ?? (/^\+|^tel:/.test(sms.to) ? TON.INTERNATIONAL : TON.UNKNOWN),
    destNpi: NPI.ISDN,
    destAddr: sms.to.replace(/^tel:/, '').replace(/^\+/, ''),
    esmClass: data ? ESM_CLASS.UDHI : 0,
    dataCoding: data ? DATA_CODING.BINARY : DATA_CODING.SMSC_DEFAULT,
    shortMessage: Buffer.concat([data ? portHeader(sms.port!, 0, sms.portBits ?? 16) : Buffer.alloc(0), encodeText(sms.text, DATA_CODING.SMSC_DEFAULT)]),
  });
  return activity ? activity.track(submit) : submit;
}
