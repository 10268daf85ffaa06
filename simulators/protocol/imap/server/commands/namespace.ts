import { arity } from '../tokenizer';
import { AUTHENTICATED, type CommandSpec } from './types';

/** NAMESPACE (RFC 2342): personal namespace "" with '/', plus whatever the backend adds. */
export const namespace: CommandSpec = {
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  run(s, cmd) {
    arity(cmd, 0);
    s.untagged(`NAMESPACE ${s.backend.namespace?.(s) ?? '(("" "/")) NIL NIL'}`);
    s.tagged(cmd.tag, 'OK', 'NAMESPACE completed');
  },
};
