/**
 * The TLS versions an endpoint negotiates (STD-07, RFC 8996: TLS 1.0 and TLS 1.1 MUST NOT be used).
 * Every simulator negotiates TLS 1.2 or 1.3. A fault, and the harness's legacy-version test equipment,
 * lower the floor to TLS 1.0: OpenSSL 3's default security level (1) refuses the SHA-1 handshake
 * signatures TLS 1.0 and 1.1 need, so that one context also runs at security level 0.
 */
import type { SecureContextOptions, SecureVersion } from 'node:tls';

/** The versions RFC 8996 deprecates. */
export const LEGACY_TLS_VERSIONS = ['TLSv1', 'TLSv1.1'] as const;
export type LegacyTlsVersion = (typeof LEGACY_TLS_VERSIONS)[number];

export function isLegacyTlsVersion(protocol: string | null | undefined): boolean {
  return (LEGACY_TLS_VERSIONS as readonly string[]).includes(protocol ?? '');
}

/** OpenSSL's security level 0 appended to a cipher list (default: OpenSSL's default list). */
export function atSecurityLevel0(ciphers = 'DEFAULT'): string {
  return `${ciphers}:@SECLEVEL=0`;
}

/**
 * The version floor of an endpoint's TLS context: TLS 1.2, or TLS 1.0 when `legacy` (a fault). `ciphers`
 * is the endpoint's own list, kept and lowered to security level 0 in the legacy case.
 */
export function tlsVersionFloor(legacy: boolean, ciphers?: string): Pick<SecureContextOptions, 'minVersion' | 'ciphers'> {
  if (!legacy) return { minVersion: 'TLSv1.2', ...(ciphers ? { ciphers } : {}) };
  return { minVersion: 'TLSv1', ciphers: atSecurityLevel0(ciphers) };
}

/** Exactly one version, as test equipment offers it (legacy versions at security level 0). */
export function onlyVersion(version: SecureVersion, ciphers?: string): Pick<SecureContextOptions, 'minVersion' | 'maxVersion' | 'ciphers'> {
  const legacy = isLegacyTlsVersion(version);
  return { minVersion: version, maxVersion: version, ...(legacy ? { ciphers: atSecurityLevel0(ciphers) } : ciphers ? { ciphers } : {}) };
}
