/**
 * The SMS roles (harness/roles/sms.ts) in containers; both sides of each route of SMS_ROUTES are here.
 *   'smsc'            the SMSC in the 'smsc' container; the harness's test ESME reaches it on its published ports
 *   'evvm-server-sms' the EVVM Server's SMS interface in the 'evvm-server' container, bound to the SMSC
 *   'evvm-client-sms' the subscribers' devices (handset radio + EVVM Client) in the 'evvm-client' container
 *   'sms-spoofer'     the SMS spoofer in the 'adversaries' container; what its fake base station transmits
 *                     lands on the device's radio, in the 'evvm-client' container
 * The SMPP credentials are made by the harness, per scenario (as in the embedded topology), and handed to
 * the SMSC and to each party that binds; each container keeps them out of its transcript. Every component
 * in a container uses the scope's Activity: the SMS path is quiet when every container's is (settled()).
 * Simulators reach each other by name on the private network; ports in answers are the containers' fixed ones.
 */
import { isIP } from 'node:net';
import { EvvmClient, type ClientAccount, type EvvmClientOptions, type Retrieval, type ServerTarget } from '../../../../simulators/evvm-client/evvm-client';
import { EvvmServerSms } from '../../../../simulators/evvm-server/notifications/sms-interface';
import { SmsSpoofer } from '../../../../simulators/adversaries/sms-spoofer';
import { Smsc } from '../../../../simulators/smsc';
import { ControlError } from '../../../control/control-server';
import { HarnessError } from '../../../engine/outcomes';
import {
  SETTLE_MS,
  SMS_ROUTES,
  SPOOFER_NUMBER,
  clientSmsRole,
  deviceRecord,
  evvmServerSmsOptions,
  mailboxOf,
  provisionedImap,
  provisionedServer,
  smsCredentials,
  smsNetworks,
  smscAccounts,
  smscOptions,
  smscRole,
  startDevice,
  transmitOverTheAir,
  voicemailDepositor,
  type DeviceParts,
  type NetworkEndpoint,
  type SmsCredentials,
  type SmscPorts,
} from '../../../roles/sms';
import { drivenEvvmServer } from '../../../simulate/driven/core';
import { serve, type Scope } from '../../../simulate/driven/host';
import { registerContainerRole, type ContainersContext } from '../../registry';
import { CONTAINER_ROLES } from '../names';

/** The scenario's SMS network as the harness holds it: the accounts it made, the SMSC's ports in its container. */
interface SmsNetwork {
  credentials: SmsCredentials;
  ports: SmscPorts;
}

const networks = smsNetworks<SmsNetwork>();

/**
 * Resolves when the SMS path is quiet across the containers (each `settle` asks one, in parallel): a
 * container that is busy answers once it is idle, and the round is asked again, because its work may have
 * moved on to another container. Every hop keeps its sender busy until the receiver has taken the work on,
 * so work is always visible somewhere; but the containers are asked at slightly different instants, so a
 * hand-over can slip between two answers: a second all-idle round in a row confirms.
 */
export async function settleAcross(containers: ReadonlyArray<(ms: number) => Promise<{ wasBusy: boolean }>>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleRounds = 0;
  while (idleRounds < 2) {
    const left = Math.ceil(deadline - Date.now());
    if (left <= 0) throw new HarnessError(`the SMS path was still busy after ${timeoutMs} ms`);
    const round = await Promise.all(containers.map((settle) => settle(left)));
    idleRounds = round.every((r) => !r.wasBusy) ? idleRounds + 1 : 0;
  }
}

/** A port a container reached on the private network, as the harness reaches it (its published port). */
export function harnessPort(ctx: Pick<ContainersContext, 'fromNetwork'>, reached: NetworkEndpoint | null | undefined): number | undefined {
  return reached ? ctx.fromNetwork(reached)?.port : undefined;
}

/**
 * The endpoints an SMS names (ipt) by the harness's published ports, with where each port leads on the
 * private network: what a device needs to follow the SMS to the server the harness meant.
 */
export function publishedEndpointsIn(ctx: Pick<ContainersContext, 'onNetwork'>, text: string): Array<{ port: number; to: NetworkEndpoint }> {
  const routes: Array<{ port: number; to: NetworkEndpoint }> = [];
  for (const m of text.matchAll(/(?:^|[;:])ipt=(\d{1,5})/g)) {
    const port = Number(m[1]);
    try {
      const { host, port: inside } = ctx.onNetwork({ host: '127.0.0.1', port });
      routes.push({ port, to: { host, port: inside } });
    } catch {
      // not a port of this run's containers: the SMS leads nowhere the harness knows of, as it says
    }
  }
  return routes;
}

registerContainerRole('smsc', async (ctx) => {
  const credentials = smsCredentials(ctx.accounts, ctx.transcript);
  const { actor, ports } = await ctx.call(SMS_ROUTES.smscStart, { accounts: smscAccounts(credentials, ctx.profile.policy.sms) });
  networks.set(ctx.topology, { credentials, ports });
  const settlers = Object.values(SMS_ROUTES.settle).map((route) => (ms: number) => ctx.call(route, { ms }));
  return smscRole({
    actor,
    ports,
    at: (port) => ctx.published('smsc', port),
    credentials,
    ctx,
    observations: () => ctx.call(SMS_ROUTES.smscObservations, {}),
    settled: () => settleAcross(settlers, SETTLE_MS),
  });
});

registerContainerRole('evvm-server-sms', async (ctx) => {
  const net = await networks.of(ctx);
  const srv = provisionedServer(await ctx.topology.evvmServer()).servername;
  const { actor } = await ctx.call(SMS_ROUTES.serverStart, { smsc: net.ports, credentials: net.credentials.evvmServer, srv });
  return {
    actor,
    shortCode: ctx.profile.policy.sms.shortCode,
    depositVoicemail: (account) => ctx.call(SMS_ROUTES.deposit, { name: account.name }),
    mailboxUpdated: async (msisdn) => void (await ctx.call(SMS_ROUTES.update, { msisdn, kind: 'mailbox' })),
    greetingsUpdated: async (msisdn) => void (await ctx.call(SMS_ROUTES.update, { msisdn, kind: 'greetings' })),
    subscriber: async (msisdn) => (await ctx.call(SMS_ROUTES.subscriber, { msisdn })).subscriber ?? undefined,
    observations: () => ctx.call(SMS_ROUTES.serverObservations, {}),
    mailbox: async (identifier) => (await ctx.call(SMS_ROUTES.mailbox, { identifier })).messages,
  };
});

registerContainerRole('evvm-client-sms', async (ctx) => {
  const net = await networks.of(ctx);
  const server = provisionedServer(await ctx.topology.evvmServer());
  return clientSmsRole(
    net.credentials.handsets,
    async (name, credentials) => {
      const { actor, radio } = await ctx.call(SMS_ROUTES.deviceStart, { name, credentials, smsc: { port: networks.smppPort(net) }, server });
      const mo = (command: 'Activate' | 'Deactivate' | 'STATUS') => ctx.call(SMS_ROUTES.deviceMo, { name, command });
      return {
        name,
        actor,
        msisdn: credentials.msisdn,
        activate: () => mo('Activate'),
        deactivate: () => mo('Deactivate'),
        requestStatus: () => mo('STATUS'),
        send: (to, text, options) => ctx.call(SMS_ROUTES.deviceSend, { name, to, text, ...(options?.port !== undefined ? { port: options.port } : {}) }),
        // the endpoints the device reached, as the harness reaches them
        observe: async () => {
          const { record, reached } = await ctx.call(SMS_ROUTES.deviceObserve, { name });
          const { state } = record;
          return {
            ...record,
            syncs: record.syncs.map((s, i) => ({ ...s, port: harnessPort(ctx, reached.syncs[i]) ?? s.port })),
            state: state.server ? { ...state, server: { ...state.server, port: harnessPort(ctx, reached.server) ?? state.server.port } } : state,
          };
        },
        radio: { actor: radio, injectOverTheAir: async (sms) => void (await ctx.call(SMS_ROUTES.deviceAir, { name, sms })) },
      };
    },
    async (account) => void (await ctx.call(SMS_ROUTES.smscAccount, { account })),
    ctx.transcript,
  );
});

registerContainerRole('sms-spoofer', async (ctx) => {
  const net = await networks.of(ctx);
  const { actor } = await ctx.call(SMS_ROUTES.spooferStart, { credentials: net.credentials.spoofer, smsc: { port: networks.smppPort(net) } });
  /** The devices learn where the endpoints the SMS names by the harness's ports lead on their network. */
  const pointDevicesAt = async (text: string): Promise<void> => {
    const routes = publishedEndpointsIn(ctx, text);
    if (routes.length) await ctx.call(SMS_ROUTES.deviceRoutes, { routes });
  };
  return {
    actor,
    ownNumber: SPOOFER_NUMBER,
    viaSmsc: async (sms) => {
      await pointDevicesAt(sms.text);
      return ctx.call(SMS_ROUTES.spooferSubmit, { sms });
    },
    overTheAir: async (device, sms) => {
      const sent = (await ctx.call(SMS_ROUTES.spooferAir, { radio: device.radio.actor, sms })).sms;
      await pointDevicesAt(sent.text);
      await device.radio.injectOverTheAir(sent);
    },
  };
});

// --- the containers' side ---

for (const route of Object.values(SMS_ROUTES.settle)) {
  serve(route, async ({ ms }, s) => {
    const was = s.activity.inFlight;
    await s.activity.idle(ms);
    return { wasBusy: was > 0 };
  });
}

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

const smscs = new Started<{ smsc: Smsc; ports: SmscPorts }>('sms:smsc', 'the SMSC');

serve(SMS_ROUTES.smscStart, async ({ accounts }, s) => {
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
});

serve(SMS_ROUTES.smscAccount, async ({ account }, s) => {
  s.transcript.secret(account.password);
  (await smscs.of(s)).smsc.addAccount(account);
  return { ok: true as const };
});

serve(SMS_ROUTES.smscObservations, async (_, s) => (await smscs.of(s)).smsc.observations());

// ---- the EVVM Server's SMS interface ----

const serverSms = new Started<{ sms: EvvmServerSms; deposit: ReturnType<typeof voicemailDepositor> }>('sms:evvm-server-sms', "the EVVM Server's SMS interface");

serve(SMS_ROUTES.serverStart, async ({ smsc, credentials, srv }, s) => {
  s.transcript.secret(credentials.password);
  const { sms } = await serverSms.start(s, async () => {
    const { server, ports } = await drivenEvvmServer(s);
    // srv names this container (its alias); the pool port is where devices reach the listener
    const advertised = provisionedImap((t) => (t === 'implicit-tls' ? ports.imaps : ports.imap));
    if (!advertised) throw new ControlError('the EVVM Server offers no IMAP endpoint a STATUS could name');
    const sms = new EvvmServerSms(
      evvmServerSmsOptions({
        server,
        smsc: { host: s.peer('smsc'), ports: smsc, ca: s.run.pki.trustAnchorPem },
        credentials,
        imap: { srv, ipt: advertised.endpoint },
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
});

serve(SMS_ROUTES.deposit, async ({ name }, s) => {
  const account = s.run.accounts.find((a) => a.name === name);
  if (!account) throw new ControlError(`no mailbox named "${name}"`);
  return (await serverSms.of(s)).deposit(account);
});

serve(SMS_ROUTES.update, async ({ msisdn, kind }, s) => {
  const { sms } = await serverSms.of(s);
  await (kind === 'mailbox' ? sms.mailboxUpdated(msisdn) : sms.greetingsUpdated(msisdn));
  return { ok: true as const };
});

serve(SMS_ROUTES.subscriber, async ({ msisdn }, s) => ({ subscriber: (await serverSms.of(s)).sms.subscriber(msisdn) ?? null }));
serve(SMS_ROUTES.serverObservations, async (_, s) => (await serverSms.of(s)).sms.observations());
serve(SMS_ROUTES.mailbox, async ({ identifier }, s) => ({ messages: mailboxOf((await drivenEvvmServer(s)).server, identifier) }));

// ---- the subscribers' devices ----

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
  if (!d) throw new ControlError(`no device named "${name}" in this scenario (${SMS_ROUTES.deviceStart.path})`);
  return d;
}

serve(SMS_ROUTES.deviceStart, async ({ name, credentials, smsc, server }, s) => {
  s.transcript.secret(credentials.password);
  const devices = await devicesOf(s);
  let d = devices.byName.get(name);
  if (!d) {
    d = startDevice({
      name,
      credentials,
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
});

serve(SMS_ROUTES.deviceMo, async ({ name, command }, s) => {
  const { client } = await deviceOf(s, name);
  return command === 'Activate' ? client.activate() : command === 'Deactivate' ? client.deactivate() : client.requestStatus();
});

serve(SMS_ROUTES.deviceSend, async ({ name, to, text, port }, s) => (await deviceOf(s, name)).handset.send(to, text, port !== undefined ? { port } : {}));

serve(SMS_ROUTES.deviceObserve, async ({ name }, s) => {
  const record = deviceRecord(await deviceOf(s, name));
  const { network } = await devicesOf(s);
  const server = record.state.server;
  return {
    record,
    reached: {
      syncs: record.syncs.map((sync) => network.destination(sync.host, sync.port) ?? null),
      server: server ? (network.destination(server.host, server.port) ?? null) : null,
    },
  };
});

serve(SMS_ROUTES.deviceAir, async ({ name, sms }, s) => {
  (await deviceOf(s, name)).handset.injectOverTheAir(sms);
  return { ok: true as const };
});

serve(SMS_ROUTES.deviceRoutes, async ({ routes }, s) => {
  const { network } = await devicesOf(s);
  for (const r of routes) network.route(r.port, r.to);
  return { ok: true as const };
});

// ---- the SMS spoofer ----

const spoofers = new Started<SmsSpoofer>('sms:spoofer', 'the SMS spoofer');

serve(SMS_ROUTES.spooferStart, async ({ credentials, smsc }, s) => {
  s.transcript.secret(credentials.password);
  const spoofer = await spoofers.start(s, async () => {
    const spoofer = new SmsSpoofer({ smsc: { host: s.peer('smsc'), port: smsc.port }, credentials, transcript: s.transcript, activity: s.activity });
    await spoofer.start();
    s.onEnd(() => spoofer.stop());
    return spoofer;
  });
  return { actor: spoofer.actor };
});

serve(SMS_ROUTES.spooferSubmit, async ({ sms }, s) => (await spoofers.of(s)).viaSmsc(sms));
serve(SMS_ROUTES.spooferAir, async ({ radio, sms }, s) => ({ sms: transmitOverTheAir(await spoofers.of(s), radio, sms) }));
