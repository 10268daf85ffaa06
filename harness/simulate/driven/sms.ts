/**
 * The driven side of SMS notifications (EVVM-SMS-C01..C09), what harness/topology/containers/sms.ts calls:
 *   'smsc'         the SMSC (SMPP and SMPP over TLS on the container's fixed ports)
 *   'evvm-server'  the EVVM Server's SMS interface, around the scenario's EVVM Server (core.ts)
 *   'evvm-client'  the subscribers' devices: handset radio + EVVM Client, one per name
 *   'adversaries'  the SMS spoofer (its own SMSC account; a fake base station's transmissions)
 * The SMPP credentials are the harness's: each comes in the request that needs it and is kept out of this
 * container's transcript. Every component uses the scope's Activity, so POST /settle covers it. Simulators
 * reach each other by name on the private network; ports in answers are the container's fixed ones.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { EvvmClient, type ClientAccount, type EvvmClientOptions, type Retrieval, type ServerTarget } from '../../../simulators/evvm-client/evvm-client';
import { EvvmServerSms } from '../../../simulators/evvm-server/notifications/sms-interface';
import { SmsSpoofer } from '../../../simulators/adversaries/sms-spoofer';
import { Smsc } from '../../../simulators/smsc';
import { ControlError } from '../../control/control-server';
import { CONTAINER_ROLES } from '../../topology/containers/names';
import { EVVM_SERVER_NAME } from '../../topology/embedded';
import {
  evvmServerSmsOptions,
  mailboxOf,
  provisionedImap,
  smscOptions,
  startDevice,
  transmitOverTheAir,
  voicemailDepositor,
  type DeviceParts,
} from '../../topology/embedded/sms';
import { parseBody } from '../body';
import { drivenEvvmServer } from './core';
import { registerDrivenRoutes, type Scope } from './host';

const Port = z.number().int().positive().max(65535);
const Credentials = z.object({ systemId: z.string().min(1).max(15), password: z.string().min(1).max(8) });
const SmscPorts = z.object({ smpp: Port.optional(), smpps: Port.optional() });
const Address = z.object({ addr: z.string(), ton: z.number().int(), npi: z.number().int() });
const Account = Credentials.extend({ kind: z.enum(['esme', 'handset']), addresses: z.array(Address).min(1) });
const Msisdn = z.object({ msisdn: z.string() });
const Name = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/) });
const AirSms = z.object({ originator: z.string(), text: z.string(), port: Port.optional(), portBits: z.union([z.literal(8), z.literal(16)]).optional() });
const Spoofed = z.object({ to: z.string(), text: z.string(), claimedOriginator: z.string().optional(), port: Port.optional() });
const NetworkEndpoint = z.object({ host: z.string(), port: Port });

/** What one kind of route starts once per scenario (scope.once), for the routes that use it afterwards. */
class Started<T> {
  constructor(
    private readonly key: string,
    private readonly what: string,
  ) {}

  start(scope: Scope, make: () => Promise<T>): Promise<T> {
    return scope.once(this.key, make);
  }

  of(scope: Scope): Promise<T> {
    return scope.started<T>(this.key, this.what);
  }
}

// ---- the SMSC ----

const smscs = new Started<{ smsc: Smsc; ports: { smpp?: number; smpps?: number } }>('sms:smsc', 'the SMSC');

registerDrivenRoutes('smsc', (scope) => ({
  /** Starts the scenario's SMSC with the accounts the harness made. */
  'POST /smsc/start': async (b) => {
    const { accounts } = parseBody(z.object({ accounts: z.array(Account) }), b);
    const s = scope();
    for (const a of accounts) s.transcript.secret(a.password);
    const { smsc, ports } = await smscs.start(s, async () => {
      const smsc = new Smsc(smscOptions({ pki: s.run.pki, accounts, faults: s.faults, transcript: s.transcript, activity: s.activity }));
      const local = await smsc.start();
      s.onEnd(() => smsc.stop());
      return {
        smsc,
        ports: {
          ...(local.smpp !== undefined ? { smpp: await s.expose(local.smpp) } : {}),
          ...(local.smpps !== undefined ? { smpps: await s.expose(local.smpps) } : {}),
        },
      };
    });
    return { actor: smsc.actor, ports };
  },
  /** A handset whose number has no mailbox gets an account (a stranger). */
  'POST /smsc/account': async (b) => {
    const { account } = parseBody(z.object({ account: Account }), b);
    const s = scope();
    s.transcript.secret(account.password);
    (await smscs.of(s)).smsc.addAccount(account);
    return { ok: true };
  },
  'GET /smsc/observations': async () => (await smscs.of(scope())).smsc.observations(),
}));

// ---- the EVVM Server's SMS interface ----

interface ServerSms {
  sms: EvvmServerSms;
  deposit: ReturnType<typeof voicemailDepositor>;
}

const serverSms = new Started<ServerSms>('sms:evvm-server-sms', "the EVVM Server's SMS interface");

registerDrivenRoutes('evvm-server', (scope) => ({
  /** Binds the scenario's EVVM Server to the SMSC; its STATUS names the IMAP endpoint devices reach on this network. */
  'POST /evvm-server-sms/start': async (b) => {
    const { smsc, credentials } = parseBody(z.object({ smsc: SmscPorts, credentials: Credentials }), b);
    const s = scope();
    s.transcript.secret(credentials.password);
    const { sms } = await serverSms.start(s, async () => {
      const { server, ports } = await drivenEvvmServer(s);
      // evvm-server.op.example is this container's alias: the pool port is where devices reach the listener
      const advertised = provisionedImap((t) => (t === 'implicit-tls' ? ports.imaps : ports.imap));
      if (!advertised) throw new ControlError('the EVVM Server offers no IMAP endpoint a STATUS could name');
      const sms = new EvvmServerSms(
        evvmServerSmsOptions({
          server,
          smsc: { host: s.peer('smsc'), ports: smsc, ca: s.run.pki.trustAnchorPem },
          credentials,
          imap: { srv: EVVM_SERVER_NAME, ipt: advertised.endpoint },
          accounts: s.run.accounts,
          profile: s.run.profile,
          faults: s.faults,
          transcript: s.transcript,
          activity: s.activity,
        }),
      );
      await sms.start();
      s.onEnd(() => sms.stop());
      return { sms, deposit: voicemailDepositor(server) };
    });
    return { actor: sms.actor };
  },
  'POST /evvm-server-sms/deposit': async (b) => {
    const { name } = parseBody(Name, b);
    const s = scope();
    const account = s.run.accounts.find((a) => a.name === name);
    if (!account) throw new ControlError(`no mailbox named "${name}"`);
    return (await serverSms.of(s)).deposit(account);
  },
  'POST /evvm-server-sms/update': async (b) => {
    const { msisdn, kind } = parseBody(Msisdn.extend({ kind: z.enum(['mailbox', 'greetings']) }), b);
    const { sms } = await serverSms.of(scope());
    await (kind === 'mailbox' ? sms.mailboxUpdated(msisdn) : sms.greetingsUpdated(msisdn));
    return { ok: true };
  },
  'POST /evvm-server-sms/subscriber': async (b) => {
    const { msisdn } = parseBody(Msisdn, b);
    return { subscriber: (await serverSms.of(scope())).sms.subscriber(msisdn) ?? null };
  },
  'GET /evvm-server-sms/observations': async () => (await serverSms.of(scope())).sms.observations(),
  'POST /evvm-server-sms/mailbox': async (b) => {
    const { identifier } = parseBody(z.object({ identifier: z.string() }), b);
    return { messages: mailboxOf((await drivenEvvmServer(scope())).server, identifier) };
  },
}));

// ---- the subscribers' devices ----

type NetworkEndpoint = z.infer<typeof NetworkEndpoint>;

/**
 * The private network as the devices see it. Names resolve by DNS, and only the run's own names (its
 * containers' aliases): nothing else is reachable. An SMS the harness had sent may name an endpoint as
 * the harness reaches it (its published port, as the embedded network names every endpoint by its port);
 * the harness says where such a port leads here, and a device that follows the SMS goes there, whatever
 * name the SMS gave it (the name still decides which certificate the device accepts).
 */
export class DeviceNetwork {
  private readonly names = new Set<string>(Object.values(CONTAINER_ROLES).flat());
  private readonly published = new Map<number, NetworkEndpoint>();

  route(harnessPort: number, to: NetworkEndpoint): void {
    this.published.set(harnessPort, to);
  }

  /** names only: this network is not reached by address */
  readonly resolve = (host: string): string | undefined => (isIP(host) ? undefined : host);

  /** where a connection to host:port goes on this network, or undefined when nothing is there */
  destination(host: string, port: number): NetworkEndpoint | undefined {
    return this.published.get(port) ?? (this.names.has(host) ? { host, port } : undefined);
  }
}

/** The EVVM Client's IMAP engine on this network: it connects where DeviceNetwork says the target is. */
export class NetworkEvvmClient extends EvvmClient {
  constructor(
    options: EvvmClientOptions,
    private readonly network: DeviceNetwork,
  ) {
    super(options);
  }

  override async retrieveVoicemail(target: ServerTarget, account: ClientAccount): Promise<Retrieval> {
    const to = this.network.destination(target.host, target.port);
    if (!to) return { connected: false, serverAuthenticated: false, loggedIn: false, voicemails: [], error: `${target.host} is not reachable` };
    return super.retrieveVoicemail({ ...target, ...to }, account);
  }
}

interface Devices {
  network: DeviceNetwork;
  byName: Map<string, Promise<DeviceParts>>;
}

const devicesOf = (scope: Scope): Promise<Devices> => scope.once('sms-devices', async () => ({ network: new DeviceNetwork(), byName: new Map() }));

async function deviceOf(scope: Scope, name: string): Promise<DeviceParts> {
  const d = (await devicesOf(scope)).byName.get(name);
  if (!d) throw new ControlError(`no device named "${name}" in this scenario (POST /sms-device/start)`);
  return d;
}

const MoBody = Name.extend({ command: z.enum(['Activate', 'Deactivate', 'STATUS']) });
const ObserveBody = Name.extend({ what: z.enum(['received', 'notifications', 'syncs', 'state']) });

registerDrivenRoutes('evvm-client', (scope) => ({
  /** Attaches a subscriber's device to the SMSC, with the account the harness made for its handset. */
  'POST /sms-device/start': async (b) => {
    const { name, msisdn, credentials, smsc, server } = parseBody(
      Name.extend({ msisdn: z.string(), credentials: Credentials, smsc: z.object({ port: Port }), server: z.object({ servername: z.string(), transport: z.enum(['implicit-tls', 'starttls']) }) }),
      b,
    );
    const s = scope();
    s.transcript.secret(credentials.password);
    const devices = await devicesOf(s);
    let d = devices.byName.get(name);
    if (!d) {
      d = startDevice({
        name,
        credentials: { ...credentials, msisdn },
        account: s.run.accounts.find((a) => a.name === name),
        smsc: { host: s.peer('smsc'), port: smsc.port },
        server,
        resolve: devices.network.resolve,
        imap: (o) => new NetworkEvvmClient(o, devices.network),
        pki: s.run.pki,
        profile: s.run.profile,
        faults: s.faults,
        transcript: s.transcript,
        activity: s.activity,
      }).then(({ stop, ...parts }) => {
        s.onEnd(stop);
        return parts;
      });
      devices.byName.set(name, d);
    }
    const { client, handset } = await d;
    return { actor: client.actor, radio: handset.actor };
  },
  'POST /sms-device/mo': async (b) => {
    const { name, command } = parseBody(MoBody, b);
    const { client } = await deviceOf(scope(), name);
    return command === 'Activate' ? client.activate() : command === 'Deactivate' ? client.deactivate() : client.requestStatus();
  },
  'POST /sms-device/send': async (b) => {
    const { name, to, text, port } = parseBody(Name.extend({ to: z.string(), text: z.string(), port: Port.optional() }), b);
    return (await deviceOf(scope(), name)).handset.send(to, text, port !== undefined ? { port } : {});
  },
  /** What a device observed; where a sync or the account leads is answered as the network endpoint it reached. */
  'POST /sms-device/observe': async (b) => {
    const { name, what } = parseBody(ObserveBody, b);
    const s = scope();
    const { handset, client } = await deviceOf(s, name);
    const { network } = await devicesOf(s);
    if (what === 'received') return { received: handset.received() };
    if (what === 'notifications') return { notifications: client.notifications() };
    if (what === 'syncs') return { syncs: client.syncs().map((record) => ({ record, reached: network.destination(record.host, record.port) ?? null })) };
    const state = client.state();
    return { state, reached: state.server ? (network.destination(state.server.host, state.server.port) ?? null) : null };
  },
  /** A fake base station's SMS lands on the device's radio. */
  'POST /sms-device/air': async (b) => {
    const { name, sms } = parseBody(Name.extend({ sms: AirSms }), b);
    (await deviceOf(scope(), name)).handset.injectOverTheAir(sms);
    return { ok: true };
  },
  /** Where endpoints an SMS names by the harness's published ports lead on this network. */
  'POST /sms-device/routes': async (b) => {
    const { routes } = parseBody(z.object({ routes: z.array(z.object({ port: Port, to: NetworkEndpoint })) }), b);
    const { network } = await devicesOf(scope());
    for (const r of routes) network.route(r.port, r.to);
    return { ok: true };
  },
}));

// ---- the SMS spoofer ----

const spoofers = new Started<SmsSpoofer>('sms:spoofer', 'the SMS spoofer');

registerDrivenRoutes('adversaries', (scope) => ({
  /** Binds the spoofer to the SMSC with its own account (a bulk-SMS customer's). */
  'POST /sms-spoofer/start': async (b) => {
    const { credentials, smsc } = parseBody(z.object({ credentials: Credentials, smsc: z.object({ port: Port }) }), b);
    const s = scope();
    s.transcript.secret(credentials.password);
    const spoofer = await spoofers.start(s, async () => {
      const spoofer = new SmsSpoofer({ smsc: { host: s.peer('smsc'), port: smsc.port }, credentials, transcript: s.transcript, activity: s.activity });
      await spoofer.start();
      s.onEnd(() => spoofer.stop());
      return spoofer;
    });
    return { actor: spoofer.actor };
  },
  'POST /sms-spoofer/submit': async (b) => {
    const { sms } = parseBody(z.object({ sms: Spoofed }), b);
    return (await spoofers.of(scope())).viaSmsc(sms);
  },
  /** A fake base station transmits to a device's radio: recorded here, received where the radio is. */
  'POST /sms-spoofer/air': async (b) => {
    const { radio, sms } = parseBody(z.object({ radio: z.string(), sms: AirSms }), b);
    return { sms: transmitOverTheAir(await spoofers.of(scope()), radio, sms) };
  },
}));
