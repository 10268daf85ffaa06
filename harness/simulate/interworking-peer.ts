import path from 'node:path';
import { z } from 'zod';
import type { InterworkingPeer } from '../../simulators/protocol/smtp/interworking-peer';
import { ControlError, type Handler } from '../control/control-server';
import type { LinkName } from '../roles/interworking';
import { parseBody } from './body';
import type { IutProfile, SimulatedRole, SimulateContext } from './registry';

const FaultBody = z.object({ fault: z.string(), on: z.boolean().default(true) });

/** The JSON body of POST /send-voicemail: where a harness that has this simulator under test makes it deliver (its send trigger's placeholders). */
export const SendBody = z.object({
  host: z.string(),
  port: z.number().int().positive(),
  servername: z.string(),
  transport: z.enum(['starttls', 'implicit-tls']),
  from: z.string(),
  to: z.string(),
  messageId: z.string(),
  messageFile: z.string(),
  /** the anchor of the certificate the server there presents (the harness's test CA) */
  trustAnchor: z.string(),
});

const SEND_BODY = JSON.stringify({
  host: '{host}', port: '{port}', servername: '{servername}', transport: '{transport}', from: '{from}', to: '{to}',
  messageId: '{messageId}', messageFile: '{messageFile}', trustAnchor: '{trustAnchor}',
}).replace('"{port}"', '{port}');

/** The send trigger of a simulator under test: POST /send-voicemail on its control channel, the placeholders as the body. */
export function sendTrigger(control: string): { command: string[] } {
  return { command: ['curl', '-sS', '--fail', '--max-time', '15', '-H', 'content-type: application/json', '--data-binary', SEND_BODY, `${control}/send-voicemail`] };
}

/**
 * The profile naming an SMTP simulator as the implementation under test (`simulate ROLE --profile-out`): its
 * endpoints and this process's PKI files (the EVVM Server's client certificate it accepts, flawed twins from
 * the same CA), what it declares, and (`send`) the trigger that makes it deliver through the control API.
 */
export function smtpIutProfile(ctx: SimulateContext, served: { role: string; servername: string; ports: { smtp: number; smtps: number }; relayDomains: string[]; wrongHost: string; link: LinkName }, extra: { control?: string; iut?: Record<string, unknown> } = {}): IutProfile {
  const pair = (name: string) => ({ cert: path.join(ctx.pkiDir, `${name}.crt`), key: path.join(ctx.pkiDir, `${name}.key`) });
  return {
    policy: { interfaces: { [served.link]: { mutualAuth: ctx.profile.policy.interfaces[served.link].mutualAuth } } },
    iut: {
      role: served.role,
      host: ctx.host,
      servername: served.servername,
      ports: served.ports,
      trustAnchor: path.join(ctx.pkiDir, 'ca.pem'),
      clientCertificate: pair('evvm-server-client'),
      badClientCertificates: { expired: pair('bad/evvm-server-client.expired'), revoked: pair('bad/evvm-server-client.revoked'), wrongHost: pair(served.wrongHost) },
      declares: { transports: ['starttls', 'implicit-tls'], clientCertificates: 'required', relayDomains: served.relayDomains },
      ...(extra.control ? { send: sendTrigger(extra.control) } : {}),
      ...extra.iut,
    },
    // its only secrets are key files, named by path
    env: {},
  };
}

/**
 * The Forwarding Gateway or the Non-OMA VM Service on its own, configured as in the embedded topology
 * (interworkingPeerConfig): SMTP with STARTTLS and implicit TLS; a sender must present the EVVM Server's
 * client certificate (trust.clientCert/clientKey) when the profile requires mutual authentication.
 * `routes` are the role's own; its sessions and fault switches are served the same way for both.
 */
export async function serveInterworkingPeer(ctx: SimulateContext, peer: InterworkingPeer<string>, routes: Record<string, Handler>): Promise<SimulatedRole> {
  const ports = await peer.start();
  return {
    endpoints: { smtp: `${ctx.host}:${ports.smtp}`, smtps: `${ctx.host}:${ports.smtps}`, servername: peer.endpoint('starttls').servername },
    trust: { ca: path.join(ctx.pkiDir, 'ca.pem'), clientCert: path.join(ctx.pkiDir, 'evvm-server-client.crt'), clientKey: path.join(ctx.pkiDir, 'evvm-server-client.key') },
    accounts: [],
    routes: {
      ...routes,
      'GET /sessions': () => peer.sessions(),
      'POST /faults': (b) => {
        const { fault, on } = parseBody(FaultBody, b);
        if (!peer.isFault(fault)) throw new ControlError(`unknown ${peer.role} fault "${fault}"`);
        peer.setFault(fault, on);
      },
    },
    stop: () => peer.stop(),
  };
}
