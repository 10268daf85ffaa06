/**
 * Shared shapes of the SMTP interworking links (IF-2, IF-6, IF-7, IF-8): endpoints, TLS credentials, the
 * service provider's per-link policy, and what one end concluded about the other end's certificate.
 */
export type SmtpTransport = 'starttls' | 'implicit-tls';

/** An SMTP endpoint and the name its server must prove. */
export interface SmtpEndpoint {
  host: string;
  port: number;
  servername: string;
  transport: SmtpTransport;
}

/** A TLS credential: leaf then intermediates, and its PKCS#8 key (a secret: never logged). */
export interface TlsCredential {
  chainPem: string;
  keyPem: string;
}

/** How one end of a link treats the other end's certificate (the service provider's policy). */
export interface LinkPolicy {
  /** the other end must authenticate by a certificate; false: record what it presents and go on */
  mutualAuth: boolean;
  /** PEM trust anchors the other end's certificate must chain to */
  trustAnchors: string;
  /** CRLs for every CA of the other end's chain (one PEM each) */
  crl?: readonly string[];
  /** dNSName values the other end must prove (any one of them); empty: any name */
  peerIdentities: readonly string[];
}

/** One end's verdict on the other end's certificate: the evidence a check reads. */
export interface PeerJudgement {
  /** a certificate was presented */
  presented: boolean;
  /** it chains to a configured anchor, is within its dates and not revoked (OpenSSL's verdict) */
  chainValid: boolean;
  /** OpenSSL's reason when it does not: CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, … */
  chainError?: string;
  subject?: string;
  issuer?: string;
  fingerprint256?: string;
  /** the certificate's subjectAltName dNSName values */
  dnsNames: string[];
  /** the configured peer identity it proved, if any */
  identity?: string;
  /** presented, chain valid and a configured identity proved */
  authenticated: boolean;
  /** what the policy (and any fault) decided: go on with this peer */
  accepted: boolean;
  /** one line: why accepted or refused */
  reason: string;
}
