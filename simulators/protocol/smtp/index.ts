export type { SmtpEndpoint, SmtpTransport, TlsCredential, LinkPolicy, PeerJudgement } from './types';
export { judgePeer, describeJudgement, dnsNames, nameMatches } from './peer';
export { SmtpListener, type SmtpListenerOptions, type InboundSession, type ReceivedMessage, type Refusal, type SmtpAuthPolicy } from './server';
export * from './client';
export { parseEntity, field, parameters, contentType, parts, type MimeEntity } from './mime';
export { vpimEntity, vpimHeaders, vpimMessage, readVpim, base64Lines, type VpimVoicemail, type VpimSummary } from './vpim';
export { opensslSigner, type ContentSigner, type SignatureCheck } from './smime';
export { reEncode } from './re-encode';
