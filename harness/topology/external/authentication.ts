/**
 * The authentication roles (harness/roles/authentication.ts) when a vendor's EVVM Server is under test: the
 * server is the IUT, the harness's EVVM Client and adversaries face it with the trust material the profile
 * names. The rogue IMAP server needs no IUT: the harness's own plays it.
 */
import { StarttlsStripper } from '../../../simulators/adversaries/starttls-stripper';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { InconclusiveError } from '../../engine/outcomes';
import type { Profile } from '../../profile/profile';
import type { ImapServerIut, Pem } from '../../profile/sections/iut';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import type { ClientCredentialKind, EvvmServerRole, ServerObservations } from '../../roles/authentication';
import { iutEndpoint, missing } from '../external';
import { registerExternalRole } from '../registry';
import type { Endpoint, Transport } from '../roles';

/** The vendor's EVVM Server. */
class ExternalEvvmServer implements EvvmServerRole {
  readonly actor = 'EVVM Server (IUT)';

  constructor(
    private readonly iut: ImapServerIut,
    private readonly profile: Profile,
    private readonly pki: TestPki,
  ) {}

  get trustAnchorPem(): string {
    return this.iut.trustAnchorPem;
  }

  endpoint(transport: Transport): Endpoint | undefined {
    return iutEndpoint(this.iut, this.profile.capabilities.evvmServer.transports, transport);
  }

  async observations(): Promise<ServerObservations> {
    throw new InconclusiveError("this check needs the EVVM Server's own records (what it accepted and why), which an implementation under test does not expose");
  }

  clientCredential(kind: ClientCredentialKind): Pem | undefined {
    switch (kind) {
      case 'missing':
        return undefined;
      case 'untrusted-ca': {
        // issued by the harness's rogue root, which no IUT trusts
        const c = this.pki.bad('evvm-client', 'untrusted-ca');
        return { chainPem: c.chainPem, keyPem: c.keyPem };
      }
      case 'valid':
        return this.iut.clientCertificate ?? missing('client certificate the EVVM Server accepts (iut.clientCertificate)');
      default:
        // only the IUT's own CA can issue an expired or revoked twin of a certificate it accepts
        return this.iut.badClientCertificates[kind] ?? missing(`${kind} client certificate from the IUT's CA (iut.badClientCertificates.${kind})`);
    }
  }
}

registerExternalRole('evvm-server', 'evvm-server', async (ctx) => {
  const server = new ExternalEvvmServer(ctx.iut, ctx.profile, ctx.pki);
  await ctx.reach('the EVVM Server (IUT)', [server.endpoint('implicit-tls')?.port, server.endpoint('starttls')?.port]);
  return server;
});

// the harness's EVVM Client, configured for the vendor's server: its trust anchor and client certificate
registerExternalRole('evvm-server', 'evvm-client', async (ctx) => {
  const cert = ctx.iut.clientCertificate;
  const faults = ctx.faults.filter((f) => f.startsWith('evvm-client:'));
  return new EvvmClient({ trustAnchorPem: ctx.iut.trustAnchorPem, ...(cert ? { certificate: cert } : {}), faults, transcript: ctx.transcript });
});

registerExternalRole('evvm-server', 'imap-adversaries', async (ctx) => {
  const own = await ctx.inner('imap-adversaries');
  return {
    rogueImapServer: (flaw) => own.rogueImapServer(flaw),
    unprovenDigestServer: () => own.unprovenDigestServer(),
    starttlsStripper: async (stripLoginDisabled) => {
      const upstream = (await ctx.topology.role('evvm-server')).endpoint('starttls') ?? missing('STARTTLS port of the EVVM Server (iut.ports.imap)');
      const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: ctx.transcript });
      const port = await mitm.start();
      ctx.onStop(() => mitm.stop());
      return { actor: mitm.actor, endpoint: () => ({ host: '127.0.0.1', port, servername: upstream.servername }), clientBytes: async () => mitm.clientBytes() };
    },
  };
});
