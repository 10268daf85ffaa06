/**
 * How a short message appears in transcripts and observations: its application port (from the UDH),
 * its text, with the VVM secrets (pw, smtp_pw) redacted at the source.
 */
import { messageOctets, type ShortMessageBody } from '../smpp/pdu';
import { parseUserData } from '../smpp/udh';
import { decodeText } from '../smpp/text';
import { redactVvmSecrets } from './encode';

export function renderShortMessage(body: ShortMessageBody): string {
  const ud = parseUserData(messageOctets(body), body.esmClass);
  if ('error' in ud) return `[bad UDH: ${ud.error}]`;
  const port = ud.port ? `[port ${ud.port.destination}${ud.port.bits === 8 ? ' (8-bit)' : ''}] ` : ud.header ? '[UDH] ' : '';
  return port + JSON.stringify(redactVvmSecrets(decodeText(ud.payload, body.dataCoding)));
}
