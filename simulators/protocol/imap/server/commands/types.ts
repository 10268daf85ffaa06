import type { SessionState } from '../backend';
import type { ImapSession } from '../session';
import type { ParsedCommand } from '../tokenizer';

/** One IMAP command: where it is valid and what it does. */
export interface CommandSpec {
  readonly name: string;
  readonly states: readonly SessionState[];
  run(session: ImapSession, cmd: ParsedCommand): void | Promise<void>;
}

export const ANY_STATE: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly SessionState[] = ['not-authenticated'];
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];

/** INBOX is case-insensitive (RFC 3501 §5.1); every other name is taken as written. */
export function mailboxName(name: string): string {
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}
