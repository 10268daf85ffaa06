/**
 * STARTTLS and LOGINDISABLED (STD-02, STD-03), for every IMAP server role: the EVVM Server's test client
 * and the CPM client judge the same way.
 */
import type { AuthenticationObservation } from '../../roles/authentication';
import { condition, judged } from '../condition';

/** `failed`: why the upgrade failed, undefined when TLS came up; `established`: what a success is called. */
export const starttlsUpgrade = condition(
  'StarttlsUpgrade',
  ['EVVM-AUTH-01', 'EVVM-AUTH-02', 'EVVM-AUTH-04', 'STD-02', 'STD-03', 'CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06'],
  (failed: string | undefined, established: string) => judged(failed === undefined, established, failed ?? ''),
);

const shown = (when: string, caps: readonly string[]) => `CAPABILITY ${when} TLS: ${caps.join(' ') || '(none)'}`;

/** The server advertises both before TLS (STD-02: LOGINDISABLED and STARTTLS), on the EVVM Server and the Message Storage Server alike. */
export const capabilitiesBeforeTls = condition('CapabilitiesBeforeTls', ['STD-02'], (caps: readonly string[], a: string, b: string) =>
  judged(caps.includes(a) && caps.includes(b), shown('before', caps), shown('before', caps)),
);

/** After TLS `gone` is no longer advertised; `expectGone` false: a server without a LOGIN command keeps LOGINDISABLED (the rule is about TLS, not LOGIN). */
export const capabilitiesAfterTls = condition('CapabilitiesAfterTls', ['STD-02'], (caps: readonly string[], gone: string, expectGone = true) =>
  judged(caps.length > 0 && (!expectGone || !caps.includes(gone)), shown('after', caps), shown('after', caps)),
);

/**
 * STD-03's one judgement on a command pipelined behind STARTTLS, on the wire: dropping the connection after
 * the injection is a safe answer (the injected bytes break the handshake, as Dovecot does); answering the
 * injected command inside TLS means the server executed it. `dropped`: why no TLS session followed the
 * injection, undefined when one did; `answered`: the server's answer to the injected command, if any.
 */
export const pipelinedCommandDiscarded = condition('PipelinedCommandDiscarded', ['STD-03'], (dropped: string | undefined, answered: string | undefined) => {
  if (dropped !== undefined) return judged(true, `the server dropped the connection after the injection (${dropped}): nothing was executed`, '');
  return judged(answered === undefined, 'TLS established; no answer to the pipelined command arrived inside it', `the server executed the pipelined command inside TLS: ${answered}`);
});

/** The same, by the server's own records where it shows them: the pipelined login authenticated nobody. */
export const pipelinedCommandNotAuthenticated = condition('PipelinedCommandNotAuthenticated', ['STD-03'], (authentications: readonly AuthenticationObservation[]) => {
  const executed = authentications.filter((a) => a.outcome === 'success');
  return judged(executed.length === 0, 'the server authenticated nobody', `the server executed the pipelined ${executed[0]?.method}`, { authentications: authentications.length });
});
