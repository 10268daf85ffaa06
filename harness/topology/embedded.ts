import type { TranscriptSink } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { CertificateFlaw, TestPki } from '../../simulators/crypto/pki/types';
import { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { StarttlsStripper } from '../../simulators/adversaries/starttls-stripper';
import { accountNamed, type TestAccount } from './accounts';
import path from 'node:path';
import { embeddedRoles, loadFolder, type RoleMap, type RoleName } from './registry';
import type { CapturingServer, EvvmClientRole, EvvmServerRole, ServerObservations, Topology, Transport } from './roles';
import { imapRoleConfig, type ServerConfigArgs } from './server-config';

// every clause's embedded roles (harness/topology/embedded/<clause>.ts), checked against the contracts now
loadFolder(path.join(__dirname, 'embedded'));
embeddedRoles.assertComplete();

const HOST = '127.0.0.1';
export const EVVM_SERVER_NAME = 'evvm-server.op.example';

/** What `simulate` and the embedded topology both need to build an EVVM Server from a profile. */
export function evvmServerConfig(args: ServerConfigArgs & { actor?: string }): ConstructorParameters<typeof EvvmServer>[0] {
  const { pki, profile, accounts } = args;
  const leaf = pki.leaf('evvm-server');
  return {
    actor: args.actor ?? 'EVVM Server',
    ...imapRoleConfig(args, 'evvm-server', { policy: profile.policy.evvmServer, capabilities: profile.capabilities.evvmServer }),
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ca: clientCaPem(pki), crl: [...pki.crls] },
    mailboxes: accounts.map((a) => ({
      identifiers: [a.identifiers.MSISDN, a.identifiers['SIP URI'], a.identifiers['e-mail alias']],
      password: a.password,
      state: a.blocked ? ('blocked' as const) : ('active' as const),
      clientCertificates: a.clientCertificate ? [pki.leaf(a.clientCertificate).fingerprint256] : [],
      voicemails: [{ raw: a.voicemail.raw }],
    })),
  };
}

export type ClientCredentialKind = Parameters<Topology['clientCredential']>[0];

/** The EVVM Client's certificate and key, or a flawed twin: what test clients present. */
export function evvmClientCredential(pki: TestPki, kind: ClientCredentialKind): { chainPem: string; keyPem: string } | undefined {
  if (kind === 'missing') return undefined;
  const c = kind === 'valid' ? pki.leaf('evvm-client') : pki.bad('evvm-client', kind);
  return { chainPem: c.chainPem, keyPem: c.keyPem };
}

/** A server impersonating the EVVM Server with a flawed certificate: it accepts anything and records everything, to harvest credentials. */
export function rogueImapServer(pki: TestPki, accounts: readonly TestAccount[], flaw: CertificateFlaw, transcript: TranscriptSink): EvvmServer {
  const bad = pki.bad('evvm-server', flaw);
  return new EvvmServer({
    actor: 'Rogue IMAP Server',
    host: HOST,
    listen: { implicitTls: true, starttls: true },
    tls: { key: bad.keyPem, cert: bad.chainPem },
    policy: { requireTls: true, clientCertificate: 'none', saslMechanisms: ['PLAIN', 'LOGIN'], loginCommand: true },
    mailboxes: accounts.map((a) => ({ identifiers: Object.values(a.identifiers), password: a.password, state: 'active' as const, voicemails: [] })),
    faults: ['evvm-server:skip-password-check'],
    transcript,
  });
}

class EmbeddedEvvmServer implements EvvmServerRole {
  readonly actor: string;
  constructor(
    readonly server: EvvmServer,
    private readonly ports: { imaps?: number; imap?: number },
  ) {
    this.actor = server.actor;
  }
  endpoint(transport: Transport) {
    const port = transport === 'implicit-tls' ? this.ports.imaps : this.ports.imap;
    return port === undefined ? undefined : { host: HOST, port, servername: EVVM_SERVER_NAME };
  }
  async observations(): Promise<ServerObservations> {
    const o = this.server.observations();
    return {
      authentications: o.authentications.map((a) => ({ ...a })),
      connections: o.connections.map((c) => ({
        conn: c.conn,
        secure: c.secure,
        clientBytes: c.clientBytes,
        ...(c.tls?.clientCertificate ? { clientCertificate: c.tls.clientCertificate } : {}),
      })),
    };
  }
}

/** Every role in this process on 127.0.0.1, port 0: the default, fast topology. */
export class EmbeddedTopology implements Topology {
  readonly kind = 'embedded' as const;
  private readonly stoppers: Array<() => Promise<void>> = [];
  private server?: Promise<EmbeddedEvvmServer>;
  private readonly roles = new Map<string, Promise<unknown>>();

  constructor(
    private readonly pki: TestPki,
    private readonly profile: Profile,
    readonly accounts: readonly TestAccount[],
    private readonly faults: readonly string[],
    private readonly transcript: TranscriptSink,
  ) {}

  get trustAnchorPem(): string {
    return this.pki.trustAnchorPem;
  }

  account(name: string): TestAccount {
    return accountNamed(this.accounts, name);
  }

  role<K extends RoleName>(name: K): Promise<RoleMap[K]> {
    return embeddedRoles.instance(name, this.roles, {
      pki: this.pki,
      profile: this.profile,
      accounts: this.accounts,
      faults: this.faults,
      transcript: this.transcript,
      topology: this,
      evvmServer: async () => {
        await this.evvmServer();
        return (await this.server!).server;
      },
      onStop: (stop) => this.stoppers.push(stop),
    });
  }

  evvmServer(): Promise<EvvmServerRole> {
    this.server ??= (async () => {
      const server = new EvvmServer(evvmServerConfig({ pki: this.pki, profile: this.profile, accounts: this.accounts, faults: this.faults, transcript: this.transcript }));
      const ports = await server.start();
      this.stoppers.push(() => server.stop());
      return new EmbeddedEvvmServer(server, ports);
    })();
    return this.server;
  }

  async evvmClient(): Promise<EvvmClientRole> {
    const cert = this.pki.leaf('evvm-client');
    return new EvvmClient({
      trustAnchorPem: this.pki.trustAnchorPem,
      certificate: { chainPem: cert.chainPem, keyPem: cert.keyPem },
      faults: this.faults.filter((f) => f.startsWith('evvm-client:')),
      transcript: this.transcript,
    });
  }

  async rogueImapServer(flaw: CertificateFlaw): Promise<CapturingServer> {
    const rogue = rogueImapServer(this.pki, this.accounts, flaw, this.transcript);
    const ports = await rogue.start();
    this.stoppers.push(() => rogue.stop());
    return {
      actor: rogue.actor,
      endpoint: (t: Transport) => ({ host: HOST, port: (t === 'implicit-tls' ? ports.imaps : ports.imap)!, servername: EVVM_SERVER_NAME }),
      clientBytes: async () => Buffer.concat(rogue.observations().connections.map((c) => c.clientBytes)),
    };
  }

  async starttlsStripper(stripLoginDisabled: boolean): Promise<CapturingServer> {
    const upstream = (await this.evvmServer()).endpoint('starttls');
    if (!upstream) throw new Error('the EVVM Server offers no STARTTLS port to stand in front of');
    const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: this.transcript });
    const port = await mitm.start();
    this.stoppers.push(() => mitm.stop());
    return {
      actor: mitm.actor,
      endpoint: () => ({ host: HOST, port, servername: EVVM_SERVER_NAME }),
      clientBytes: async () => mitm.clientBytes(),
    };
  }

  clientCredential(kind: ClientCredentialKind) {
    return evvmClientCredential(this.pki, kind);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
  }
}
