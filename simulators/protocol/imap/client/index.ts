/** The raw IMAP client: see client.ts. */
export { RawImapClient, type RawImapClientOptions, type RunOptions, type ContinuationReply } from './raw-client';
export {
  ImapClientError,
  ConnectionClosedError,
  NetworkError,
  TimeoutError,
  TlsError,
  ProtocolError,
  CommandFailedError,
  type TimeoutPhase,
  type TlsPhase,
  type ProtocolErrorCode,
} from './errors';
export type {
  CommandResult,
  CredentialCommand,
  Greeting,
  ImapResponse,
  ImapToken,
  PeerCertificateInfo,
  ResponseCode,
  ResponseUnit,
  Status,
  TlsInfo,
} from './types';
export { astring, encodeModifiedUtf7, mailboxArg, type CommandPiece } from './encoding';
export { ResponseReader, DEFAULT_LIMITS, type FramingLimits } from './framing';
export { parseResponse, tokenize, responseData, tokenText, tokenNumber, tokenFlags, unitText } from './parser';
export type { AuthenticateOptions } from './commands/authenticate';
export type { StartTlsOptions } from './commands/starttls';
export type { SelectResult } from './commands/select';
export { parseFetchItems, type FetchMessage, type FetchOptions } from './commands/fetch';
export type { LogoutResult } from './commands/logout';
