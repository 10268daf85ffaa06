/**
 * SMS notifications (EVVM-SMS-C01..C09) in the container topology; the driven side is
 * harness/simulate/driven/sms.ts.
 *   'smsc'            the SMSC in the 'smsc' container; the harness's test ESME reaches it on its published ports
 *   'evvm-server-sms' the EVVM Server's SMS interface in the 'evvm-server' container, bound to the SMSC
 *   'evvm-client-sms' the subscribers' devices (handset radio + EVVM Client) in the 'evvm-client' container
 *   'sms-spoofer'     the SMS spoofer in the 'adversaries' container; what its fake base station transmits
 *                     lands on the device's radio, in the 'evvm-client' container
 * The SMPP credentials are made here, per scenario (the harness owns them, as in the embedded topology),
 * and handed to the SMSC and to each party that binds. The SMS path is quiet when every container's
 * Activity is (settled()).
 */
import type { ClientVvmState, NotificationRecord, SyncRecord } from '../../../../simulators/evvm-client/sms/vvm-sms-client';
import type { OverTheAirSms, ReceivedSms } from '../../../../simulators/evvm-client/sms/handset';
import type { EvvmServerSmsObservations } from '../../../../simulators/evvm-server/notifications/sms-interface';
import type { SubscriberView } from '../../../../simulators/evvm-server/notifications/subscribers';
import type { SubmitOutcome } from '../../../../simulators/protocol/smpp/esme';
import type { SmscObservations } from '../../../../simulators/smsc';
import { HarnessError } from '../../../engine/outcomes';
import {
  SETTLE_MS,
  SMSC_NAME,
  SPOOFER_NUMBER,
  clientSmsRole,
  openTestEsme,
  provisionedServer,
  smsCredentials,
  smscAccounts,
  type EvvmServerSmsRole,
  type SmppEndpoint,
  type SmsCredentials,
  type SmscRole,
  type SmsDevice,
  type SmsSpooferRole,
} from '../../embedded/sms';
import { registerContainerRole, type ContainersContext } from '../../registry';
import type { Topology } from '../../roles';
import type { ControlClient } from '../control-client';
import type { ContainerRole } from '../names';

/** The scenario's SMS network as the harness holds it: the accounts it made, the SMSC's ports in its container. */
interface SmsNetwork {
  credentials: SmsCredentials;
  ports: { smpp?: number; smpps?: number };
}

const networks = new WeakMap<Topology, SmsNetwork>();

function network(ctx: ContainersContext): SmsNetwork {
  const n = networks.get(ctx.topology);
  if (!n) throw new HarnessError('the SMSC role has not been started in this scenario');
  return n;
}

function smppPort(net: SmsNetwork): number {
  if (net.ports.smpp === undefined) throw new HarnessError('the SMSC offers no plain SMPP port for handsets and the spoofer');
  return net.ports.smpp;
}

/** Every container an SMS component runs in: the path is quiet when all of them are. */
const SMS_CONTAINERS: readonly ContainerRole[] = ['smsc', 'evvm-server', 'evvm-client', 'adversaries'];

/**
 * Resolves when the SMS path is quiet across `containers` (POST /settle on each, in parallel): a
 * container that is busy answers once it is idle, and the round is asked again, because its work may
 * have moved on to another container. Every hop keeps its sender busy until the receiver has taken the
 * work on, so work is always visible somewhere; but the containers are asked at slightly different
 * instants, so a hand-over can slip between two answers: a second all-idle round in a row confirms.
 */
export async function settleAcross(containers: ReadonlyArray<Pick<ControlClient, 'call'>>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleRounds = 0;
  while (idleRounds < 2) {
    const left = Math.ceil(deadline - Date.now());
    if (left <= 0) throw new HarnessError(`the SMS path was still busy after ${timeoutMs} ms`);
    const round = await Promise.all(containers.map((c) => c.call<{ wasBusy: boolean }>('POST /settle', { ms: left }, left + 5000)));
    idleRounds = round.every((r) => !r.wasBusy) ? idleRounds + 1 : 0;
  }
}

async function settled(ctx: ContainersContext): Promise<void> {
  await settleAcross(await Promise.all(SMS_CONTAINERS.map((role) => ctx.control(role))), SETTLE_MS);
}

type NetworkEndpoint = { host: string; port: number };

/** A port a container reached on the private network, as the harness reaches it (its published port). */
export function harnessPort(ctx: Pick<ContainersContext, 'fromNetwork'>, reached: NetworkEndpoint | null): number | undefined {
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
  const c = await ctx.control('smsc');
  const { actor, ports } = await c.call<{ actor: string; ports: SmsNetwork['ports'] }>('POST /smsc/start', { accounts: smscAccounts(credentials, ctx.profile.policy.sms) });
  networks.set(ctx.topology, { credentials, ports });
  const endpoint = (t: 'tcp' | 'tls'): SmppEndpoint | undefined => {
    const port = t === 'tls' ? ports.smpps : ports.smpp;
    return port === undefined ? undefined : { ...ctx.published('smsc', port), ...(t === 'tls' ? { servername: SMSC_NAME } : {}) };
  };
  const role: SmscRole = {
    actor,
    evvmServerSystemId: credentials.evvmServer.systemId,
    endpoint,
    openTestEsme: async (t = 'tcp') => {
      const e = endpoint(t);
      if (!e) throw new HarnessError(`the SMSC offers no ${t === 'tls' ? 'SMPP over TLS' : 'plain SMPP'} port`);
      return openTestEsme({ endpoint: e, tls: t === 'tls', ca: ctx.pki.trustAnchorPem, peer: actor, transcript: ctx.transcript, onStop: ctx.onStop });
    },
    observations: () => c.call<SmscObservations>('GET /smsc/observations'),
    settled: () => settled(ctx),
  };
  return role;
});

registerContainerRole('evvm-server-sms', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const c = await ctx.control('evvm-server');
  const { actor } = await c.call<{ actor: string }>('POST /evvm-server-sms/start', { smsc: net.ports, credentials: net.credentials.evvmServer });
  const role: EvvmServerSmsRole = {
    actor,
    shortCode: ctx.profile.policy.sms.shortCode,
    depositVoicemail: (account) => c.call<{ uid: number; messageId: string }>('POST /evvm-server-sms/deposit', { name: account.name }),
    mailboxUpdated: async (msisdn) => void (await c.call('POST /evvm-server-sms/update', { msisdn, kind: 'mailbox' })),
    greetingsUpdated: async (msisdn) => void (await c.call('POST /evvm-server-sms/update', { msisdn, kind: 'greetings' })),
    subscriber: async (msisdn) => (await c.call<{ subscriber: SubscriberView | null }>('POST /evvm-server-sms/subscriber', { msisdn })).subscriber ?? undefined,
    observations: () => c.call<EvvmServerSmsObservations>('GET /evvm-server-sms/observations'),
    mailbox: async (identifier) => (await c.call<{ messages: Array<{ uid: number; messageId?: string }> }>('POST /evvm-server-sms/mailbox', { identifier })).messages,
  };
  return role;
});

registerContainerRole('evvm-client-sms', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const server = provisionedServer(await ctx.topology.evvmServer());
  const c = await ctx.control('evvm-client');

  const start = async (name: string): Promise<SmsDevice> => {
    const credentials = net.credentials.handsets.get(name);
    if (!credentials) throw new HarnessError(`no handset named "${name}": a test account, or a stranger declared first`);
    const { msisdn, ...bind } = credentials;
    const { actor, radio } = await c.call<{ actor: string; radio: string }>('POST /sms-device/start', { name, msisdn, credentials: bind, smsc: { port: smppPort(net) }, server });
    const mo = (command: 'Activate' | 'Deactivate' | 'STATUS') => c.call<SubmitOutcome>('POST /sms-device/mo', { name, command });
    const observe = <T>(what: 'received' | 'notifications' | 'syncs' | 'state') => c.call<T>('POST /sms-device/observe', { name, what });
    return {
      name,
      actor,
      msisdn,
      activate: () => mo('Activate'),
      deactivate: () => mo('Deactivate'),
      requestStatus: () => mo('STATUS'),
      send: (to, text, options) => c.call<SubmitOutcome>('POST /sms-device/send', { name, to, text, ...(options?.port !== undefined ? { port: options.port } : {}) }),
      received: async () => (await observe<{ received: ReceivedSms[] }>('received')).received,
      notifications: async () => (await observe<{ notifications: NotificationRecord[] }>('notifications')).notifications,
      // the endpoints the device reached, as the harness reaches them
      syncs: async () =>
        (await observe<{ syncs: Array<{ record: SyncRecord; reached: NetworkEndpoint | null }> }>('syncs')).syncs.map(({ record, reached }) => ({ ...record, port: harnessPort(ctx, reached) ?? record.port })),
      state: async () => {
        const { state, reached } = await observe<{ state: ClientVvmState; reached: NetworkEndpoint | null }>('state');
        return state.server ? { ...state, server: { ...state.server, port: harnessPort(ctx, reached) ?? state.server.port } } : state;
      },
      radio: { actor: radio, injectOverTheAir: async (sms: OverTheAirSms) => void (await c.call('POST /sms-device/air', { name, sms })) },
    };
  };

  return clientSmsRole(net.credentials.handsets, start, async (account) => void (await (await ctx.control('smsc')).call('POST /smsc/account', { account })), ctx.transcript);
});

registerContainerRole('sms-spoofer', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const c = await ctx.control('adversaries');
  const { actor } = await c.call<{ actor: string }>('POST /sms-spoofer/start', { credentials: net.credentials.spoofer, smsc: { port: smppPort(net) } });
  /** The devices learn where the endpoints the SMS names by the harness's ports lead on their network. */
  const pointDevicesAt = async (text: string): Promise<void> => {
    const routes = publishedEndpointsIn(ctx, text);
    if (routes.length) await (await ctx.control('evvm-client')).call('POST /sms-device/routes', { routes });
  };
  const role: SmsSpooferRole = {
    actor,
    ownNumber: SPOOFER_NUMBER,
    viaSmsc: async (sms) => {
      await pointDevicesAt(sms.text);
      return c.call<SubmitOutcome>('POST /sms-spoofer/submit', { sms });
    },
    overTheAir: async (device, sms) => {
      const sent = (await c.call<{ sms: OverTheAirSms }>('POST /sms-spoofer/air', { radio: device.radio.actor, sms })).sms;
      await pointDevicesAt(sent.text);
      await device.radio.injectOverTheAir(sent);
    },
  };
  return role;
});
