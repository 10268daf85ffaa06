/**
 * PRAC-03: a capability blacklist in the client's configuration (STARTTLS or DIGEST-MD5 disabled, as some
 * operators configure) is the downgrade it is: the client reports it, and never lets it put credentials in the clear.
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import type { ServerObservations } from '../../roles/authentication';
import { findCredentials } from '../../evidence/credentials';
import { condition, judged, type Judgement } from '../condition';

/** Without a blacklist: an authenticated TLS session, the mailbox retrieved, nothing to report. */
export const noDowngradeWithoutBlacklist = condition('NoDowngradeWithoutBlacklist', ['PRAC-03'], (r: Retrieval): Judgement => {
  const ok = r.serverAuthenticated && r.loggedIn && r.error === undefined && (r.downgrades ?? []).length === 0;
  const seen = `server authenticated: ${r.serverAuthenticated}, logged in: ${r.loggedIn}, downgrades reported: ${(r.downgrades ?? []).length}${r.error ? `, ${r.error}` : ''}`;
  return judged(ok, seen, seen, { downgrades: r.downgrades ?? [] });
});

/** The client's record reports the disabled capability as a downgrade. */
export const blacklistReportedAsDowngrade = condition('BlacklistReportedAsDowngrade', ['PRAC-03'], (r: Retrieval, capability: string): Judgement => {
  const reported = (r.downgrades ?? []).filter((d) => d.includes(capability));
  return judged(reported.length > 0, `downgrade reported: ${reported.join('; ')}`, `the EVVM Client reported no downgrade for ${capability} (reported: ${(r.downgrades ?? []).join('; ') || 'nothing'})`, { downgrades: r.downgrades ?? [] });
});

/** No connection the EVVM Server saw without TLS carried a credential. */
export const noCredentialsInClear = condition('NoCredentialsInClear', ['PRAC-03'], (server: ServerObservations, password: string): Judgement => {
  const plain = server.connections.filter((c) => !c.secure);
  const found = plain.map((c) => findCredentials(c.clientBytes, [password])).filter((f) => f.commands.length > 0 || f.secretsSeen > 0);
  return judged(found.length === 0, `${plain.length} connection(s) without TLS, no credential in any`, `credentials in the clear on ${found.length} connection(s): ${found.flatMap((f) => f.commands).join(', ')}`, { plaintextConnections: plain.length });
});
