import { z } from 'zod';
import { INPUT_LIMITS, readInputFile } from '../../input';
import { clientCaPem } from '../../../simulators/crypto/pki/trust';

/**
 * IF-6/7/8 (and IF-2's SMTP deposit): the service provider's policy for each interworking link. The
 * seed makes every one "subject to: Service provider's policy. Service provider's deployment":
 * mutualAuth switches the requirement on or off for the link (EVVM-AUTH-06/07 become not applicable,
 * EVVM-AUTH-08 is reported as a waiver), trustAnchors and peerIdentities say whom the link trusts.
 */
const link = (identity: string, domains: string[]) =>
  z
    .object({
      // mutual authentication by certificates on this link, in both directions
      mutualAuth: z.boolean().default(true),
      // 'test-pki' (the run's test root CA) or paths of PEM files
      trustAnchors: z.array(z.string().min(1)).min(1).default(['test-pki']),
      // dNSName values the other end's certificate must carry (any one of them)
      peerIdentities: z.array(z.string().min(1)).min(1).default([identity]),
      // originator domains the other end may send voicemail for (EVVM-IW-C04)
      peerDomains: z.array(z.string().min(1)).default(domains),
    })
    .strict()
    .prefault({});

export const interworkingPolicy = z
  .object({
    forwardingGateway: link('forwarding-gateway.op.example', ['forwarding-gateway.op.example']),
    nonOmaVm: link('non-oma-vm.op.example', ['legacy-vm.example']),
    interServer: link('evvm-server.peer.example', ['peer.example']),
  })
  .strict()
  .prefault({});

/** What the EVVM Server (simulator or IUT) declares of its SMTP interfaces. */
export const interworkingCapabilities = z
  .object({
    transports: z.array(z.enum(['starttls', 'implicit-tls'])).min(1).default(['starttls', 'implicit-tls']),
    smtpAuth: z.array(z.enum(['PLAIN', 'LOGIN'])).default(['PLAIN', 'LOGIN']),
  })
  .strict()
  .prefault({});

export type InterworkingPolicy = z.infer<typeof interworkingPolicy>;
export type InterworkingLinkPolicy = InterworkingPolicy['interServer'];
export type InterworkingLinkName = keyof InterworkingPolicy;

/** The PEM text of a link's trust anchors. 'test-pki' is the run's test root with its issuing CA (clientCaPem). */
export function resolveTrustAnchors(anchors: readonly string[], testPki: { rootPem: string; intermediatePem: string }): string {
  return anchors.map((a) => (a === 'test-pki' ? clientCaPem(testPki) : readInputFile(a, INPUT_LIMITS.pem))).join('\n');
}
