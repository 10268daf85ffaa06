/**
 * The external topology: one role is a vendor's implementation under test (IUT), named by the profile's
 * `iut:` section; the harness plays every other role embedded, exactly as in the embedded topology. The
 * same feature files run unchanged. What the harness cannot drive or observe on the IUT is inconclusive
 * (InconclusiveError), never a pass: an unreachable IUT, a check that needs the IUT's own records, a test
 * account the profile does not name. A scenario that never reached the IUT says nothing about it and is
 * reported not applicable.
 */
import net from 'node:net';
import type { Transcript } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import type { Iut, IutAccount, Pem } from '../profile/sections/iut';
import type { TestPki, CertificateFlaw } from '../../simulators/crypto/pki/types';
import { EvvmClient } from '../../simulators/evvm-client/evvm-client';
import { StarttlsStripper } from '../../simulators/adversaries/starttls-stripper';
import type { StorageTarget } from '../../simulators/evvm-server/message-storage-client';
import { InconclusiveError } from '../engine/outcomes';
import type { TestAccount } from './accounts';
import type { EmbeddedTopology } from './embedded';
import { storageTargetFor, type ClientCredential, type MessageStorageRole, type MssAccount, type PskCredential } from '../roles/message-storage';
import type { RoleMap, RoleName } from './registry';
import type { CapturingServer, Endpoint, EvvmClientRole, EvvmServerRole, ServerObservations, Topology, Transport } from './roles';

const probes = new Map<string, Promise<string | undefined>>();

/** Can a TCP connection be made? undefined when yes, else why not. Remembered for the run. */
function probe(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  const key = `${host}:${port}`;
  let p = probes.get(key);
  if (!p) {
    p = new Promise((resolve) => {
      const s = net.connect({ host, port });
      const done = (why: string | undefined): void => {
        clearTimeout(timer);
        s.destroy();
        resolve(why);
      };
      const timer = setTimeout(() => done(`no TCP connection within ${timeoutMs} ms`), timeoutMs);
      s.once('connect', () => done(undefined));
      s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
    // a reachable port is asked again next time: only "down" is remembered, so a down IUT costs one timeout
    void p.then((why) => {
      if (why === undefined) probes.delete(key);
    });
    probes.set(key, p);
  }
  return p;
}

async function reachable(what: string, host: string, ports: Array<number | undefined>, timeoutMs: number): Promise<void> {
  for (const port of ports) {
    if (port === undefined) continue;
    const why = await probe(host, port, timeoutMs);
    if (why !== undefined) throw new InconclusiveError(`${what} at ${host}:${port} is unreachable (${why}): nothing can be judged`);
  }
}

function missing(what: string): never {
  throw new InconclusiveError(`the profile names no ${what}: the harness cannot drive this step`);
}

/** The vendor's Message Storage Server. */
class ExternalMessageStorage implements MessageStorageRole {
  readonly actor = 'Message Storage Server (IUT)';
  readonly external = true;

  constructor(
    private readonly iut: Iut,
    private readonly profile: Profile,
    private readonly pki: TestPki,
  ) {}

  get timeoutMs(): number {
    return this.iut.timeoutMs;
  }

  get trustAnchorPem(): string {
    return this.iut.trustAnchorPem;
  }

  endpoint(transport: Transport): Endpoint | undefined {
    if (!this.profile.capabilities.messageStorage.transports.includes(transport)) return undefined;
    const port = transport === 'implicit-tls' ? this.iut.ports.imaps : this.iut.ports.imap;
    return port === undefined ? undefined : { host: this.iut.host, port, servername: this.iut.servername };
  }

  pskEndpoint(): Endpoint | undefined {
    const port = this.iut.ports.pskTls;
    return this.profile.capabilities.messageStorage.pskTls.length > 0 && port !== undefined ? { host: this.iut.host, port, servername: this.iut.servername } : undefined;
  }

  clientCredential(kind: 'valid' | 'untrusted-ca'): ClientCredential | undefined {
    if (kind === 'untrusted-ca') {
      // issued by the harness's rogue root, which no IUT trusts
      const c = this.pki.bad('evvm-client', 'untrusted-ca');
      return { chainPem: c.chainPem, keyPem: c.keyPem };
    }
    if (this.iut.clientCertificate) return this.iut.clientCertificate;
    if (this.profile.policy.messageStorage.clientCertificate === 'required') missing('client certificate the Message Storage Server accepts (iut.clientCertificate)');
    return undefined;
  }

  psk(): PskCredential | undefined {
    if (this.profile.capabilities.messageStorage.pskTls.length === 0) return undefined;
    return this.iut.psk ?? missing('provisioned PSK-TLS identity (iut.psk)');
  }

  account(name: string): MssAccount {
    const a = this.iut.accounts.find((x) => x.name === name) ?? missing(`test account "${name}" (iut.accounts)`);
    return toMssAccount(a);
  }

  knownAccounts(): MssAccount[] {
    return this.iut.accounts.map(toMssAccount);
  }

  async subscribe(name: string): Promise<MssAccount> {
    // The harness cannot subscribe users on a vendor's system: the vendor did, and names the result (IXIT).
    const a = this.iut.accounts.find((x) => x.name === name && x.preconfigured) ?? missing(`subscribed user "${name}" with its pre-configured password (iut.accounts with preconfigured: true)`);
    return toMssAccount(a);
  }

  storageTarget(name: string): StorageTarget {
    return storageTargetFor({ endpoint: (t) => this.endpoint(t), trustAnchorPem: this.iut.trustAnchorPem, certificate: this.iut.clientCertificate, profile: this.profile, account: this.account(name), timeoutMs: this.iut.timeoutMs });
  }
}

function toMssAccount(a: IutAccount): MssAccount {
  return {
    name: a.name,
    username: a.username,
    password: a.password,
    ...(a.tuiPin !== undefined ? { tuiPin: a.tuiPin } : {}),
    ...(a.sip ? { sip: a.sip } : {}),
    ...(a.messageId ? { marker: a.messageId } : {}),
  };
}

/** The vendor's EVVM Server. */
class ExternalEvvmServer implements EvvmServerRole {
  readonly actor = 'EVVM Server (IUT)';

  constructor(
    private readonly iut: Iut,
    private readonly profile: Profile,
  ) {}

  endpoint(transport: Transport): Endpoint | undefined {
    if (!this.profile.capabilities.evvmServer.transports.includes(transport)) return undefined;
    const port = transport === 'implicit-tls' ? this.iut.ports.imaps : this.iut.ports.imap;
    return port === undefined ? undefined : { host: this.iut.host, port, servername: this.iut.servername };
  }

  async observations(): Promise<ServerObservations> {
    throw new InconclusiveError("this check needs the EVVM Server's own records (what it accepted and why), which an implementation under test does not expose");
  }
}

function toTestAccount(a: IutAccount): TestAccount {
  return {
    name: a.name,
    identifiers: a.identifiers!,
    password: a.password,
    blocked: a.blocked,
    voicemail: { messageId: a.messageId ?? '', raw: Buffer.alloc(0) },
  };
}

export class ExternalTopology implements Topology {
  readonly kind = 'external' as const;
  readonly accounts: readonly TestAccount[];
  private involved = false;
  private readonly stoppers: Array<() => Promise<void>> = [];

  constructor(
    private readonly inner: EmbeddedTopology,
    readonly iut: Iut,
    private readonly profile: Profile,
    private readonly pki: TestPki,
    private readonly faults: readonly string[],
    private readonly transcript: Transcript,
  ) {
    for (const a of iut.accounts) for (const s of [a.password, a.tuiPin, a.sip?.password]) transcript.secret(s);
    if (iut.psk) transcript.secret(iut.psk.key);
    this.accounts = iut.role === 'evvm-server' ? iut.accounts.map(toTestAccount) : inner.accounts;
  }

  /** Whether the scenario reached the implementation under test at all. */
  get iutInvolved(): boolean {
    return this.involved;
  }

  private get evvmIut(): boolean {
    return this.iut.role === 'evvm-server';
  }

  get trustAnchorPem(): string {
    return this.evvmIut ? this.iut.trustAnchorPem : this.inner.trustAnchorPem;
  }

  account(name: string): TestAccount {
    if (!this.evvmIut) return this.inner.account(name);
    return this.accounts.find((a) => a.name === name) ?? missing(`test account "${name}" (iut.accounts)`);
  }

  private async reach(what: string, ports: Array<number | undefined>): Promise<void> {
    this.involved = true;
    await reachable(what, this.iut.host, ports, this.iut.timeoutMs);
  }

  async evvmServer(): Promise<EvvmServerRole> {
    if (!this.evvmIut) return this.inner.evvmServer();
    const server = new ExternalEvvmServer(this.iut, this.profile);
    await this.reach('the EVVM Server (IUT)', [server.endpoint('implicit-tls')?.port, server.endpoint('starttls')?.port]);
    return server;
  }

  async evvmClient(): Promise<EvvmClientRole> {
    if (!this.evvmIut) return this.inner.evvmClient();
    // the harness's EVVM Client, configured for the vendor's server: its trust anchor and client certificate
    const cert = this.iut.clientCertificate;
    return new EvvmClient({
      trustAnchorPem: this.iut.trustAnchorPem,
      ...(cert ? { certificate: cert } : {}),
      faults: this.faults.filter((f) => f.startsWith('evvm-client:')),
      transcript: this.transcript,
    });
  }

  rogueImapServer(flaw: CertificateFlaw): Promise<CapturingServer> {
    return this.inner.rogueImapServer(flaw);
  }

  async starttlsStripper(stripLoginDisabled: boolean): Promise<CapturingServer> {
    if (!this.evvmIut) return this.inner.starttlsStripper(stripLoginDisabled);
    const upstream = (await this.evvmServer()).endpoint('starttls') ?? missing('STARTTLS port of the EVVM Server (iut.ports.imap)');
    const mitm = new StarttlsStripper({ upstream, stripLoginDisabled, actor: 'Man in the Middle', transcript: this.transcript });
    const port = await mitm.start();
    this.stoppers.push(() => mitm.stop());
    return { actor: mitm.actor, endpoint: () => ({ host: '127.0.0.1', port, servername: upstream.servername }), clientBytes: async () => mitm.clientBytes() };
  }

  clientCredential(kind: 'valid' | 'untrusted-ca' | 'expired' | 'revoked' | 'missing'): Pem | undefined {
    if (!this.evvmIut) return this.inner.clientCredential(kind);
    switch (kind) {
      case 'missing':
        return undefined;
      case 'untrusted-ca': {
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

  async role<K extends RoleName>(name: K): Promise<RoleMap[K]> {
    if (name === 'message-storage' && this.iut.role === 'message-storage') {
      const mss = new ExternalMessageStorage(this.iut, this.profile, this.pki);
      await this.reach('the Message Storage Server (IUT)', [mss.endpoint('implicit-tls')?.port, mss.endpoint('starttls')?.port]);
      return mss as MessageStorageRole as unknown as RoleMap[K]; // K is "message-storage" here; TS cannot narrow a generic key
    }
    return this.inner.role(name);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
    await this.inner.stop();
  }
}
