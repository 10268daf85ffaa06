/** How `simulate` and the embedded topology read an IMAP server role's options from a profile. */
import type { TranscriptSink } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { ImapServerPolicy } from '../../simulators/protocol/imap/server/role-backend';
import type { ImapRoleOptions } from '../../simulators/protocol/imap/server/role-server';
import type { TestAccount } from './accounts';

/** What `simulate` and the embedded topology both hand a role's config function. */
export interface ServerConfigArgs {
  pki: TestPki;
  profile: Profile;
  accounts: readonly TestAccount[];
  faults: readonly string[];
  transcript?: TranscriptSink;
  host?: string;
}

/**
 * The options every IMAP server role reads the same way (harness/profile/sections/imap-server.ts): the
 * listeners its declared transports name, the provider's policy with its declared SASL mechanisms and
 * LOGIN, and the run's faults of that role only.
 */
export function imapRoleConfig(
  args: ServerConfigArgs,
  role: 'evvm-server' | 'message-storage',
  section: { policy: Pick<ImapServerPolicy, 'requireTls' | 'clientCertificate'>; capabilities: { transports: readonly string[]; sasl: ImapServerPolicy['saslMechanisms']; loginCommand: boolean } },
): Pick<ImapRoleOptions, 'host' | 'listen' | 'faults' | 'transcript'> & { policy: ImapServerPolicy } {
  const caps = section.capabilities;
  return {
    host: args.host ?? '127.0.0.1',
    listen: { implicitTls: caps.transports.includes('implicit-tls'), starttls: caps.transports.includes('starttls') },
    policy: { requireTls: section.policy.requireTls, clientCertificate: section.policy.clientCertificate, saslMechanisms: caps.sasl, loginCommand: caps.loginCommand },
    faults: args.faults.filter((f) => f.startsWith(`${role}:`)),
    ...(args.transcript ? { transcript: args.transcript } : {}),
  };
}
