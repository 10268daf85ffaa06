/**
 * SMS notifications (IF-3, IF-4, IF-9; EVVM-SMS-C01..C09, candidates): the role interfaces the steps of
 * features/sms-notification talk to, their embedded implementations, and the configuration both
 * topologies build their simulators from (the container side is harness/simulate/driven/sms.ts and
 * harness/topology/containers/sms.ts): the SMSC, the EVVM Server's SMS interface (around the EVVM
 * Server), the subscribers' devices (handset radio + EVVM Client), the SMS spoofer, and a test ESME for
 * the harness. Roles observe; they do not judge.
 *
 * Every component of one scenario shares one Activity, so `settled()` means the whole SMS path is
 * quiet (no PDU unacknowledged, no notification being handled, no IMAP sync running): scenarios wait
 * on that, never on a timer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EvvmClient, type EvvmClientOptions } from '../../../simulators/evvm-client/evvm-client';
import { Handset, type OverTheAirSms, type ReceivedSms } from '../../../simulators/evvm-client/sms/handset';
import { VvmSmsClient, loopbackResolver, type ClientVvmState, type NotificationRecord, type SyncRecord } from '../../../simulators/evvm-client/sms/vvm-sms-client';
import type { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { EvvmServerSms, type EvvmServerSmsObservations, type EvvmServerSmsOptions } from '../../../simulators/evvm-server/notifications/sms-interface';
import type { SubscriberView } from '../../../simulators/evvm-server/notifications/subscribers';
import { SmsSpoofer, type SpoofedSms } from '../../../simulators/adversaries/sms-spoofer';
import { Activity } from '../../../simulators/protocol/smpp/activity';
import { Esme, type SubmitOutcome } from '../../../simulators/protocol/smpp/esme';
import { renderShortMessage } from '../../../simulators/protocol/vvm-sms/render';
import { Smsc, msisdnAddress, shortCodeAddress, type SmscAccountSpec, type SmscObservations, type SmscOptions } from '../../../simulators/smsc';
import type { TestPki } from '../../../simulators/crypto/pki/types';
import { HarnessError } from '../../engine/outcomes';
import type { TranscriptSink } from '../../../evidence/transcript';
import type { Profile } from '../../profile/profile';
import { voicemailFor, type TestAccount } from '../accounts';
import type { EvvmServerRole, Topology, Transport } from '../roles';
import { EVVM_SERVER_NAME } from '../embedded';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

declare module '../../roles/contract' {
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
export const SPOOFER_NUMBER = '15559999';
/** how long the SMS path may take to go quiet before the harness calls it broken */
export const SETTLE_MS = 8000;

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

/** A handset's radio as a fake base station reaches it (in whichever process the handset runs). */
export interface Radio {
  readonly actor: string;
  injectOverTheAir(sms: OverTheAirSms): Promise<void>;
}

/**
 * A subscriber's device: the handset's radio and the EVVM Client on it. What it observed is asked for
 * (async): the device may run in another process. Endpoints in syncs() and state() are as the harness
 * reaches them, like every endpoint a role hands to steps.
 */
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
  received(): Promise<readonly ReceivedSms[]>;
  notifications(): Promise<readonly NotificationRecord[]>;
  syncs(): Promise<readonly SyncRecord[]>;
  state(): Promise<ClientVvmState>;
  /** the radio, for a fake base station */
  readonly radio: Radio;
}

export interface EvvmClientSmsRole {
  /** the device of a test account, or of a stranger declared before */
  device(name: string): Promise<SmsDevice>;
  /** declares a handset whose number has no mailbox (the SMSC gets an account for it) */
  stranger(name: string, msisdn: string): Promise<void>;
}

export interface SmsSpooferRole {
  readonly actor: string;
  /** the number the SMSC assigned to the spoofer's own account */
  readonly ownNumber: string;
  viaSmsc(sms: SpoofedSms): Promise<SubmitOutcome>;
  overTheAir(device: SmsDevice, sms: OverTheAirSms): Promise<void>;
}

// --- what both topologies build the SMS path from ---

export interface SmppCredentials {
  systemId: string;
  /** a secret */
  password: string;
}

export type HandsetCredentials = SmppCredentials & { msisdn: string };

/** Every SMSC account of a scenario: made by the harness, random per scenario, handed to who binds. */
export interface SmsCredentials {
  evvmServer: SmppCredentials;
  spoofer: SmppCredentials;
  /** by device name: the test accounts, then strangers as they are declared */
  handsets: Map<string, HandsetCredentials>;
}

type SmsPolicy = Profile['policy']['sms'];

/** SMPP passwords are at most 8 characters; random per scenario, registered as secrets. */
function smppPassword(transcript: TranscriptSink): string {
  const p = randomBytes(6).toString('base64url');
  transcript.secret(p);
  return p;
}

const handsetSystemId = (msisdn: string): string => `ms${msisdnAddress(msisdn).addr}`.slice(0, 15);

export function handsetCredentials(msisdn: string, transcript: TranscriptSink): HandsetCredentials {
  return { systemId: handsetSystemId(msisdn), password: smppPassword(transcript), msisdn };
}

export function smsCredentials(accounts: readonly TestAccount[], transcript: TranscriptSink): SmsCredentials {
  return {
    evvmServer: { systemId: 'evvm-server', password: smppPassword(transcript) },
    spoofer: { systemId: 'bulk-sms', password: smppPassword(transcript) },
    handsets: new Map(accounts.map((a) => [a.name, handsetCredentials(a.identifiers.MSISDN, transcript)])),
  };
}

export function handsetAccount(c: HandsetCredentials): SmscAccountSpec {
  return { systemId: c.systemId, password: c.password, kind: 'handset', addresses: [msisdnAddress(c.msisdn)] };
}

/**
 * The subscribers' devices, whichever topology runs them: each started once on first use; a stranger gets
 * its handset's SMSC account (`addAccount`) before anyone asks for its device.
 */
export function clientSmsRole(
  handsets: Map<string, HandsetCredentials>,
  start: (name: string) => Promise<SmsDevice>,
  addAccount: (account: SmscAccountSpec) => Promise<void> | void,
  transcript: TranscriptSink,
): EvvmClientSmsRole {
  const devices = new Map<string, Promise<SmsDevice>>();
  return {
    device: (name) => {
      let d = devices.get(name);
      if (!d) devices.set(name, (d = start(name)));
      return d;
    },
    stranger: async (name, msisdn) => {
      if (handsets.has(name)) throw new HarnessError(`a handset named "${name}" exists already`);
      const c = handsetCredentials(msisdn, transcript);
      await addAccount(handsetAccount(c));
      handsets.set(name, c);
    },
  };
}

/** The SMSC's accounts: the EVVM Server on its short code, the spoofer on its own number, the handsets. */
export function smscAccounts(creds: SmsCredentials, policy: SmsPolicy): SmscAccountSpec[] {
  return [
    { ...creds.evvmServer, kind: 'esme', addresses: [shortCodeAddress(policy.shortCode)] },
    { ...creds.spoofer, kind: 'esme', addresses: [msisdnAddress(SPOOFER_NUMBER)] },
    ...[...creds.handsets.values()].map(handsetAccount),
  ];
}

/** The SMSC on 127.0.0.1 (SMPP and SMPP over TLS, ephemeral ports) with the scenario's accounts. */
export function smscOptions(a: { pki: TestPki; accounts: SmscAccountSpec[]; faults: readonly string[]; transcript: TranscriptSink; activity: Activity }): SmscOptions {
  const leaf = a.pki.leaf('smsc');
  return {
    listen: { plain: true, tls: { key: leaf.keyPem, cert: leaf.chainPem } },
    accounts: a.accounts,
    faults: a.faults.filter((f) => f.startsWith('smsc:')),
    transcript: a.transcript,
    activity: a.activity,
  };
}

/** The EVVM Server's IMAP endpoint a STATUS names and a device is provisioned with: implicit TLS when offered. */
export function provisionedImap<E>(endpoint: (t: Transport) => E | undefined): { transport: Transport; endpoint: E } | undefined {
  const tls = endpoint('implicit-tls');
  if (tls !== undefined) return { transport: 'implicit-tls', endpoint: tls };
  const plain = endpoint('starttls');
  return plain === undefined ? undefined : { transport: 'starttls', endpoint: plain };
}

/** What a device is provisioned with: the EVVM Server's name (what its certificate must prove) and transport. */
export function provisionedServer(imap: EvvmServerRole): { servername: string; transport: Transport } {
  const p = provisionedImap((t) => imap.endpoint(t));
  return { servername: p?.endpoint.servername ?? EVVM_SERVER_NAME, transport: p?.transport ?? 'starttls' };
}

/** The EVVM Server's SMS interface: where the SMSC is, and what its STATUS names as the IMAP server (srv, ipt). */
export function evvmServerSmsOptions(a: {
  server: EvvmServer;
  smsc: { host: string; ports: { smpp?: number; smpps?: number }; ca: string };
  credentials: SmppCredentials;
  imap: { srv: string; ipt: number };
  accounts: readonly TestAccount[];
  profile: Profile;
  faults: readonly string[];
  transcript: TranscriptSink;
  activity: Activity;
}): EvvmServerSmsOptions {
  const policy = a.profile.policy.sms;
  return {
    server: a.server,
    smsc: {
      host: a.smsc.host,
      ...(a.smsc.ports.smpp !== undefined ? { port: a.smsc.ports.smpp } : {}),
      ...(a.smsc.ports.smpps !== undefined ? { tls: { port: a.smsc.ports.smpps, ca: a.smsc.ca, servername: SMSC_NAME } } : {}),
      ...a.credentials,
    },
    requireTls: policy.smppTls,
    shortCode: policy.shortCode,
    imap: a.imap,
    subscribers: a.accounts.map((x) => ({ msisdn: x.identifiers.MSISDN, username: x.identifiers.MSISDN, password: x.password, blocked: x.blocked })),
    portAddressing: a.profile.capabilities.sms.portAddressing,
    defaultPort: policy.applicationPort,
    prefix: policy.clientPrefix,
    faults: a.faults,
    transcript: a.transcript,
    activity: a.activity,
  };
}

/** A caller leaving voicemails in a mailbox of the EVVM Server: each new, with a Message-ID of its own. */
export function voicemailDepositor(server: EvvmServer): (account: TestAccount) => { uid: number; messageId: string } {
  const runId = randomUUID().slice(0, 8);
  let deposits = 0;
  return (account) => {
    const vm = voicemailFor(`${account.name}-${++deposits}`, account.identifiers.MSISDN, runId);
    return { uid: server.deposit(account.identifiers.MSISDN, { raw: vm.raw }), messageId: vm.messageId };
  };
}

/** What a mailbox holds on the server, by UID and Message-ID. */
export function mailboxOf(server: EvvmServer, identifier: string): Array<{ uid: number; messageId?: string }> {
  return server.messages(identifier).map((m) => {
    const id = /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
    return id ? { uid: m.uid, messageId: id } : { uid: m.uid };
  });
}

function clientCertificate(pki: TestPki, account: TestAccount | undefined): { chainPem: string; keyPem: string } | undefined {
  if (!account?.clientCertificate) return undefined;
  const c = pki.leaf(account.clientCertificate);
  return { chainPem: c.chainPem, keyPem: c.keyPem };
}

export interface DeviceParts {
  handset: Handset;
  client: VvmSmsClient;
}

/** A subscriber's device, attached to the SMSC: its handset (bound with its account) and the EVVM Client on it. */
export async function startDevice(a: {
  name: string;
  credentials: HandsetCredentials;
  /** the test account it belongs to (its client certificate); none for a stranger */
  account: TestAccount | undefined;
  smsc: { host: string; port: number };
  /** the provisioned EVVM Server: the name it must prove and the transport */
  server: { servername: string; transport: Transport };
  /** the device's name resolution */
  resolve: (host: string) => string | undefined;
  /** the IMAP engine; a plain EvvmClient unless the network needs one that routes */
  imap?: (options: EvvmClientOptions) => EvvmClient;
  pki: TestPki;
  profile: Profile;
  faults: readonly string[];
  transcript: TranscriptSink;
  activity: Activity;
}): Promise<DeviceParts & { stop(): Promise<void> }> {
  const policy = a.profile.policy.sms;
  const handset = new Handset({ actor: `Handset (${a.name})`, msisdn: a.credentials.msisdn, smsc: a.smsc, credentials: a.credentials, transcript: a.transcript, activity: a.activity });
  await handset.start();
  const cert = clientCertificate(a.pki, a.account);
  const imapOptions: EvvmClientOptions = {
    actor: `EVVM Client (${a.name})`,
    trustAnchorPem: a.pki.trustAnchorPem,
    ...(cert ? { certificate: cert } : {}),
    faults: a.faults.filter((f) => f.startsWith('evvm-client:')),
    transcript: a.transcript,
  };
  const client = new VvmSmsClient({
    actor: `EVVM Client (${a.name})`,
    handset,
    imap: (a.imap ?? ((o) => new EvvmClient(o)))(imapOptions),
    policy: { allowList: policy.originatorAllowList, port: policy.applicationPort, prefix: policy.clientPrefix, dn: policy.shortCode },
    server: a.server,
    resolve: a.resolve,
    faults: a.faults,
    transcript: a.transcript,
  });
  return { handset, client, stop: () => handset.stop() };
}

/** A fake base station's transmission: the spoofer records it; the radio it names receives it (wherever that runs). */
export function transmitOverTheAir(spoofer: SmsSpoofer, radio: string, sms: OverTheAirSms): OverTheAirSms {
  let sent: OverTheAirSms | undefined;
  spoofer.overTheAir({ actor: radio, injectOverTheAir: (s) => void (sent = s) }, sms);
  return sent ?? sms;
}

// --- the embedded topology: every simulator in this process ---

interface SmsNetwork {
  activity: Activity;
  smsc: Smsc;
  ports: { smpp?: number; smpps?: number };
  credentials: SmsCredentials;
}

const networks = new WeakMap<Topology, SmsNetwork>();

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

/** The harness's own ESME (test equipment), connected to an SMSC endpoint and closed with the scenario. */
export async function openTestEsme(a: { endpoint: SmppEndpoint; tls: boolean; ca: string; peer: string; transcript: TranscriptSink; onStop(stop: () => Promise<void>): void }): Promise<Esme> {
  const esme = await Esme.connect({
    host: a.endpoint.host,
    port: a.endpoint.port,
    ...(a.tls ? { tls: { ca: a.ca, servername: SMSC_NAME } } : {}),
    actor: 'Test ESME',
    peer: a.peer,
    transcript: a.transcript,
    text: renderShortMessage,
  });
  a.onStop(() => esme.close());
  return esme;
}

registerEmbeddedRole('smsc', async (ctx) => {
  const activity = new Activity();
  const credentials = smsCredentials(ctx.accounts, ctx.transcript);
  const smsc = new Smsc(smscOptions({ pki: ctx.pki, accounts: smscAccounts(credentials, ctx.profile.policy.sms), faults: ctx.faults, transcript: ctx.transcript, activity }));
  const ports = await smsc.start();
  ctx.onStop(() => smsc.stop());
  networks.set(ctx.topology, { activity, smsc, ports, credentials });
  const endpoint = (t: 'tcp' | 'tls'): SmppEndpoint | undefined => {
    const port = t === 'tls' ? ports.smpps : ports.smpp;
    return port === undefined ? undefined : { host: HOST, port, ...(t === 'tls' ? { servername: SMSC_NAME } : {}) };
  };
  const role: SmscRole = {
    actor: smsc.actor,
    evvmServerSystemId: credentials.evvmServer.systemId,
    endpoint,
    openTestEsme: async (t = 'tcp') =>
      openTestEsme({ endpoint: endpoint(t)!, tls: t === 'tls', ca: ctx.pki.trustAnchorPem, peer: smsc.actor, transcript: ctx.transcript, onStop: ctx.onStop }),
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
  const advertised = provisionedImap((t) => imap.endpoint(t));
  if (!advertised) throw new HarnessError('the EVVM Server offers no IMAP endpoint a STATUS could name');
  const sms = new EvvmServerSms(
    evvmServerSmsOptions({
      server,
      smsc: { host: HOST, ports: net.ports, ca: ctx.pki.trustAnchorPem },
      credentials: net.credentials.evvmServer,
      imap: { srv: advertised.endpoint.servername, ipt: advertised.endpoint.port },
      accounts: ctx.accounts,
      profile: ctx.profile,
      faults: ctx.faults,
      transcript: ctx.transcript,
      activity: net.activity,
    }),
  );
  await sms.start();
  ctx.onStop(() => sms.stop());
  const deposit = voicemailDepositor(server);
  const role: EvvmServerSmsRole = {
    actor: sms.actor,
    shortCode: ctx.profile.policy.sms.shortCode,
    depositVoicemail: async (account) => deposit(account),
    mailboxUpdated: (msisdn) => sms.mailboxUpdated(msisdn),
    greetingsUpdated: (msisdn) => sms.greetingsUpdated(msisdn),
    subscriber: async (msisdn) => sms.subscriber(msisdn),
    observations: async () => sms.observations(),
    mailbox: async (identifier) => mailboxOf(server, identifier),
  };
  return role;
});

registerEmbeddedRole('evvm-client-sms', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const server = provisionedServer(await ctx.topology.evvmServer());

  const start = async (name: string): Promise<SmsDevice> => {
    const credentials = net.credentials.handsets.get(name);
    if (!credentials) throw new HarnessError(`no handset named "${name}": a test account, or a stranger declared first`);
    const { handset, client, stop } = await startDevice({
      name,
      credentials,
      account: ctx.accounts.find((a) => a.name === name),
      smsc: { host: HOST, port: net.ports.smpp! },
      server,
      resolve: loopbackResolver,
      pki: ctx.pki,
      profile: ctx.profile,
      faults: ctx.faults,
      transcript: ctx.transcript,
      activity: net.activity,
    });
    ctx.onStop(stop);
    return {
      name,
      actor: client.actor,
      msisdn: credentials.msisdn,
      activate: () => client.activate(),
      deactivate: () => client.deactivate(),
      requestStatus: () => client.requestStatus(),
      send: (to, text, options) => handset.send(to, text, options),
      received: async () => handset.received(),
      notifications: async () => client.notifications(),
      syncs: async () => client.syncs(),
      state: async () => client.state(),
      radio: { actor: handset.actor, injectOverTheAir: async (sms) => handset.injectOverTheAir(sms) },
    };
  };

  return clientSmsRole(net.credentials.handsets, start, (account) => net.smsc.addAccount(account), ctx.transcript);
});

registerEmbeddedRole('sms-spoofer', async (ctx) => {
  await ctx.topology.role('smsc');
  const net = network(ctx);
  const spoofer = new SmsSpoofer({ smsc: { host: HOST, port: net.ports.smpp! }, credentials: net.credentials.spoofer, transcript: ctx.transcript, activity: net.activity });
  await spoofer.start();
  ctx.onStop(() => spoofer.stop());
  const role: SmsSpooferRole = {
    actor: spoofer.actor,
    ownNumber: SPOOFER_NUMBER,
    viaSmsc: (sms) => spoofer.viaSmsc(sms),
    overTheAir: (device, sms) => device.radio.injectOverTheAir(transmitOverTheAir(spoofer, device.radio.actor, sms)),
  };
  return role;
});

/**
 * STD-07: the EVVM Server's SMS interface binds over TLS to an endpoint that is not the run's SMSC (test
 * equipment that speaks one TLS version); whether the bind completed, and why not.
 */
export async function evvmServerBindsOverTls(ctx: EmbeddedContext, smsc: { host: string; port: number }): Promise<{ bound: boolean; reason?: string }> {
  const sms = new EvvmServerSms(
    evvmServerSmsOptions({
      server: await ctx.evvmServer(),
      smsc: { host: smsc.host, ports: { smpps: smsc.port }, ca: ctx.pki.trustAnchorPem },
      credentials: smsCredentials(ctx.accounts, ctx.transcript).evvmServer,
      imap: { srv: EVVM_SERVER_NAME, ipt: 993 },
      accounts: ctx.accounts,
      profile: ctx.profile,
      faults: ctx.faults,
      transcript: ctx.transcript,
      activity: new Activity(),
    }),
  );
  try {
    await sms.start();
    return { bound: true };
  } catch (err) {
    return { bound: false, reason: (err as Error).message };
  } finally {
    await sms.stop();
  }
}
