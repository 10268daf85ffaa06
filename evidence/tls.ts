/**
 * What a TLS handshake showed, as structured transcript evidence: the version, the cipher suite, the key
 * exchange group, and the certificates on both sides (subject, SAN, issuer, validity, SHA-256). EVVM-AUTH-03
 * turns on which certificate a rogue server presented; a line of free text is not enough to show it.
 *
 * Only public parts of a certificate are taken, field by field (never `raw`, the public key or anything of
 * a private key); one helper for every place a TLS socket is made, so each records the same shape.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';

export interface CertificateEvidence {
  subject: string;
  issuer: string;
  /** subjectAltName as Node prints it: `DNS:a.example, email:b@example` */
  san?: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex */
  sha256: string;
}

export interface TlsHandshakeEvidence {
  /** the end that recorded it */
  side: 'client' | 'server';
  /** TLSv1.3, TLSv1.2, …; absent when no handshake completed */
  protocol?: string;
  /** IANA name, e.g. TLS_AES_256_GCM_SHA384 */
  cipher?: string;
  /** the key exchange group, e.g. X25519 (seen by a client only: Node shows it on that side) */
  group?: string;
  /** the certificate the other end presented: the server's to a client, the client's to a server */
  peerCertificate?: CertificateEvidence;
  /** the certificate this end presented */
  ownCertificate?: CertificateEvidence;
  /** the peer's certificate chained to the trust anchors (and, on a client, named the server) */
  authorized?: boolean;
  authorizationError?: string;
  /** why the handshake failed, when it did */
  error?: string;
}

/** `CN=a, O=b` from Node's parsed name object. */
function dn(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  return Object.entries(name as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** The public fields of a certificate as a TLS socket hands it over; undefined for none (PSK, or no certificate sent). */
export function certificateEvidence(cert: PeerCertificate | DetailedPeerCertificate | object | null | undefined): CertificateEvidence | undefined {
  const c = cert as Partial<PeerCertificate> | null | undefined;
  if (!c || !c.fingerprint256) return undefined;
  return {
    subject: dn(c.subject),
    issuer: dn(c.issuer),
    ...(c.subjectaltname ? { san: c.subjectaltname } : {}),
    validFrom: c.valid_from ?? '',
    validTo: c.valid_to ?? '',
    sha256: c.fingerprint256,
  };
}

/** The same fields from a PEM certificate (a leaf first): what a server presents, known before any handshake. */
export function pemCertificateEvidence(pem: string | Buffer): CertificateEvidence | undefined {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch {
    return undefined;
  }
  const name = (s: string): string => s.split('\n').filter(Boolean).join(', ');
  return {
    subject: name(x.subject),
    issuer: name(x.issuer),
    ...(x.subjectAltName ? { san: x.subjectAltName } : {}),
    validFrom: x.validFrom,
    validTo: x.validTo,
    sha256: x.fingerprint256,
  };
}

/**
 * What `socket`'s handshake showed, from the end that recorded it. `presented` is this end's own certificate
 * when the socket cannot say (a failed handshake); `error` why it failed.
 */
export function tlsHandshakeEvidence(socket: TLSSocket, side: 'client' | 'server', extra: { presented?: CertificateEvidence; error?: string } = {}): TlsHandshakeEvidence {
  const safe = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined; // a socket already destroyed answers nothing
    }
  };
  const protocol = extra.error ? undefined : safe(() => socket.getProtocol());
  const cipher = extra.error ? undefined : safe(() => socket.getCipher()?.standardName);
  const group = side === 'client' && !extra.error ? safe(() => (socket.getEphemeralKeyInfo() as { name?: string } | null)?.name) : undefined;
  const peerCertificate = certificateEvidence(safe(() => socket.getPeerCertificate()));
  const ownCertificate = certificateEvidence(safe(() => socket.getCertificate())) ?? extra.presented;
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  return {
    side,
    ...(protocol ? { protocol } : {}),
    ...(cipher ? { cipher } : {}),
    ...(group ? { group } : {}),
    ...(peerCertificate ? { peerCertificate } : {}),
    ...(ownCertificate ? { ownCertificate } : {}),
    ...(extra.error ? {} : { authorized: socket.authorized === true }),
    ...(authorizationError ? { authorizationError } : {}),
    ...(extra.error ? { error: extra.error } : {}),
  };
}

/**
 * Watches a socket's handshake from its start: `evidence()` then gives what it showed, also when Node's own
 * verification refused the peer (it destroys the socket before its 'error', and a destroyed socket names no
 * certificate: what the peer presented is taken the moment the handshake finished, before that check).
 */
export function watchTlsHandshake(socket: TLSSocket, side: 'client' | 'server'): (error?: string) => TlsHandshakeEvidence {
  let atHandshake: TlsHandshakeEvidence | undefined;
  socket.prependOnceListener('secure', () => {
    atHandshake = tlsHandshakeEvidence(socket, side);
  });
  return (error) => {
    if (!error) return tlsHandshakeEvidence(socket, side);
    // the handshake completed and the peer was then refused, or it never completed
    const seen = atHandshake ?? tlsHandshakeEvidence(socket, side, { error });
    return { ...seen, authorized: false, authorizationError: seen.authorizationError ?? error, error };
  };
}
