/**
 * Activate (VVM-08): the subscriber's VVM becomes ready and notifications start; the reply STATUS
 * carries the IMAP account. From an originator that is no subscriber, or a blocked one, nothing
 * changes and the reply carries no credentials (EVVM-SMS-C05, C08).
 */
import type { MoCommand } from '../../../protocol/vvm-sms/mo';
import type { MoHandler } from './types';

export const activate: MoHandler<Extract<MoCommand, { command: 'Activate' }>> = (ctx, sub, cmd) => {
  const replyPort = ctx.portAddressing ? (cmd.pt ?? sub?.port ?? 0) : 0;
  if (!sub) return { outcome: 'no subscriber has this MSISDN', reply: ctx.statusFor(undefined), replyPort };
  if (sub.state === 'B') return { outcome: 'subscriber blocked: not activated', reply: ctx.statusFor(sub), replyPort };
  sub.state = 'R';
  sub.notifications = true;
  sub.deactivated = false;
  sub.port = replyPort;
  sub.clientType = cmd.ct;
  return { outcome: `activated, notifications ${replyPort ? `to port ${replyPort}` : 'as text SMS'}`, reply: ctx.statusFor(sub), replyPort };
};
