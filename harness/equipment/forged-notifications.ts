/**
 * The VVM notifications the scenarios' forgers send (the SMS spoofer, a fake base station, another
 * subscriber's handset, the test ESME): none of them comes from the EVVM Server, so whatever they claim,
 * the EVVM Client must not act on them as if it did (EVVM-SMS-C01..C04, C06, C09).
 */
import { randomBytes } from 'node:crypto';
import type { TranscriptSink } from '../../evidence/transcript';
import { encodeStatus, encodeSync } from '../../simulators/protocol/vvm-sms/encode';

/** A well-formed SYNC for a new voicemail that was never deposited. */
export function forgedSync(prefix: string): string {
  return encodeSync({ prefix, ev: 'NM', id: 4242, c: 1, t: 'v', s: '+15557777', dt: '22/11/2026 09:00 +0000', l: 30 });
}

/** A well-formed STATUS that points the client at `srv`:`ipt` with an attacker's account (its password a secret). */
export function redirectingStatus(a: { prefix: string; srv: string; ipt: number; username: string; transcript: TranscriptSink }): string {
  const pw = `spoof${randomBytes(6).toString('hex')}`;
  a.transcript.secret(pw);
  return encodeStatus({ prefix: a.prefix, st: 'R', rc: 0, srv: a.srv, ipt: a.ipt, u: a.username, pw });
}

/** A notification as a feature writes it, under the operator's client prefix instead of //VVM. */
export function underPrefix(text: string, prefix: string): string {
  return text.replace(/^\/\/VVM:/, `${prefix}:`);
}

/** What a malformed STATUS needs to be well-formed but for its defect. */
export interface StatusFields {
  prefix: string;
  srv: string;
  ipt: number;
  msisdn: string;
}

/**
 * The malformed notifications the EVVM-SMS-C04 scenarios name, each well-formed but for its defect; the
 * parser's whole corpus is tests/vvm-sms/parser-corpus.test.ts.
 */
export const MALFORMED: Readonly<Record<string, (f: StatusFields) => string>> = {
  'a wrong prefix': () => '//XVM:SYNC:ev=NM;id=1;c=1;t=v',
  'an id of 22 digits': (f) => `${f.prefix}:SYNC:ev=NM;id=1234567890123456789012;c=1;t=v`,
  'a separator injected in u': (f) => `${f.prefix}:STATUS:st=R;rc=0;srv=${f.srv};ipt=${f.ipt};u=${f.msisdn};srv=attacker.example;pw=x`,
};

/** How a fake base station may put a notification on the air other than as a data SMS to the application `port`. */
export const OTHER_BEARERS: Readonly<Record<string, (port: number) => { port?: number; portBits?: 8 | 16 }>> = {
  'as a text SMS': () => ({}),
  'as a data SMS to another port': (port) => ({ port: port === 16999 ? port - 1 : port + 1 }),
  'as a data SMS with 8-bit port addressing': (port) => ({ port: port & 0xff, portBits: 8 }),
};
