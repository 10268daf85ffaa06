import type { SmtpConnection, SmtpReply } from '../connection';

/** MAIL FROM (RFC 5321 §4.1.1.2); the null reverse-path is ''. */
export function mail(c: SmtpConnection, from: string): Promise<SmtpReply> {
  return c.command(`MAIL FROM:<${from}>`);
}
