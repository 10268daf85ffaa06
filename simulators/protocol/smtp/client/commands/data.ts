import type { SmtpConnection, SmtpReply } from '../connection';

/** Dot-stuffing (RFC 5321 §4.5.2) and CRLF line ends, ending with the <CRLF>.<CRLF> terminator. */
export function encodeData(message: Buffer): Buffer {
  let text = message.toString('latin1').replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  text = text.replace(/^\./gm, '..');
  return Buffer.from(text + '.\r\n', 'latin1');
}

/** DATA (RFC 5321 §4.1.1.4): 354, then the message; the final reply says whether it was accepted. */
export async function data(c: SmtpConnection, message: Buffer): Promise<{ start: SmtpReply; end?: SmtpReply }> {
  const start = await c.command('DATA');
  if (start.code !== 354) return { start };
  const subject = /^Subject:[ \t]*(.*)$/im.exec(message.toString('latin1'))?.[1] ?? '';
  c.writeRaw(encodeData(message), `«message: ${message.length} bytes${subject ? `, Subject: ${subject.slice(0, 60)}` : ''}»`);
  return { start, end: await c.reply() };
}
