/**
 * Deactivate: "No VVM SYNC notifications are sent to the client after service deactivation" (VVM12
 * p.64, EVVM-SMS-C07). Only the subscriber's own MSISDN deactivates (EVVM-SMS-C08).
 */
import type { MoCommand } from '../../../protocol/vvm-sms/mo';
import type { MoHandler } from './types';

export const deactivate: MoHandler<Extract<MoCommand, { command: 'Deactivate' }>> = (ctx, sub) => {
  const replyPort = sub?.port ?? 0;
  if (!sub) return { outcome: 'no subscriber has this MSISDN', reply: ctx.statusFor(undefined), replyPort };
  if (sub.state === 'B') return { outcome: 'subscriber blocked: nothing to deactivate', reply: ctx.statusFor(sub), replyPort };
  sub.state = 'P';
  sub.notifications = false;
  sub.deactivated = true;
  return { outcome: 'deactivated: SYNC notifications stop', reply: ctx.statusFor(sub), replyPort };
};
