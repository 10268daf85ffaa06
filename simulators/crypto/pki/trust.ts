/** What relying parties of the test PKI hold (no key material, no generation: cheap to import). */
import type { TestPki } from './types';

/**
 * What a server that verifies client certificates holds: the root and, beside it, the issuing CA, so a
 * client that sends its leaf alone (fetchmail, swaks, openssl s_client without -cert_chain) is verified,
 * as Dovecot's ssl_client_ca_file does. OpenSSL without partial-chain trust still requires every chain to
 * end at the root, and the CRLs of both CAs still apply.
 */
export function clientCaPem(pki: Pick<TestPki, 'rootPem' | 'intermediatePem'>): string {
  return `${pki.rootPem}\n${pki.intermediatePem}`;
}
