import { defineParameterType } from '@cucumber/cucumber';
import type { IdentifierKind } from '../../harness/topology/accounts';
import type { Transport } from '../../harness/topology/roles';
import type { CertificateFlaw } from '../../simulators/crypto/pki/types';

// Domain words of the feature files, mapped once so steps receive typed values.

defineParameterType({
  name: 'identifierKind',
  regexp: /MSISDN|SIP URI|e-mail alias/,
  transformer: (s: string): IdentifierKind => s as IdentifierKind,
});

defineParameterType({
  name: 'transport',
  regexp: /implicit TLS|STARTTLS/,
  transformer: (s: string): Transport => (s === 'STARTTLS' ? 'starttls' : 'implicit-tls'),
});

defineParameterType({
  name: 'mechanism',
  regexp: /PLAIN|LOGIN|CRAM-MD5|SCRAM-SHA-256|EXTERNAL/,
  transformer: (s: string) => s as 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'SCRAM-SHA-256' | 'EXTERNAL',
});

const SERVER_FLAWS: Record<string, CertificateFlaw> = {
  'issued by an untrusted CA': 'untrusted-ca',
  expired: 'expired',
  'not yet valid': 'not-yet-valid',
  'issued for another host': 'wrong-host',
  'not for server use': 'wrong-eku',
};

defineParameterType({
  name: 'serverFlaw',
  regexp: new RegExp(Object.keys(SERVER_FLAWS).join('|')),
  transformer: (s: string): CertificateFlaw => SERVER_FLAWS[s]!,
});

const CLIENT_CERTS = {
  missing: 'missing',
  'issued by an untrusted CA': 'untrusted-ca',
  expired: 'expired',
  revoked: 'revoked',
} as const;

defineParameterType({
  name: 'clientFlaw',
  regexp: new RegExp(Object.keys(CLIENT_CERTS).join('|')),
  transformer: (s: string) => CLIENT_CERTS[s as keyof typeof CLIENT_CERTS],
});

defineParameterType({
  name: 'authMethod',
  regexp: /LOGIN|AUTHENTICATE PLAIN/,
  transformer: (s: string) => s as 'LOGIN' | 'AUTHENTICATE PLAIN',
});
