/** What the CPM client saw of its session with the Message Storage Server (CPM-MS-AUTH-01..06, STD-02, STD-03). */
import type { Attempt } from '../../equipment/cpm-client';
import { condition, judged } from '../condition';

const ALL = ['CPM-MS-AUTH-01', 'CPM-MS-AUTH-02', 'CPM-MS-AUTH-03', 'CPM-MS-AUTH-04', 'CPM-MS-AUTH-05', 'CPM-MS-AUTH-06', 'STD-02', 'STD-03'];
/** PSK-TLS (CPM-MS-AUTH-06) is implicit TLS, and its scenarios authenticate only after it */
const NOT_PSK = ALL.filter((id) => id !== 'CPM-MS-AUTH-06');

/** What the session showed of itself: its TLS, its greeting, why it has no connection. */
export interface SessionView {
  greeting?: string;
  connectError?: string;
  tlsProtocol?: string | null;
}

export const authenticationRefused = condition('AuthenticationRefused', NOT_PSK, (a: Attempt) =>
  judged(a.status !== 'OK', `the Message Storage Server answered ${a.status} "${a.text}"`, `the Message Storage Server answered ${a.status} "${a.text}"`),
);

/** A PREAUTH greeting or an INBOX that opens is an authenticated session, whatever the authentication answered. */
export const noMessageStorageSession = condition('NoMessageStorageSession', ALL, (session: SessionView, selected: 'OK' | 'NO' | 'BAD' | 'closed') => {
  const shown = `greeting ${session.greeting ?? 'none'}, SELECT INBOX answered ${selected}`;
  return judged(session.greeting !== 'PREAUTH' && selected !== 'OK', shown, shown, { connectError: session.connectError });
});

export const clientAuthenticatedStorageServer = condition('ClientAuthenticatedStorageServer', ['CPM-MS-AUTH-05'], (authenticated: boolean, session: SessionView) =>
  judged(authenticated, `the certificate chained to the anchor and named the server (${session.tlsProtocol})`, `server not authenticated: ${session.connectError ?? 'no verified TLS'}`),
);

/** `established`: a secure connection whose server greeted it (a BYE greeting is a refusal after the handshake). */
export const pskTlsSession = condition('PskTlsSession', ['CPM-MS-AUTH-06'], (established: boolean, session: SessionView) =>
  judged(established && session.greeting === 'OK', `PSK-TLS established (${session.tlsProtocol}): both ends proved the key`, `no PSK-TLS session: ${session.connectError ?? `greeting ${session.greeting ?? 'none'}`}`),
);

export const noPskTlsSession = condition('NoPskTlsSession', ['CPM-MS-AUTH-06'], (established: boolean, session: SessionView) =>
  judged(!established, `handshake refused: ${session.connectError ?? 'no session'}`, `a PSK-TLS session was established (${session.tlsProtocol})`),
);
