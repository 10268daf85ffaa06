/**
 * What the profile declares decides whether an authentication scenario applies, before anything connects:
 * each function here gives the reason a scenario is not applicable, or undefined when it applies. A refusal
 * of something the server does not declare would prove nothing, and a missing port is neither an error nor
 * a pass. The profile's transports are also what the embedded simulators listen on (topology/server-config.ts).
 */
import type { Profile } from '../../profile/profile';
import type { MechanismName } from '../../../simulators/protocol/sasl/types';
import type { Transport } from '../../topology/roles';

const SERVER = { evvmServer: 'EVVM Server', messageStorage: 'Message Storage Server' } as const;
const SHOWN: Record<Transport, string> = { 'implicit-tls': 'implicit TLS', starttls: 'STARTTLS' };

export function transportNotDeclared(profile: Profile, server: keyof typeof SERVER, transport: Transport): string | undefined {
  const declared = profile.capabilities[server].transports;
  if (declared.includes(transport)) return undefined;
  return `the ${SERVER[server]} declares no ${SHOWN[transport]} port (capabilities.${server}.transports: ${declared.join(', ')})`;
}

/** Implicit TLS when the EVVM Server declares it (STD-04), else STARTTLS: for scenarios that need TLS, not a transport. */
export const tlsTransport = (profile: Profile): Transport => (profile.capabilities.evvmServer.transports.includes('implicit-tls') ? 'implicit-tls' : 'starttls');

/** Mechanisms that carry a password, in the order the test client prefers them when LOGIN is not declared. */
const PASSWORD_MECHANISMS: MechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'CRAM-MD5', 'LOGIN'];

/** LOGIN when the EVVM Server declares it, else a declared SASL mechanism that carries a password. */
export function passwordMethod(profile: Profile): 'LOGIN' | MechanismName | undefined {
  const caps = profile.capabilities.evvmServer;
  return caps.loginCommand ? 'LOGIN' : PASSWORD_MECHANISMS.find((m) => caps.sasl.includes(m));
}

export const noPasswordMethod = (profile: Profile): string | undefined =>
  passwordMethod(profile) ? undefined : 'the EVVM Server declares neither the LOGIN command nor a SASL mechanism that carries a password (capabilities.evvmServer)';

export function clientCertificatesNotRequired(profile: Profile): string | undefined {
  const policy = profile.policy.evvmServer.clientCertificate;
  return policy === 'required' ? undefined : `policy.evvmServer.clientCertificate is "${policy}", not "required"`;
}

export const saslNotDeclared = (profile: Profile, mechanism: MechanismName): string | undefined =>
  profile.capabilities.evvmServer.sasl.includes(mechanism) ? undefined : `the EVVM Server does not declare SASL ${mechanism}`;

export const identifierAuthzidNotDeclared = (profile: Profile): string | undefined =>
  profile.capabilities.evvmServer.identifierAuthzid
    ? undefined
    : 'the EVVM Server does not declare SASL authorization identities for the identifiers of a mailbox (capabilities.evvmServer.identifierAuthzid): the spec defines no such mechanism';

export const identifierNamespaceNotDeclared = (profile: Profile): string | undefined =>
  profile.capabilities.evvmServer.identifierNamespace
    ? undefined
    : 'the EVVM Server does not declare the mailbox namespace "#id/<identifier>/INBOX" (capabilities.evvmServer.identifierNamespace): the spec defines no such namespace';

const NO_LOGIN_COMMAND = 'the EVVM Server does not declare the LOGIN command (capabilities.evvmServer.loginCommand)';

/** LOGIN may be disabled; AUTHENTICATE PLAIN is base IMAP (RFC 3501 §6.1.1, RFC 9051), judged without a declaration. */
export const methodNotDeclared = (profile: Profile, method: 'LOGIN' | 'AUTHENTICATE PLAIN'): string | undefined =>
  method === 'LOGIN' && !profile.capabilities.evvmServer.loginCommand ? NO_LOGIN_COMMAND : undefined;

/** A server without LOGIN keeps LOGINDISABLED after TLS, rightly (RFC 9051 §7.2.2): its absence cannot be judged. */
export const staysAfterTls = (profile: Profile, capability: string): string | undefined =>
  capability === 'LOGINDISABLED' && !profile.capabilities.evvmServer.loginCommand ? `${NO_LOGIN_COMMAND}: LOGINDISABLED stays after TLS` : undefined;
