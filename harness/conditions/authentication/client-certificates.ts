/** The EVVM Server authenticates the EVVM Client by its certificate (EVVM-AUTH-04). */
import type { ServerObservations } from '../../roles/authentication';
import { condition, judged } from '../condition';

/** What the wire showed of a session with a client certificate: TLS, and whether the login was accepted. */
export interface WireSession {
  secure: boolean;
  login?: { status: string; text: string };
}

/**
 * The server accepted the client certificate: by its own records where it shows them, else (an
 * implementation under test keeps its records to itself) by TLS with the certificate and an authenticated session.
 */
export const serverAcceptedClientCertificate = condition('ServerAcceptedClientCertificate', ['EVVM-AUTH-04'], (seen: ServerObservations | undefined, wire: WireSession) => {
  if (!seen) {
    const accepted = wire.secure && wire.login?.status === 'OK';
    return judged(accepted, 'TLS with the client certificate and an authenticated session', `no session with the client certificate: ${wire.login?.text ?? 'not connected'}`);
  }
  const last = seen.connections.filter((c) => c.clientCertificate).at(-1)?.clientCertificate;
  const shown = last ? `authorized=${last.authorized} ${last.authorizationError ?? ''}` : 'no client certificate observed';
  return judged(last?.authorized === true, shown, shown, { clientCertificate: last });
});

export const serverRecordedCertificateRefusal = condition('ServerRecordedCertificateRefusal', ['EVVM-AUTH-04'], (seen: ServerObservations) => {
  const refused = seen.connections.filter((c) => c.clientCertificate && !c.clientCertificate.authorized);
  const why = refused.map((c) => c.clientCertificate!.authorizationError ?? 'no reason');
  return judged(refused.length > 0, `refused: ${why.join(', ')}`, 'the server recorded no refused client certificate', { reasons: why });
});
