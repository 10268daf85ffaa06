export { SmtpConnection, SmtpClientError, type SmtpReply, type SmtpConnectionOptions, type ClientTls } from './connection';
export { ehlo, extension, type EhloReply } from './commands/ehlo';
export { starttls } from './commands/starttls';
export { auth, type SmtpAuthMechanism } from './commands/auth';
export { mail } from './commands/mail';
export { rcpt } from './commands/rcpt';
export { data, encodeData } from './commands/data';
export { quit } from './commands/quit';
export { deliver, type DeliveryRequest, type DeliveryResult, type DeliveryStage } from './deliver';
