import type { SmtpConnection, SmtpReply } from '../connection';

/** QUIT (RFC 5321 §4.1.1.10), then close whatever the server answers. */
export async function quit(c: SmtpConnection): Promise<SmtpReply> {
  const r = c.closed ? { code: 0, lines: [], text: 'already closed' } : await c.command('QUIT');
  c.close();
  return r;
}
