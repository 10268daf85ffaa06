import type { SmtpConnection, SmtpReply } from '../connection';

export type SmtpAuthMechanism = 'PLAIN' | 'LOGIN';

/**
 * AUTH PLAIN (RFC 4616, initial response) or AUTH LOGIN (two 334 challenges). Credentials are shown as
 * «redacted» in the transcript; the caller registers the password as a secret too.
 */
export async function auth(c: SmtpConnection, mechanism: SmtpAuthMechanism, username: string, password: string): Promise<SmtpReply> {
  if (mechanism === 'PLAIN') {
    const token = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
    return c.command(`AUTH PLAIN ${token}`, 'AUTH PLAIN «redacted»');
  }
  let r = await c.command('AUTH LOGIN');
  if (r.code !== 334) return r;
  r = await c.command(Buffer.from(username, 'utf8').toString('base64'), '«redacted»');
  if (r.code !== 334) return r;
  return c.command(Buffer.from(password, 'utf8').toString('base64'), '«redacted»');
}
