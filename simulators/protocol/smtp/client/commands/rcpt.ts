import type { SmtpConnection, SmtpReply } from '../connection';

/** RCPT TO (RFC 5321 §4.1.1.3). */
export function rcpt(c: SmtpConnection, to: string): Promise<SmtpReply> {
  return c.command(`RCPT TO:<${to}>`);
}
