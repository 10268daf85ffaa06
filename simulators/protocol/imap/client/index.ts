/**
 * The raw IMAP client (raw-client.ts), the harness's instrument for flows imapflow cannot produce:
 *
 *   const c = await RawImapClient.connect({ host: '127.0.0.1', port, tls: 'none', tlsOptions: { ca }, transcript });
 *   await c.starttls();                                   // TlsError (Node's code) if the server is not trusted
 *   await c.authenticate('SCRAM-SHA-256', { authcid, password }, { initialResponse: true });
 *   const [m] = await c.fetch('1', 'BODY.PEEK[]');        // m.body: Buffer
 *   c.sentCredentialCommands();                           // [{ command: 'AUTHENTICATE', secure: true, … }]
 *   await c.logout();
 *
 * NO/BAD answers to LOGIN, AUTHENTICATE, STARTTLS and command() resolve (negative tests want them);
 * SELECT and FETCH throw CommandFailedError. Transport and protocol failures are typed errors.
 */
export { RawImapClient, type RawImapClientOptions, type RunOptions, type ContinuationReply } from './raw-client';
export {
  ImapClientError,
  ConnectionClosedError,
  NetworkError,
  TimeoutError,
  TlsError,
  ProtocolError,
  CommandFailedError,
  toTlsError,
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
