import { defineParameterType } from '@cucumber/cucumber';
import type { IdentifierKind } from '../../harness/topology/accounts';
import type { Transport } from '../../harness/topology/roles';
import type { CertificateFlaw } from '../../simulators/crypto/pki/types';
import type { MechanismName } from '../../simulators/protocol/sasl/types';

// Domain words of the feature files, mapped once so steps receive typed values.

/** A parameter type whose phrases are the keys of `table`, each read as its value; the longest first, so that none is read as a shorter one. */
export function phrases<T>(name: string, table: Record<string, T>): void {
  const regexp = new RegExp(Object.keys(table).sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  defineParameterType({ name, regexp, transformer: (s: string): T => table[s]! });
}

phrases<IdentifierKind>('identifierKind', { MSISDN: 'MSISDN', 'SIP URI': 'SIP URI', 'e-mail alias': 'e-mail alias' });
phrases<Transport>('transport', { 'implicit TLS': 'implicit-tls', STARTTLS: 'starttls' });
phrases<MechanismName>('mechanism', { PLAIN: 'PLAIN', LOGIN: 'LOGIN', 'CRAM-MD5': 'CRAM-MD5', 'SCRAM-SHA-256': 'SCRAM-SHA-256', EXTERNAL: 'EXTERNAL' });
phrases<CertificateFlaw>('serverFlaw', {
  'issued by an untrusted CA': 'untrusted-ca', expired: 'expired', 'not yet valid': 'not-yet-valid', 'issued for another host': 'wrong-host', 'not for server use': 'wrong-eku',
});
phrases('clientFlaw', { missing: 'missing', 'issued by an untrusted CA': 'untrusted-ca', expired: 'expired', revoked: 'revoked' } as const);
phrases('authMethod', { LOGIN: 'LOGIN', 'AUTHENTICATE PLAIN': 'AUTHENTICATE PLAIN' } as const);
