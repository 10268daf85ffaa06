import type { SmtpConnection, SmtpReply } from '../connection';

export interface EhloReply extends SmtpReply {
  /** extension keywords with their parameters, upper-cased keyword first: 'STARTTLS', 'AUTH PLAIN LOGIN' */
  extensions: string[];
}

/** EHLO (RFC 5321 §4.1.1.1): the first line greets, the others list the extensions. */
export async function ehlo(c: SmtpConnection, name: string): Promise<EhloReply> {
  const r = await c.command(`EHLO ${name}`);
  return { ...r, extensions: r.code === 250 ? r.lines.slice(1).map((l) => l.trim()) : [] };
}

/** The parameters of an extension, or undefined when it is not offered. */
export function extension(reply: EhloReply, keyword: string): string[] | undefined {
  const line = reply.extensions.find((e) => e.split(/\s+/)[0]!.toUpperCase() === keyword.toUpperCase());
  return line === undefined ? undefined : line.split(/\s+/).slice(1);
}
