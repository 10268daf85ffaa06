/** The hand-written IMAP4rev1 server core (stack.md §2.2): framing, tokeniser, commands, TLS, transcript. */
export { ImapServer, describeTls, PSK_CIPHERS, type ImapServerOptions, type ImapTlsOptions } from './server';
export { ImapSession, ConnectionRecord } from './session';
export type {
  ImapBackend,
  ImapUser,
  SessionInfo,
  SessionState,
  TlsInfo,
  PeerCertificateInfo,
  AuthResult,
  Refusal,
  Greeting,
  ListenerKind,
} from './backend';
export { MailFolder, FolderView, SYSTEM_FLAGS, type StoredMessage } from './mailstore';
export { CommandReader, MAX_LINE, MAX_LITERAL, type FramedCommand, type FramingError, type Segment } from './framing';
export { parseCommand, ImapSyntaxError, type ImapValue, type ParsedCommand } from './tokenizer';
export { parseMessage, type MimePart } from './message';
export { COMMANDS, type CommandSpec } from './commands';
export { SimpleBackend, type SimpleAccount } from './simple-backend';
