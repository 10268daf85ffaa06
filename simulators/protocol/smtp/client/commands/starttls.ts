import type { SmtpConnection, SmtpReply } from '../connection';

/** STARTTLS (RFC 3207 §4): on 220 the TLS handshake starts at once; anything else leaves the session plain. */
export async function starttls(c: SmtpConnection): Promise<SmtpReply> {
  const r = await c.command('STARTTLS');
  if (r.code === 220) await c.upgrade();
  return r;
}
