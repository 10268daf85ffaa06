/**
 * TLS-PSK per RFC 4279 (STD-06) on the Message Storage Server's PSK-TLS interface (IF-5): the handshake is
 * authenticated by the pre-shared key alone (a PSK cipher suite on TLS 1.2, an external PSK on TLS 1.3, no
 * certificate), and a client without the provisioned identity and key gets no session.
 */
import { condition, judged } from '../condition';

/** What the harness's CPM client saw of its PSK-TLS connection. */
export interface PskHandshake {
  /** a secure connection whose server greeted it (a BYE greeting is a refusal after the handshake) */
  established: boolean;
  version: 'TLSv1.2' | 'TLSv1.3';
  protocol?: string | null | undefined;
  cipher?: string | undefined;
  greeting?: string | undefined;
  connectError?: string | undefined;
}

const shown = (h: PskHandshake) => `${h.protocol ?? 'no TLS'} ${h.cipher ?? ''}`.trim();

/** RFC 4279 §2: the PSK key exchange; on TLS 1.2 the suite names PSK, on TLS 1.3 the client took no certificate (cpm-client.ts). */
export const pskKeyExchange = condition('PskKeyExchange', ['STD-06'], (h: PskHandshake) => {
  const suite = h.version === 'TLSv1.3' || /PSK/.test(h.cipher ?? '');
  return judged(h.established && h.greeting === 'OK' && h.protocol === h.version && suite, `PSK handshake: ${shown(h)}, greeting ${h.greeting}`, h.established ? `not a PSK handshake on ${h.version}: ${shown(h)}, greeting ${h.greeting ?? 'none'}` : `no PSK-TLS session: ${h.connectError ?? `greeting ${h.greeting ?? 'none'}`}`);
});

export const noPskSession = condition('NoPskSession', ['STD-06'], (h: PskHandshake) =>
  judged(!h.established, `no session: ${h.connectError ?? 'refused'}`, `a PSK-TLS session was established without the provisioned identity and key (${shown(h)})`),
);
