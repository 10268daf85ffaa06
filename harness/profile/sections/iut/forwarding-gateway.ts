/**
 * `iut.role: forwarding-gateway`: a vendor's EVVM Forwarding Gateway (IF-6). The harness plays the EVVM
 * Server that hands it voicemail, the senders with flawed certificates, and the e-mail world beyond it:
 * the gateway relays its relay domains to `forwardsTo`, where the harness receives what it forwarded.
 */
import { z } from 'zod';
import { Port, type IutReader } from './common';
import { resolveSmtpPeer, smtpPeerFields, type SmtpPeerIut } from './smtp-peer';

export const ForwardingGatewayIutSchema = z
  .object({
    ...smtpPeerFields('forwarding-gateway'),
    /** where the gateway delivers mail for its relay domains (on this machine): the harness receives it there */
    forwardsTo: z.object({ port: Port }).strict(),
  })
  .strict();

export interface ForwardingGatewayIut extends SmtpPeerIut<'forwarding-gateway'> {
  forwardsTo: { port: number };
}

export function resolveForwardingGateway(s: z.infer<typeof ForwardingGatewayIutSchema>, read: IutReader): ForwardingGatewayIut {
  return { ...resolveSmtpPeer(s, read), forwardsTo: s.forwardsTo };
}
