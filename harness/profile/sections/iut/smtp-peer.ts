/**
 * What the SMTP roles under test share (iut/forwarding-gateway.ts, …): a vendor's SMTP server facing the
 * EVVM Server over TLS, named by address, the trust anchor of its server certificate, the client
 * certificate it accepts from the EVVM Server (and that certificate's flawed twins from the same CA), and
 * what it declares: its transports, whether it requires client certificates, the relay domains it accepts.
 */
import { z } from 'zod';
import { FilePair, IutProblem, Port, TimeoutMs, type IutReader, type Pem } from './common';
import { commandArgv } from './evvm-client';

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

/** The placeholders of a send trigger (docs/certifying.md): where to deliver, what, and the anchor of the server's certificate there. */
export const SEND_PLACEHOLDERS = ['host', 'port', 'servername', 'transport', 'from', 'to', 'messageId', 'messageFile', 'trustAnchor'] as const;
export type SendPlaceholder = (typeof SEND_PLACEHOLDERS)[number];

/**
 * How the harness makes an SMTP IUT that also sends (the Non-OMA VM Service, a peer EVVM Server, an EVVM Server on its interworking side) deliver a
 * voicemail: a command run per delivery (no shell), placeholders replaced. Without it, the scenarios in
 * which the IUT must send are inconclusive: nothing else makes a vendor's server send.
 */
const MAX_SEND_MS = 600_000;
export const SendTrigger = z
  .object({
    command: commandArgv(SEND_PLACEHOLDERS),
    /** how long the command and the delivery it causes may take, in ms */
    timeoutMs: z.number().int().min(1000).max(MAX_SEND_MS).default(20_000),
  })
  .strict();
/** A step that makes the IUT send waits at most the trigger's timeout and the delivery's wind-down. */
export const SEND_STEP_TIMEOUT_MS = MAX_SEND_MS + 30_000;
export type SendTriggerIut = z.infer<typeof SendTrigger>;

/** The fields of an SMTP IUT that sends as well as receives: the shared ones and its send trigger. */
export function sendingPeerFields<R extends string>(role: R) {
  return { ...smtpPeerFields(role), send: SendTrigger.optional() };
}

export interface SendingSmtpPeerIut<R extends string> extends SmtpPeerIut<R> {
  send?: SendTriggerIut;
}

export function resolveSendingPeer<R extends string>(s: SmtpPeerSection & { role: R; send?: SendTriggerIut }, read: IutReader): SendingSmtpPeerIut<R> {
  return { ...resolveSmtpPeer(s, read), ...(s.send ? { send: s.send } : {}) };
}
