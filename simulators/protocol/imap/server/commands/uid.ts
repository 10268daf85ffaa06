import { ImapSyntaxError } from '../tokenizer';
import { runFetch } from './fetch';
import { runSearch } from './search';
import { runStore } from './store';
import { SELECTED, type CommandSpec } from './types';

/** UID FETCH / UID STORE / UID SEARCH (RFC 3501 §6.4.8). */
export const uid: CommandSpec = {
  name: 'UID',
  states: SELECTED,
  run(s, cmd) {
    const sub = cmd.args[0]?.type === 'atom' ? cmd.args[0].value.toUpperCase() : '';
    const rest = cmd.args.slice(1);
    switch (sub) {
      case 'FETCH':
        return runFetch(s, cmd, rest, true);
      case 'STORE':
        return runStore(s, cmd, rest, true);
      case 'SEARCH':
        return runSearch(s, cmd, rest, true);
      default:
        throw new ImapSyntaxError(sub ? `UID ${sub.slice(0, 40)} is not supported` : 'UID needs FETCH, STORE or SEARCH', cmd.tag);
    }
  },
};
