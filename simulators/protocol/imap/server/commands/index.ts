/** The command table: one module per IMAP command (imapflow style). */
import { append } from './append';
import { authenticate } from './authenticate';
import { capability } from './capability';
import { check } from './check';
import { close } from './close';
import { examine } from './examine';
import { expunge } from './expunge';
import { fetch } from './fetch';
import { id } from './id';
import { list } from './list';
import { login } from './login';
import { logout } from './logout';
import { lsub } from './lsub';
import { namespace } from './namespace';
import { noop } from './noop';
import { search } from './search';
import { select } from './select';
import { starttls } from './starttls';
import { status } from './status';
import { store } from './store';
import { uid } from './uid';
import { unselect } from './unselect';
import { xchangeTuiPwd } from './xchange-tui-pwd';
import type { CommandSpec } from './types';

export type { CommandSpec } from './types';

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  [
    capability, noop, logout, starttls, login, authenticate, select, examine, list, lsub, status, fetch, store, search, uid,
    close, unselect, expunge, check, id, namespace, append, xchangeTuiPwd,
  ].map((c) => [c.name, c]),
);
