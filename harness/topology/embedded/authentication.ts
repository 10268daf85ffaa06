/** The authentication roles (harness/roles/authentication.ts) in process, on 127.0.0.1, port 0. */
import { StarttlsStripper } from '../../../simulators/adversaries/starttls-stripper';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { HarnessError } from '../../engine/outcomes';
import {
  EVVM_SERVER_NAME,
  evvmClientCredential,
  evvmClientFor,
  evvmServerConfig,
  observationsOf,
  rogueImapServer,
  unprovenDigestServer,
  type ClientCredentialKind,
  type EvvmServerRole,
  type ServerObservations,
} from '../../roles/authentication';
import { registerEmbeddedRole } from '../registry';
import type { Transport } from '../roles';

const HOST = '127.0.0.1';

/** The embedded EVVM Server: the simulator itself, to which other clauses add interfaces (EmbeddedContext.evvmServer). */
export class EmbeddedEvvmServer implements EvvmServerRole {
  readonly actor: string;
  constructor(
    readonly server: EvvmServer,
    private readonly ports: { imaps?: number; imap?: number },
    private readonly pki: TestPki,
  ) {
    this.actor = server.actor;
  }
  get trustAnchorPem(): string {
    return this.pki.trustAnchorPem;
  }
  endpoint(transport: Transport) {
    const port = transport === 'implicit-tls' ? this.ports.imaps : this.ports.imap;
    return port === undefined ? undefined : { host: HOST, port, servername: EVVM_SERVER_NAME };
  }
  async observations(): Promise<ServerObservations> {
    return observationsOf(this.server);
  }
  clientCredential(kind: ClientCredentialKind) {
    return evvmClientCredential(this.pki, kind);
  }
}

/** The simulator behind the embedded EVVM Server role. */
export function simulatorOf(role: EvvmServerRole): EvvmServer {
  if (!(role instanceof EmbeddedEvvmServer)) throw new HarnessError(`${role.actor} is not the embedded EVVM Server simulator`);
  return role.server;
}

registerEmbeddedRole('evvm-server', async (ctx) => {
  const server = new EvvmServer(evvmServerConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, transcript: ctx.transcript }));
  const ports = await server.start();
  ctx.onStop(() => server.stop());
  return new EmbeddedEvvmServer(server, ports, ctx.pki);
});

registerEmbeddedRole('evvm-client', async (ctx) => evvmClientFor(ctx.pki, ctx.faults, ctx.transcript));

registerEmbeddedRole('imap-adversaries', async (ctx) => ({
  rogueImapServer: async (flaw) => {
    const rogue = rogueImapServer(ctx.pki, ctx.accounts, flaw, ctx.transcript);
    const ports = await rogue.start();
    ctx.onStop(() => rogue.stop());
    return {
      actor: rogue.actor,
      endpoint: (t: Transport) => ({ host: HOST, port: (t === 'implicit-tls' ? ports.imaps : ports.imap)!, servername: EVVM_SERVER_NAME }),
      clientBytes: async () => Buffer.concat(rogue.observations().connections.map((c) => c.clientBytes)),
    };
  },
  unprovenDigestServer: async () => {
    const impostor = unprovenDigestServer(ctx.pki, ctx.accounts, ctx.transcript);
    const ports = await impostor.start();
    ctx.onStop(() => impostor.stop());
    return {
      actor: impostor.actor,
      endpoint: (t: Transport) => ({ host: HOST, port: (t === 'implicit-tls' ? ports.imaps : ports.imap)!, servername: EVVM_SERVER_NAME }),
      clientBytes: async () => Buffer.concat(impostor.observations().connections.map((c) => c.clientBytes)),
    };
  },
  starttlsStripper: async (stripLoginDisabled) => {
    const upstream = (await ctx.topology.role('evvm-server')).endpoint('starttls');
    if (!upstream) throw new Error('the EVVM Server offers no STARTTLS port to stand in front of');
    const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: ctx.transcript });
    const port = await mitm.start();
    ctx.onStop(() => mitm.stop());
    return { actor: mitm.actor, endpoint: () => ({ host: HOST, port, servername: EVVM_SERVER_NAME }), clientBytes: async () => mitm.clientBytes() };
  },
}));
