/**
 * Every fault switch the simulators implement. A fault makes one simulator violate one requirement;
 * `selftest` turns each on and proves the requirement's scenarios go red (the kill matrix). The
 * catalogue names which faults violate which requirement; a test checks every name it uses is here.
 */
export const FAULTS = {
  'evvm-server:primary-identifier-only': 'only the first identifier of a mailbox logs in; the others are unknown users',
  'evvm-server:password-any-mailbox': "accepts the password of any mailbox for an identifier",
  'evvm-server:identifiers-not-linked': 'an authenticated session cannot act as the mailbox\'s other identifiers',
  'evvm-server:authzid-unchecked': 'a session may act as any identifier, also of another mailbox',
  'evvm-server:login-survives-logout': 'a client certificate that once logged in is greeted with PREAUTH afterwards',
  'evvm-server:client-cert-not-required': 'clients without a valid certificate get a session although policy requires one',
  'evvm-server:any-client-ca': 'client certificates from any CA, expired or revoked, are accepted',
  'evvm-server:skip-password-check': 'LOGIN and PLAIN accept any password for a known identifier',
  'evvm-server:ignore-blocked': 'a blocked mailbox can log in',
  'evvm-server:no-logindisabled': 'LOGINDISABLED is not advertised before TLS',
  'evvm-server:plaintext-auth-before-tls': 'LOGIN and AUTHENTICATE PLAIN are accepted before TLS',
  'evvm-server:starttls-injection': 'commands pipelined behind STARTTLS are executed after the handshake',
  'evvm-client:skip-server-cert-check': 'the EVVM Client does not verify the server certificate chain or validity',
  'evvm-client:skip-hostname-check': "the EVVM Client does not check the server certificate's host name",
  'evvm-client:opportunistic-starttls': 'the EVVM Client goes on in plaintext when STARTTLS is not offered',
  'evvm-client:ignore-logindisabled': 'the EVVM Client sends LOGIN although the server advertises LOGINDISABLED',
} as const satisfies Record<string, string>;

export type FaultName = keyof typeof FAULTS;

/** The fault names of one role, e.g. faultsOf('evvm-server'). */
export function faultsOf<R extends string>(role: R): Array<Extract<FaultName, `${R}:${string}`>> {
  return (Object.keys(FAULTS) as FaultName[]).filter((f): f is Extract<FaultName, `${R}:${string}`> => f.startsWith(role + ':'));
}

export function isKnownFault(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FAULTS, name);
}
