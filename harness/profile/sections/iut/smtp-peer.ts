/**
 * What the SMTP roles under test share (iut/forwarding-gateway.ts, …): a vendor's SMTP server facing the
 * EVVM Server over TLS, named by address, the trust anchor of its server certificate, the client
 * certificate it accepts from the EVVM Server (and that certificate's flawed twins from the same CA), and
 * what it declares: its transports, whether it requires client certificates, the relay domains it accepts.
 */
import { z } from 'zod';
import { FilePair, IutProblem, Port, TimeoutMs, type IutReader, type Pem } from './common';

const SmtpTransport = z.enum(['starttls', 'implicit-tls']);

export function smtpPeerFields<R extends string>(role: R) {
  return {
    role: z.literal(role),
    host: z.string().min(1),
    /** the name the server certificate must carry (default: host) */
    servername: z.string().min(1).optional(),
    /** smtp: STARTTLS; smtps: implicit TLS */
    ports: z
      .object({ smtp: Port.optional(), smtps: Port.optional() })
      .strict()
      .refine((p) => p.smtp !== undefined || p.smtps !== undefined, { error: 'needs smtp (STARTTLS) or smtps (implicit TLS)' }),
    /** PEM file with the CA certificate(s) the IUT's server certificate chains to */
    trustAnchor: z.string().min(1),
    /** the client certificate (leaf, then intermediates) and key the IUT accepts from the EVVM Server */
    clientCertificate: FilePair.optional(),
    /** client certificates from the IUT's CA with one flaw each: expired, revoked, or valid but issued for another host */
    badClientCertificates: z.object({ expired: FilePair.optional(), revoked: FilePair.optional(), wrongHost: FilePair.optional() }).strict().optional(),
    declares: z
      .object({
        transports: z.array(SmtpTransport).min(1).default(['starttls']),
        /** what the IUT asks of the EVVM Server's client certificate */
        clientCertificates: z.enum(['required', 'optional', 'none']).default('required'),
        /** the recipient domains it accepts mail for */
        relayDomains: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    timeoutMs: TimeoutMs,
  };
}

type SmtpPeerSection = z.infer<z.ZodObject<ReturnType<typeof smtpPeerFields<string>>>>;

/** The resolved fields every SMTP IUT has. */
export interface SmtpPeerIut<R extends string> {
  role: R;
  host: string;
  servername: string;
  ports: { smtp?: number; smtps?: number };
  trustAnchorPem: string;
  clientCertificate?: Pem;
  badClientCertificates: { expired?: Pem; revoked?: Pem; wrongHost?: Pem };
  declares: { transports: Array<'starttls' | 'implicit-tls'>; clientCertificates: 'required' | 'optional' | 'none'; relayDomains: string[] };
  timeoutMs: number;
}

export function resolveSmtpPeer<R extends string>(s: SmtpPeerSection & { role: R }, read: IutReader): SmtpPeerIut<R> {
  if (s.declares.transports.includes('starttls') && s.ports.smtp === undefined) throw new IutProblem(`iut.ports.smtp: required, the ${s.role} declares starttls (iut.declares.transports)`);
  if (s.declares.transports.includes('implicit-tls') && s.ports.smtps === undefined) throw new IutProblem(`iut.ports.smtps: required, the ${s.role} declares implicit-tls (iut.declares.transports)`);
  if (s.declares.clientCertificates === 'required' && !s.clientCertificate) throw new IutProblem(`iut.clientCertificate: required, the ${s.role} declares it requires client certificates (iut.declares.clientCertificates)`);
  const bad = s.badClientCertificates;
  const flawed = (k: 'expired' | 'revoked' | 'wrongHost'): { [key: string]: Pem } => (bad?.[k] ? { [k]: read.certificate(`badClientCertificates.${k}`, bad[k]) } : {});
  return {
    role: s.role,
    host: s.host,
    servername: s.servername ?? s.host,
    ports: s.ports,
    trustAnchorPem: read.trustAnchor(s.trustAnchor),
    ...(s.clientCertificate ? { clientCertificate: read.certificate('clientCertificate', s.clientCertificate) } : {}),
    badClientCertificates: { ...flawed('expired'), ...flawed('revoked'), ...flawed('wrongHost') },
    declares: s.declares,
    timeoutMs: s.timeoutMs,
  };
}
