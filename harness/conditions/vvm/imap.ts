/**
 * What the EVVM Server answered the harness's test client on IF-1 for the VVM base behaviour: refusal texts
 * (VVM-01), XCHANGE_TUI_PWD (VVM-04), restricted flags (VVM-05), STATUS on Greetings (VVM-06). Judged on the
 * server's answers and on what the mailbox then holds, never on one client library's error text.
 */
import type { LoginAttempt } from '../../equipment/test-client';
import { condition, judged } from '../condition';

/** A command's answer as the test client saw it: OK, NO, BAD, or 'none' with why there was no answer. */
export interface Answer {
  status: string;
  text: string;
}

const shown = (a: Answer) => `${a.status} "${a.text}"`;

/** The test client's session came up (TLS and login): a refusal on no session would pass by accident. */
export const vvmSessionOpen = condition('VvmSessionOpen', ['VVM-01', 'VVM-04', 'VVM-05', 'VVM-06'], (login: LoginAttempt) =>
  judged(login.status === 'OK', `logged in: ${shown(login)}`, `no session to test on: the login answered ${shown(login)}`),
);

export const loginAccepted = condition('LoginAccepted', ['VVM-01', 'VVM-02'], (login: LoginAttempt) => judged(login.status === 'OK', `the login answered ${shown(login)}`, `the right password was refused: ${shown(login)}`));

/**
 * The VVM text of a refused login (AOSP / Orange ImapConstants): secondary evidence only. The refusal itself is
 * EVVM-AUTH-01/04's and is judged there; a server that refuses with another text fails this condition, which
 * makes VVM-01 (recommended) a warning and never touches EVVM-AUTH-01/04.
 */
export const vvmRefusalText = condition('VvmRefusalText', ['VVM-01'], (login: LoginAttempt, expected: string) =>
  judged(login.status === 'NO' && login.text === expected, `refused with the VVM text: ${shown(login)}`, `expected NO "${expected}", the server answered ${shown(login)}`),
);

/** A VVM answer: its status and, where VVM names one, its exact text. */
export const vvmAnswer = condition('VvmAnswer', ['VVM-04', 'VVM-05', 'VVM-06'], (a: Answer, status: 'OK' | 'NO', text: string) =>
  judged(a.status === status && a.text === text, `answered ${shown(a)}`, `expected ${status} "${text}", the server answered ${shown(a)}`),
);

/** A command outside its state is refused (BAD or NO), whatever the text (RFC 9051 §6.2; VVM-04 in not-authenticated). */
export const commandRefused = condition('CommandRefused', ['VVM-04'], (a: Answer) => judged(a.status === 'BAD' || a.status === 'NO', `refused: ${shown(a)}`, `not refused: ${shown(a)}`));

/** What a message's flags are after a STORE (FETCH FLAGS). */
export const flagNotSet = condition('FlagNotSet', ['VVM-05'], (flags: readonly string[] | undefined, flag: string) =>
  judged(flags !== undefined && !flags.some((f) => f.toLowerCase() === flag.toLowerCase()), `the voicemail's flags: (${flags?.join(' ') ?? 'unknown'})`, flags === undefined ? "the voicemail's flags could not be read" : `${flag} was set: (${flags.join(' ')})`),
);

export const flagSet = condition('FlagSet', ['VVM-05'], (flags: readonly string[] | undefined, flag: string) =>
  judged(flags?.some((f) => f.toLowerCase() === flag.toLowerCase()) === true, `the voicemail's flags: (${flags?.join(' ') ?? ''})`, `${flag} is not set: (${flags?.join(' ') ?? 'unknown'})`),
);

/** The mailbox's TUI password after a refused change: the old one still works (VVM-04). */
export const tuiPasswordUnchanged = condition('TuiPasswordUnchanged', ['VVM-04'], (a: Answer) =>
  judged(a.status === 'OK', `the old TUI password still changes it: ${shown(a)}`, `the old TUI password no longer works: ${shown(a)}`),
);

/** After a change, the old TUI password is no longer the mailbox's (VVM-04). */
export const tuiPasswordReplaced = condition('TuiPasswordReplaced', ['VVM-04'], (a: Answer) =>
  judged(a.status === 'NO', `the old TUI password is refused now: ${shown(a)}`, `the old TUI password still works: ${shown(a)}`),
);

/** The test client's STARTTLS upgrade made with a valid certificate came up. */
export const vvmTlsUp = condition('VvmTlsUp', ['VVM-01', 'VVM-02', 'VVM-03', 'VVM-04', 'VVM-05', 'VVM-06', 'STD-04'], (failed: string | undefined) => judged(failed === undefined, 'TLS established with STARTTLS', failed ?? ''));

export const blockedAccount = condition('BlockedAccount', ['VVM-01'], (name: string, blocked: boolean) => {
  const provisioned = `the test account "${name}" is provisioned ${blocked ? 'blocked' : 'active'}`;
  return judged(blocked, provisioned, provisioned);
});
