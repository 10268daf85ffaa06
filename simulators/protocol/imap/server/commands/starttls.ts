import { arity } from '../tokenizer';
import { NOT_AUTHENTICATED, type CommandSpec } from './types';

/** STARTTLS (RFC 3501 §6.2.1, RFC 9051 §6.2.1): only before authentication, only on the plain listener. */
export const starttls: CommandSpec = {
  name: 'STARTTLS',
  states: NOT_AUTHENTICATED,
  async run(s, cmd) {
    arity(cmd, 0);
    if (s.secure) {
      s.tagged(cmd.tag, 'BAD', 'TLS is already active');
      return;
    }
    if (!s.host.starttlsOffered || s.listener !== 'plain') {
      s.tagged(cmd.tag, 'BAD', 'STARTTLS is not available');
      return;
    }
    await s.startTls(cmd.tag);
  },
};
