import type { StatusFields } from '../../../protocol/vvm-sms/encode';
import type { MoCommand } from '../../../protocol/vvm-sms/mo';
import type { Subscriber } from '../subscribers';

/** What an MO command handler gets: the subscriber the network-set originator belongs to, if any. */
export interface MoContext {
  /** the STATUS a subscriber (or an unknown originator) gets now */
  statusFor(sub: Subscriber | undefined): Omit<StatusFields, 'prefix'>;
  portAddressing: boolean;
}

export interface MoOutcome {
  /** what happened, for observations */
  outcome: string;
  /** the STATUS to send back to the originator, and the port to send it to */
  reply: Omit<StatusFields, 'prefix'>;
  replyPort: number;
}

export type MoHandler<C extends MoCommand = MoCommand> = (ctx: MoContext, sub: Subscriber | undefined, cmd: C) => MoOutcome;
