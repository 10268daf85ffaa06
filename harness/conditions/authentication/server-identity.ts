/**
 * The EVVM Client authenticates the EVVM Server before any credential leaves it (EVVM-AUTH-03), and what
 * reached an adversary says whether it did (EVVM-AUTH-03, EVVM-SMS-C01, STD-02).
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import { findCredentials } from '../../evidence/credentials';
import { condition, judged } from '../condition';

export const clientAuthenticatedServer = condition('ClientAuthenticatedServer', ['EVVM-AUTH-03'], (r: Retrieval) =>
  judged(r.serverAuthenticated, 'the server certificate chained to the trust anchor and named the server', `server not authenticated: ${r.error ?? 'no verified TLS'}`, { tls: r.tls }),
);

export const clientRefusedServer = condition('ClientRefusedServer', ['EVVM-AUTH-03'], (r: Retrieval) =>
  judged(!r.loggedIn, `the client stopped: ${r.error ?? 'no session'}`, 'the client logged in to a server it should not have trusted', { tls: r.tls }),
);

/** No credential-bearing command and none of the passwords, in any form, among what the adversary received. */
export const noCredentialReachedAdversary = condition('NoCredentialReachedAdversary', ['EVVM-AUTH-03', 'EVVM-SMS-C01'], (adversary: string, received: Buffer, passwords: readonly string[]) => {
  const found = findCredentials(received, passwords);
  const clean = found.commands.length === 0 && found.secretsSeen === 0;
  const evidence = { bytesReceived: received.length, ...found };
  return judged(clean, `${adversary} received ${received.length} bytes and no credential`, `${adversary} received ${found.commands.join(', ') || 'a password'}`, evidence);
});

export const noLoginUnderLoginDisabled = condition('NoLoginUnderLoginDisabled', ['STD-02'], (received: Buffer) => {
  const logins = findCredentials(received, []).commands.filter((c) => c.startsWith('LOGIN'));
  return judged(logins.length === 0, 'no LOGIN was sent', 'the client sent LOGIN although LOGINDISABLED was advertised');
});
