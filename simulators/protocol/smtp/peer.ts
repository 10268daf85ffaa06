/**
 * Judges the other end of a TLS connection against a link policy: the certificate must chain to a
 * configured anchor (OpenSSL's verdict, taken from the socket) AND name a configured peer (SAN dNSName),
 * so an impostor holding a valid certificate for another host is refused.
 */
import type { TLSSocket } from 'node:tls';
import type { LinkPolicy, PeerJudgement } from './types';

/** dNSName values of a Node subjectAltName string ("DNS:a, IP Address:127.0.0.1"). */
export function dnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4).toLowerCase());
}

/** RFC 6125 §6.4: exact match, or a wildcard in the leftmost label only. */
export function nameMatches(presented: string, wanted: string): boolean {
  const p = presented.toLowerCase();
  const w = wanted.toLowerCase().replace(/\.$/, '');
  if (p === w) return true;
  if (!p.startsWith('*.')) return false;
  const dot = w.indexOf('.');
  return dot > 0 && w.slice(dot + 1) === p.slice(2);
}

export interface JudgeOptions {
  /** fault hook of the simulator that judges: may accept what the policy refuses */
  override?: (j: PeerJudgement) => boolean;
}

/** What the socket tells about the peer's certificate, judged against the policy. */
export function judgePeer(socket: TLSSocket, policy: LinkPolicy, options: JudgeOptions = {}): PeerJudgement {
  const cert = socket.getPeerX509Certificate();
  const names = dnsNames(cert?.subjectAltName);
  const chainValid = !!cert && socket.authorized;
  const chainError = cert ? (socket.authorizationError ? String(socket.authorizationError) : undefined) : undefined;
  const identity = policy.peerIdentities.length === 0 ? names[0] : policy.peerIdentities.find((want) => names.some((n) => nameMatches(n, want)));
  const authenticated = chainValid && (policy.peerIdentities.length === 0 || identity !== undefined);
  const j: PeerJudgement = {
    presented: !!cert,
    chainValid,
    dnsNames: names,
    authenticated,
    accepted: false,
    reason: '',
  };
  if (chainError) j.chainError = chainError;
  if (cert) Object.assign(j, { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), fingerprint256: cert.fingerprint256 });
  if (identity !== undefined) j.identity = identity;
  const why = !cert
    ? 'no certificate presented'
    : !chainValid
      ? `certificate not valid: ${chainError ?? 'not verified'}`
      : identity === undefined && policy.peerIdentities.length > 0
        ? `certificate names ${names.join(', ') || 'no DNS name'}, not the configured peer ${policy.peerIdentities.join(' or ')}`
        : `authenticated as ${identity ?? 'a valid certificate'}`;
  const byPolicy = authenticated || !policy.mutualAuth;
  j.accepted = byPolicy || (options.override?.(j) ?? false);
  j.reason = authenticated
    ? why
    : byPolicy
      ? `${why}; accepted: the policy does not require mutual authentication`
      : j.accepted
        ? `${why}; accepted anyway (fault)`
        : `${why}; refused: the policy requires mutual authentication`;
  return j;
}

/** One line for transcripts. */
export function describeJudgement(j: PeerJudgement): string {
  return `${j.accepted ? 'accepted' : 'REFUSED'} peer certificate${j.subject ? ` [${j.subject}]` : ''}: ${j.reason}`;
}
