/**
 * Finds credential material in bytes a party received: IMAP LOGIN/AUTHENTICATE commands, and any of the
 * given passwords in the clear, in base64 (SASL responses) or inside a decoded base64 line. This is how a
 * scenario proves "no credential reached the rogue server" from what the rogue actually got.
 */
export interface CredentialFinding {
  /** credential-bearing commands, their arguments replaced by «withheld» (a "…" there read as a cut reason) */
  commands: string[];
  /** how many of the given secrets appeared in any form */
  secretsSeen: number;
}

export function findCredentials(bytes: Buffer, secrets: readonly string[]): CredentialFinding {
  const text = bytes.toString('latin1');
  const lines = text.split(/\r?\n/);
  const commands = lines
    .map((l) => /^\S+\s+(LOGIN|AUTHENTICATE)\b(\s+\S+)?/i.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]!.toUpperCase()}${m[1]!.toUpperCase() === 'AUTHENTICATE' ? (m[2] ?? '') : ''} «withheld»`);
  const decoded = lines
    .filter((l) => /^[A-Za-z0-9+/]{4,}={0,2}$/.test(l.trim()))
    .map((l) => Buffer.from(l.trim(), 'base64').toString('latin1'))
    .join('\n');
  const haystack = text + '\n' + decoded;
  const secretsSeen = secrets.filter((s) => s.length > 0 && haystack.includes(s)).length;
  return { commands, secretsSeen };
}
