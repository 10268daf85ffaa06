/**
 * The external topology: one role is a vendor's implementation under test (IUT), named by the profile's
 * `iut:` section; the harness plays every other role embedded, exactly as in the embedded topology. The
 * same feature files run unchanged. What the harness cannot drive or observe on the IUT is inconclusive
 * (InconclusiveError), never a pass: an unreachable IUT, a check that needs the IUT's own records, a test
 * account the profile does not name. A scenario that never reached the IUT says nothing about it and is
 * reported not applicable. The vendor's roles are in external/<clause>.ts (registerExternalRole).
 */
import net from 'node:net';
import path from 'node:path';
import type { Transcript } from '../../evidence/transcript';
import type { Profile } from '../profile/profile';
import { iutSecrets, type ImapServerIut, type Iut, type IutAccount } from '../profile/sections/iut';
import type { TestPki } from '../../simulators/crypto/pki/types';
import { HarnessError, InconclusiveError } from '../engine/outcomes';
import type { TestAccount } from './accounts';
import type { EmbeddedTopology } from './embedded';
import { externalRoles, loadFolder, type ExternalContext, type RoleMap, type RoleName } from './registry';
import type { EvvmClientRole, EvvmServerRole } from '../roles/authentication';
import type { Endpoint, Topology, Transport } from './roles';

// every clause's vendor roles (harness/topology/external/<clause>.ts)
loadFolder(path.join(__dirname, 'external'));

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

/** A value the profile's iut section must name for this step; without it the harness cannot drive the step. */
export function missing(what: string): never {
  throw new InconclusiveError(`the profile names no ${what}: the harness cannot drive this step`);
}

/** The IUT's IMAP endpoint of a transport: where the profile declares the transport and names its port. */
export function iutEndpoint(iut: ImapServerIut, declared: readonly Transport[], transport: Transport): Endpoint | undefined {
  const port = transport === 'implicit-tls' ? iut.ports.imaps : iut.ports.imap;
  return declared.includes(transport) && port !== undefined ? { host: iut.host, port, servername: iut.servername } : undefined;
}

function toTestAccount(a: IutAccount): TestAccount {
  return {
    name: a.name,
    identifiers: a.identifiers!,
    password: a.password,
    blocked: a.blocked,
    voicemail: { messageId: a.messageId ?? '', raw: Buffer.alloc(0) },
    ...(a.tuiPin !== undefined ? { tuiPin: a.tuiPin } : {}),
  };
}

export class ExternalTopology implements Topology {
  readonly accounts: readonly TestAccount[];
  private involved = false;
  private readonly stoppers: Array<() => Promise<void>> = [];
  private readonly roles = new Map<string, Promise<unknown>>();
  private readonly ctx: ExternalContext;

  constructor(
    private readonly inner: EmbeddedTopology,
    readonly iut: Iut,
    profile: Profile,
    pki: TestPki,
    faults: readonly string[],
    transcript: Transcript,
  ) {
    for (const s of iutSecrets(iut)) transcript.secret(s);
    this.accounts = iut.role === 'evvm-server' ? iut.accounts.map(toTestAccount) : inner.accounts;
    this.ctx = {
      pki,
      profile,
      accounts: this.accounts,
      faults,
      transcript,
      topology: this,
      iut,
      inner: (name) => inner.role(name),
      reach: async (what, ports) => {
        this.involved = true;
        // a client under test has no ports: it connects to the harness (involve)
        if (iut.role === 'evvm-client' || iut.role === 'evvm-server-sms') throw new HarnessError(`the ${iut.role} under test has no ports the harness connects to`);
        await reachable(what, iut.host, ports, iut.timeoutMs);
      },
      involve: () => {
        this.involved = true;
      },
      onStop: (stop) => this.stoppers.push(stop),
    };
  }

  /** Whether the scenario reached the implementation under test at all. */
  get iutInvolved(): boolean {
    return this.involved;
  }

  account(name: string): TestAccount {
    if (this.iut.role !== 'evvm-server') return this.inner.account(name);
    return this.accounts.find((a) => a.name === name) ?? missing(`test account "${name}" (iut.accounts)`);
  }

  /** The vendor's implementation where it plays the role (or builds on the one it plays), else the harness's own. */
  role<K extends RoleName>(name: K): Promise<RoleMap[K]> {
    const vendor = externalRoles(this.iut.role);
    return vendor.has(name) ? vendor.instance(name, this.roles, this.ctx) : this.inner.role(name);
  }

  evvmServer(): Promise<EvvmServerRole> {
    return this.role('evvm-server');
  }

  evvmClient(): Promise<EvvmClientRole> {
    return this.role('evvm-client');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.stoppers.reverse().map((s) => s()));
    await this.inner.stop();
  }
}
