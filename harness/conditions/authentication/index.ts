// The authentication conditions, by what they judge: whose mailbox a session reached, what the test client's
// sessions showed, the server's identity as the EVVM Client and adversaries saw it, client certificates, STARTTLS.
export * from './mailbox';
export * from './sessions';
export * from './server-identity';
export * from './client-certificates';
export * from './starttls';
