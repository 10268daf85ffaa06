/** STATUS (VVM12 p.62): the subscriber's provisioning status and settings, to its own handset only. */
import type { MoCommand } from '../../../protocol/vvm-sms/mo';
import type { MoHandler } from './types';

export const status: MoHandler<Extract<MoCommand, { command: 'STATUS' }>> = (ctx, sub, cmd) => {
  const replyPort = ctx.portAddressing ? (cmd.pt ?? sub?.port ?? 0) : 0;
  return { outcome: sub ? `status ${sub.state}` : 'no subscriber has this MSISDN', reply: ctx.statusFor(sub), replyPort };
};
