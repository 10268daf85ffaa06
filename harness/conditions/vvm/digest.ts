/**
 * VVM-02: LOGIN or AUTHENTICATE DIGEST-MD5, the client verifying rspauth (AOSP verifyResponseAuth). DIGEST-MD5 is
 * historic (RFC 6331): tested where declared, reported as legacy. Judged on what the sessions reached and on
 * what a server that cannot prove the password received after AUTHENTICATE.
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import type { LoginAttempt } from '../../equipment/test-client';
import { condition, judged } from '../condition';

/** The test client verified rspauth (the raw client closes on a wrong one), and the server then said OK. */
export const digestSessionProven = condition('DigestSessionProven', ['VVM-02'], (a: LoginAttempt) =>
  judged(a.status === 'OK', `AUTHENTICATE DIGEST-MD5 answered ${a.status} "${a.text}" after a valid rspauth`, `no proven DIGEST-MD5 session: ${a.status} "${a.text}"`),
);

export const digestRefused = condition('DigestRefused', ['VVM-02'], (a: LoginAttempt) =>
  judged(a.status === 'NO' || a.status === 'BAD', `refused: ${a.status} "${a.text}"`, `not refused: ${a.status} "${a.text}"`),
);

export const clientReadByDigest = condition('ClientReadByDigest', ['VVM-02'], (r: Retrieval, messageId: string) => {
  const read = r.voicemails.some((v) => v.raw.includes(messageId));
  return judged(r.serverAuthenticated && r.loggedIn && read, `authenticated by DIGEST-MD5 over verified TLS, the mailbox's voicemail read`, `the EVVM Client did not read its voicemail by DIGEST-MD5: ${r.error ?? (r.loggedIn ? 'voicemail missing' : 'not logged in')}`);
});

/** After the wrong rspauth the EVVM Client sent no further command (LOGOUT aside) and read nothing. */
export const sessionEndedOnBadRspauth = condition('SessionEndedOnBadRspauth', ['VVM-02'], (r: Retrieval, received: Buffer) => {
  const names = received
    .toString('latin1')
    .split('\r\n')
    .map((line) => /^\S+ ([A-Za-z_]+)/.exec(line)?.[1]?.toUpperCase())
    .filter((n): n is string => n !== undefined);
  const after = names.slice(names.indexOf('AUTHENTICATE') + 1).filter((n) => n !== 'LOGOUT');
  const ok = names.includes('AUTHENTICATE') && after.length === 0 && r.voicemails.length === 0;
  return judged(ok, `the EVVM Client stopped after the wrong rspauth (${r.error ?? 'closed'})`, names.includes('AUTHENTICATE') ? `after the wrong rspauth the EVVM Client went on: ${after.join(' ')}` : 'the EVVM Client never tried DIGEST-MD5 at the impostor', { commandsAfterAuthenticate: after });
});
