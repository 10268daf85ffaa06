/**
 * `iut.role: evvm-server-interworking`: a vendor's EVVM Server as seen on its SMTP interworking side, the
 * interfaces facing the Forwarding Gateway (IF-6), the Non-OMA VM Service (IF-7) and peer EVVM Servers
 * (IF-8). The harness plays those three parties and their impostors. The shared SMTP fields name its server
 * certificate's anchor and its peer interface (`ports`); `clientCertificate` and `badClientCertificates`
 * are what the harness's peer EVVM Server presents. A separate interface for the Forwarding Gateway or the
 * Non-OMA VM Service, and the certificate the IUT accepts from each, go in `links`. With a send trigger
 * (`send`), it is made to relay a caller's voicemail to the harness's party (or an impostor of it) that a
 * scenario names: its placeholders say where, to whom and the anchor of the certificate there.
 */
import { z } from 'zod';
import { FilePair, IutProblem, Port, type IutReader, type Pem } from './common';
import { resolveSendingPeer, sendingPeerFields, type SendingSmtpPeerIut } from './smtp-peer';

const Link = z
  .object({
    /** where the IUT takes this party's mail, when not on iut.ports */
    ports: z.object({ smtp: Port.optional(), smtps: Port.optional() }).strict().optional(),
    /** the client certificate the IUT accepts from this party */
    clientCertificate: FilePair,
    badClientCertificates: z.object({ expired: FilePair.optional(), revoked: FilePair.optional(), wrongHost: FilePair.optional() }).strict().optional(),
  })
  .strict();

export const EvvmServerInterworkingIutSchema = z
  .object({
    ...sendingPeerFields('evvm-server-interworking'),
    links: z.object({ forwardingGateway: Link.optional(), nonOmaVm: Link.optional() }).strict().prefault({}),
    /** its SMTP deposit interface (IF-2), where only an authenticated submitter may deposit: EVVM-IW-C04 tries without */
    deposit: z.object({ ports: z.object({ smtp: Port.optional(), smtps: Port.optional() }).strict() }).strict().optional(),
  })
  .strict();

/** A party's link with the IUT: where it delivers, and the certificates it presents there. */
export interface InterworkingLinkIut {
  ports: { smtp?: number; smtps?: number };
  clientCertificate: Pem;
  badClientCertificates: { expired?: Pem; revoked?: Pem; wrongHost?: Pem };
}

export interface EvvmServerInterworkingIut extends SendingSmtpPeerIut<'evvm-server-interworking'> {
  links: { forwardingGateway?: InterworkingLinkIut; nonOmaVm?: InterworkingLinkIut };
  deposit?: { ports: { smtp?: number; smtps?: number } };
}

export function resolveEvvmServerInterworking(s: z.infer<typeof EvvmServerInterworkingIutSchema>, read: IutReader): EvvmServerInterworkingIut {
  const link = (name: 'forwardingGateway' | 'nonOmaVm'): { [k: string]: InterworkingLinkIut } => {
    const l = s.links[name];
    if (!l) return {};
    if (l.ports && l.ports.smtp === undefined && l.ports.smtps === undefined) throw new IutProblem(`iut.links.${name}.ports: needs smtp (STARTTLS) or smtps (implicit TLS)`);
    const bad = l.badClientCertificates ?? {};
    const flawed = (k: 'expired' | 'revoked' | 'wrongHost'): { [key: string]: Pem } => (bad[k] ? { [k]: read.certificate(`links.${name}.badClientCertificates.${k}`, bad[k]) } : {});
    return {
      [name]: {
        ports: l.ports ?? s.ports,
        clientCertificate: read.certificate(`links.${name}.clientCertificate`, l.clientCertificate),
        badClientCertificates: { ...flawed('expired'), ...flawed('revoked'), ...flawed('wrongHost') },
      },
    };
  };
  if (s.deposit && s.deposit.ports.smtp === undefined && s.deposit.ports.smtps === undefined) throw new IutProblem('iut.deposit.ports: needs smtp (STARTTLS) or smtps (implicit TLS)');
  return { ...resolveSendingPeer(s, read), links: { ...link('forwardingGateway'), ...link('nonOmaVm') }, ...(s.deposit ? { deposit: s.deposit } : {}) };
}
