/**
 * SMS notifications (IF-3, IF-4, IF-9; EVVM-SMS-C01..C09, candidates): the role interfaces the steps of
 * features/sms-notification talk to, and their embedded implementations: the SMSC, the EVVM Server's SMS
 * interface (around the embedded EVVM Server), the subscribers' devices (handset radio + EVVM Client),
 * the SMS spoofer, and a test ESME for the harness. Roles observe; they do not judge.
 *
 * Every component of one scenario shares one Activity, so `settled()` means the whole SMS path is
 * quiet (no PDU unacknowledged, no notification being handled, no IMAP sync running): scenarios wait
 * on that, never on a timer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EvvmClient } from '../../../simulators/evvm-client/evvm-client';
import { Handset, type OverTheAirSms, type ReceivedSms } from '../../../simulators/evvm-client/sms/handset';
import { VvmSmsClient, loopbackResolver, type ClientVvmState, type NotificationRecord, type SyncRecord } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import { EvvmServerSms, type EvvmServerSmsObservations } from '../../../simulators/evvm-server/notifications/sms-interface';
import type { SubscriberView } from '../../../simulators/evvm-server/notifications/subscribers';
import { SmsSpoofer, type SpoofedSms } from '../../../simulators/adversaries/sms-spoofer';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { Esme, type SubmitOutcome } from '../../../simulators/protocol/smpp/esme';
import { renderShortMessage } from '../../../simulators/protocol/vvm-sms/render';
import { Smsc, msisdnAddress, shortCodeAddress, type SmscAccountSpec, type SmscObservations } from '../../../simulators/smsc';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import { HarnessError } from '../../engine/outcomes';
import { registerSecret } from '../../evidence/secrets';
import type { Transcript, TranscriptSink } from '../../evidence/transcript';
import type { Profile } from '../../profile/profile';
import { voicemailFor, type TestAccount } from '../accounts';
import type { Topology } from '../roles';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

declare module '../registry' {
  interface RoleMap {
    smsc: SmscRole;
    'evvm-server-sms': EvvmServerSmsRole;
    'evvm-client-sms': EvvmClientSmsRole;
    'sms-spoofer': SmsSpooferRole;
  }
}

export const SMSC_NAME = 'smsc.op.example';
const HOST = '127.0.0.1';
/** the spoofer's own number at the SMSC (a bulk-SMS customer's) */
const SPOOFER_NUMBER = '15559999';
/** how long the SMS path may take to go quiet before the harness calls it broken */
const SETTLE_MS = 8000;

// --- role interfaces ---

export interface SmppEndpoint {
  host: string;
  port: number;
  /** the name the SMSC's certificate carries (TLS only) */
  servername?: string;
}

/** The SMSC, whoever plays it. */
export interface SmscRole {
  readonly actor: string;
  endpoint(transport: 'tcp' | 'tls'): SmppEndpoint | undefined;
  /** the system_id the EVVM Server binds with (its password stays with the server) */
  readonly evvmServerSystemId: string;
  /** the harness's own ESME, connected and not bound, closed when the scenario ends */
  openTestEsme(transport?: 'tcp' | 'tls'): Promise<Esme>;
  observations(): Promise<SmscObservations>;
  /** resolves when nothing is in flight on the SMS path */
  settled(): Promise<void>;
}

/** The EVVM Server's SMS interface (and the deposits that trigger it). */
export interface EvvmServerSmsRole {
  readonly actor: string;
  /** the server's number: originator of its notifications, destination of MO commands */
  readonly shortCode: string;
  /** a caller leaves a new voicemail in the mailbox */
  depositVoicemail(mailbox: TestAccount): Promise<{ uid: number; messageId: string }>;
  mailboxUpdated(msisdn: string): Promise<void>;
  greetingsUpdated(msisdn: string): Promise<void>;
  subscriber(msisdn: string): Promise<SubscriberView | undefined>;
  observations(): Promise<EvvmServerSmsObservations>;
  /** what the mailbox holds on the server: the authenticated IMAP state */
  mailbox(identifier: string): Promise<Array<{ uid: number; messageId?: string }>>;
}

/** A subscriber's device: the handset's radio and the EVVM Client on it. */
export interface SmsDevice {
  readonly name: string;
  readonly actor: string;
  /** tel:+… */
  readonly msisdn: string;
  activate(): Promise<SubmitOutcome>;
  deactivate(): Promise<SubmitOutcome>;
  requestStatus(): Promise<SubmitOutcome>;
  /** any SMS from this handset through the SMSC */
  send(to: string, text: string, options?: { port?: number }): Promise<SubmitOutcome>;
  /** every SMS the radio received (texts may hold credentials: evidence must redact) */
  received(): readonly ReceivedSms[];
  notifications(): readonly NotificationRecord[];
  syncs(): readonly SyncRecord[];
  state(): ClientVvmState;
  /** the radio, for a fake base station */
  readonly radio: Pick<Handset, 'injectOverTheAir' | 'actor'>;
}

export interface EvvmClientSmsRole {
  /** the device of a test account, or of a stranger declared before */
  device(name: string): Promise<SmsDevice>;
  /** declares a handset whose number has no mailbox */
  stranger(name: string, msisdn: string): void;
}

export interface SmsSpooferRole {
  readonly actor: string;
  /** the number the SMSC assigned to the spoofer's own account */
  readonly ownNumber: string;
  viaSmsc(sms: SpoofedSms): Promise<SubmitOutcome>;
  overTheAir(device: SmsDevice, sms: OverTheAirSms): Promise<void>;
}

// --- the scenario's SMS network ---

interface Credentials {
  systemId: string;
  password: string;
}

interface SmsNetwork {
  activity: Activity;
  smsc: Smsc;
  ports: { smpp?: number; smpps?: number };
  ca: string;
  policy: Profile['policy']['sms'];
  evvmServer: Credentials;
  spoofer: Credentials;
  handsets: Map<string, Credentials & { msisdn: string }>;
}

const networks = new WeakMap<Topology, SmsNetwork>();

function hasSecret(sink: TranscriptSink): sink is TranscriptSink & Pick<Transcript, 'secret'> {
  return typeof (sink as Partial<Transcript>).secret === 'function';
}

/** SMPP passwords are at most 8 characters; random per scenario, registered as secrets. */
function smppPassword(ctx: EmbeddedContext): string {
  const p = randomBytes(6).toString('base64url');
  registerSecret(p);
  if (hasSecret(ctx.transcript)) ctx.transcript.secret(p);
  return p;
}

const handsetSystemId = (msisdn: string): string => `ms${msisdnAddress(msisdn).addr}`.slice(0, 15);

function network(ctx: EmbeddedContext): SmsNetwork {
  const n = networks.get(ctx.topology);
  if (!n) throw new HarnessError('the SMSC role has not been started in this scenario');
  return n;
}

async function settle(activity: Activity): Promise<void> {
  try {
    await activity.idle(SETTLE_MS);
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
}

registerEmbeddedRole('smsc', async (ctx) => {
  const policy = ctx.profile.policy.sms;
  const activity = new Activity();
  const evvmServer = { systemId: 'evvm-server', password: smppPassword(ctx) };
  const spoofer = { systemId: 'bulk-sms', password: smppPassword(ctx) };
  const handsets = new Map<string, Credentials & { msisdn: string }>();
  const accounts: SmscAccountSpec[] = [
    { ...evvmServer, kind: 'esme', addresses: [shortCodeAddress(policy.shortCode)] },
    { ...spoofer, kind: 'esme', addresses: [msisdnAddress(SPOOFER_NUMBER)] },
  ];
  for (const a of ctx.accounts) {
    const c = { systemId: handsetSystemId(a.identifiers.MSISDN), password: smppPassword(ctx), msisdn: a.identifiers.MSISDN };
    handsets.set(a.name, c);
    accounts.push({ systemId: c.systemId, password: c.password, kind: 'handset', addresses: [msisdnAddress(c.msisdn)] });
  }
  const leaf = ctx.pki.leaf('smsc');
  const smsc = new Smsc({
    listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } },
    accounts,
    faults: ctx.faults.filter((f) => f.startsWith('smsc:')),
    transcript: ctx.transcript,
    activity,
  });
  const ports = await smsc.start();
  ctx.onStop(() => smsc.stop());
  networks.set(ctx.topology, { activity, smsc, ports, ca: ctx.pki.trustAnchorPem, policy, evvmServer, spoofer, handsets });
  const role: SmscRole = {
    actor: smsc.actor,
    evvmServerSystemId: evvmServer.systemId,
    endpoint: (t) => {
      const port = t === 'tls' ? ports.smpps : ports.smpp;
      return port === undefined ? undefined : { host: HOST, port, ...(t === 'tls' ? { servername: SMSC_NAME } : {}) };
    },
    openTestEsme: async (t = 'tcp') => {
      const port = t === 'tls' ? ports.smpps! : ports.smpp!;
      const esme = await Esme.connect({
        host: HOST,
        port,
        ...(t === 'tls' ? { tls: { ca: ctx.pki.trustAnchorPem, servername: SMSC_NAME } } : {}),
        actor: 'Test ESME',
        peer: smsc.actor,
        transcript: ctx.transcript,
        text: renderShortMessage,
      });
      ctx.onStop(() => esme.close());
      return esme;
    },
    observations: async () => smsc.observations(),
    settled: () => settle(activity),
  };
  return role;
});

registerEmbeddedRole('evvm-server-sms', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const server = await ctx.evvmServer();
  const imap = await ctx.topology.evvmServer();
  const endpoint = imap.endpoint('implicit-tls') ?? imap.endpoint('starttls');
  if (!endpoint) throw new HarnessError('the EVVM Server offers no IMAP endpoint a STATUS could name');
  const caps = ctx.profile.capabilities.sms;
  const sms = new EvvmServerSms({
    server,
    smsc: {
      host: HOST,
      ...(net.ports.smpp !== undefined ? { port: net.ports.smpp } : {}),
      ...(net.ports.smpps !== undefined ? { tls: { port: net.ports.smpps, ca: net.ca, servername: SMSC_NAME } } : {}),
      ...net.evvmServer,
    },
    requireTls: net.policy.smppTls,
    shortCode: net.policy.shortCode,
    imap: { srv: endpoint.servername, ipt: endpoint.port },
    subscribers: ctx.accounts.map((a) => ({ msisdn: a.identifiers.MSISDN, username: a.identifiers.MSISDN, password: a.password, blocked: a.blocked })),
    portAddressing: caps.portAddressing,
    defaultPort: net.policy.applicationPort,
    prefix: net.policy.clientPrefix,
    faults: ctx.faults,
    transcript: ctx.transcript,
    activity: net.activity,
  });
  await sms.start();
  ctx.onStop(() => sms.stop());
  const runId = randomUUID().slice(0, 8);
  let deposits = 0;
  const role: EvvmServerSmsRole = {
    actor: sms.actor,
    shortCode: net.policy.shortCode,
    depositVoicemail: async (account) => {
      const vm = voicemailFor(`${account.name}-${++deposits}`, account.identifiers.MSISDN, runId);
      const uid = server.deposit(account.identifiers.MSISDN, { raw: vm.raw });
      return { uid, messageId: vm.messageId };
    },
    mailboxUpdated: (msisdn) => sms.mailboxUpdated(msisdn),
    greetingsUpdated: (msisdn) => sms.greetingsUpdated(msisdn),
    subscriber: async (msisdn) => sms.subscriber(msisdn),
    observations: async () => sms.observations(),
    mailbox: async (identifier) =>
      server.messages(identifier).map((m) => {
        const id = /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
        return id ? { uid: m.uid, messageId: id } : { uid: m.uid };
      }),
  };
  return role;
});

function clientCertificate(pki: TestPki, account: TestAccount | undefined): { chainPem: string; keyPem: string } | undefined {
  if (!account?.clientCertificate) return undefined;
  const c = pki.leaf(account.clientCertificate);
  return { chainPem: c.chainPem, keyPem: c.keyPem };
}

registerEmbeddedRole('evvm-client-sms', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const imap = await ctx.topology.evvmServer();
  const transport = imap.endpoint('implicit-tls') ? ('implicit-tls' as const) : ('starttls' as const);
  const servername = (imap.endpoint(transport) ?? { servername: 'evvm-server.op.example' }).servername;
  const devices = new Map<string, Promise<SmsDevice>>();

  const start = async (name: string): Promise<SmsDevice> => {
    const creds = net.handsets.get(name);
    if (!creds) throw new HarnessError(`no handset named "${name}": a test account, or a stranger declared first`);
    const account = ctx.accounts.find((a) => a.name === name);
    const handset = new Handset({
      actor: `Handset (${name})`,
      msisdn: creds.msisdn,
      smsc: { host: HOST, port: net.ports.smpp! },
      credentials: creds,
      transcript: ctx.transcript,
      activity: net.activity,
    });
    await handset.start();
    ctx.onStop(() => handset.stop());
    const cert = clientCertificate(ctx.pki, account);
    const client = new VvmSmsClient({
      actor: `EVVM Client (${name})`,
      handset,
      imap: new EvvmClient({
        actor: `EVVM Client (${name})`,
        trustAnchorPem: ctx.pki.trustAnchorPem,
        ...(cert ? { certificate: cert } : {}),
        faults: ctx.faults.filter((f) => f.startsWith('evvm-client:')),
        transcript: ctx.transcript,
      }),
      policy: { allowList: net.policy.originatorAllowList, port: net.policy.applicationPort, prefix: net.policy.clientPrefix, dn: net.policy.shortCode },
      server: { servername, transport },
      resolve: loopbackResolver,
      faults: ctx.faults,
      transcript: ctx.transcript,
    });
    return {
      name,
      actor: client.actor,
      msisdn: creds.msisdn,
      activate: () => client.activate(),
      deactivate: () => client.deactivate(),
      requestStatus: () => client.requestStatus(),
      send: (to, text, options) => handset.send(to, text, options),
      received: () => handset.received(),
      notifications: () => client.notifications(),
      syncs: () => client.syncs(),
      state: () => client.state(),
      radio: handset,
    };
  };

  const role: EvvmClientSmsRole = {
    device: (name) => {
      let d = devices.get(name);
      if (!d) devices.set(name, (d = start(name)));
      return d;
    },
    stranger: (name, msisdn) => {
      if (net.handsets.has(name)) throw new HarnessError(`a handset named "${name}" exists already`);
      const c = { systemId: handsetSystemId(msisdn), password: smppPassword(ctx), msisdn };
      net.smsc.addAccount({ systemId: c.systemId, password: c.password, kind: 'handset', addresses: [msisdnAddress(msisdn)] });
      net.handsets.set(name, c);
    },
  };
  return role;
});

registerEmbeddedRole('sms-spoofer', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const spoofer = new SmsSpoofer({ smsc: { host: HOST, port: net.ports.smpp! }, credentials: net.spoofer, transcript: ctx.transcript, activity: net.activity });
  await spoofer.start();
  ctx.onStop(() => spoofer.stop());
  const role: SmsSpooferRole = {
    actor: spoofer.actor,
    ownNumber: SPOOFER_NUMBER,
    viaSmsc: (sms) => spoofer.viaSmsc(sms),
    overTheAir: async (device, sms) => spoofer.overTheAir(device.radio, sms),
  };
  return role;
});
