/** SMTP AUTH on the EVVM Server's deposit interface, before and after STARTTLS (STD-01, RFC 4954 §4). */
import { extension, type EhloReply, type SmtpReply } from '../../../simulators/protocol/smtp/client';
import type { SessionDeposit } from '../../equipment/smtp-sender';
import { condition } from '../condition';

const STD_01 = ['STD-01'];

export const smtpGreeting = condition('SmtpGreeting', STD_01, (greeting: SmtpReply) => ({ ok: greeting.code === 220, message: `greeting ${greeting.code} ${greeting.text}` }));

/** `secure`: the session runs over TLS now. */
export const smtpStarttls = condition('SmtpStarttls', STD_01, (r: SmtpReply, secure: boolean) => ({ ok: r.code === 220 && secure, message: `STARTTLS answered ${r.code} ${r.text}` }));

export const starttlsOffered = condition('StarttlsOffered', STD_01, (ehlo: EhloReply) => ({ ok: extension(ehlo, 'STARTTLS') !== undefined, message: `EHLO before TLS: ${ehlo.extensions.join(', ')}` }));

export const smtpAuthAfterTls = condition('SmtpAuthAfterTls', STD_01, (r: SmtpReply) => ({ ok: r.code === 235, message: `AUTH answered ${r.code} ${r.text}` }));

export const noPlaintextAuth = condition('NoPlaintextAuth', STD_01, (r: SmtpReply, code: number) => ({ ok: r.code === code, message: `AUTH before TLS answered ${r.code} ${r.text}`, evidence: { expected: code } }));

/** `r`: the answer to MAIL FROM after the refused AUTH: 530 (authentication required) if it authenticated nobody. */
export const sessionNotAuthenticated = condition('SessionNotAuthenticated', STD_01, (r: SmtpReply) => ({ ok: r.code === 530, message: `MAIL FROM answered ${r.code} ${r.text}` }));

/** `held`: the copies of the deposited voicemail in the recipient's mailbox. */
export const authenticatedDeposit = condition('AuthenticatedDeposit', STD_01, (d: SessionDeposit, held: number) => ({
  ok: d.mail.code === 250 && d.rcpt.code === 250 && d.data.end?.code === 250 && held === 1,
  message: `MAIL ${d.mail.code}, RCPT ${d.rcpt.code}, DATA ${d.data.end?.code ?? d.data.start.code}; the mailbox holds ${held} copy/copies`,
}));
