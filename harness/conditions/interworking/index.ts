// The interworking clause's conditions, by what they judge.
export * as delivery from './delivery';
export * as auth from './authentication';
export * as signatures from './signatures';
export * as smtpAuth from './smtp-auth';
