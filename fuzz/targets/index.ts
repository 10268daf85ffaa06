import type { Target } from '../runner';
import { controlTarget } from './control';
import { imapTarget } from './imap';
import { profileTarget, vvmSmsTarget } from './local';
import { smppTarget } from './smpp';
import { smtpTarget } from './smtp';

/** Every protocol the issue names, in the order they run. */
export const TARGETS: readonly Target[] = [imapTarget, smtpTarget, smppTarget, vvmSmsTarget, controlTarget, profileTarget];
