/**
 * STD-04 (RFC 8314 §3, quoted second-hand): connections should be made using Implicit TLS in preference to
 * STARTTLS. The EVVM Server offers an implicit TLS port; the EVVM Client offered both picks implicit TLS.
 * The requirement is a "should": a failure is a warning.
 */
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import { condition, judged } from '../condition';

/** What the test client saw on the EVVM Server's implicit TLS port. */
export interface ImplicitTlsPort {
  offered: boolean;
  greeting?: string | undefined;
  tlsProtocol?: string | null | undefined;
  connectError?: string | undefined;
}

export const implicitTlsOffered = condition('ImplicitTlsOffered', ['STD-04'], (p: ImplicitTlsPort) =>
  judged(
    p.offered && p.greeting !== undefined && p.greeting !== 'BYE',
    `implicit TLS (${p.tlsProtocol ?? 'TLS'}) greeted ${p.greeting}`,
    p.offered ? `no session on the implicit TLS port: ${p.connectError ?? `greeting ${p.greeting ?? 'none'}`}` : 'the EVVM Server offers no implicit TLS port, only STARTTLS',
  ),
);

export const clientPrefersImplicitTls = condition('ClientPrefersImplicitTls', ['STD-04'], (r: Retrieval) =>
  judged(r.transport === 'implicit-tls' && r.loggedIn, `the EVVM Client used implicit TLS and logged in`, `the EVVM Client used ${r.transport ?? 'no transport'} although implicit TLS was offered${r.loggedIn ? '' : ` (${r.error ?? 'not logged in'})`}`),
);
