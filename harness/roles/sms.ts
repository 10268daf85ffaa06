/**
 * SMS notifications (IF-3, IF-4, IF-9; EVVM-SMS-C01..C09, candidates): the contract of the roles the
 * steps of features/sms-notification talk to: the SMSC, the EVVM Server's SMS interface (around the EVVM
 * Server), the subscribers' devices (handset radio + EVVM Client) and the SMS spoofer. Roles observe; they
 * do not judge (harness/conditions/sms does). What every topology shares is here: the scenario's SMSC
 * accounts, how each simulator of the SMS path is built, and the routes by which the container topology
 * runs them in the smsc, evvm-server, evvm-client and adversaries containers.
 *
 * Every component of one scenario shares one Activity, so `settled()` means the whole SMS path is
 * quiet (no PDU unacknowledged, no notification being handled, no IMAP sync running): scenarios wait
 * on that, never on a timer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EvvmClient, type EvvmClientOptions } from '../../simulators/evvm-client/evvm-client';
import { Handset, type OverTheAirSms, type ReceivedSms } from '../../simulators/evvm-client/sms/handset';
import { VvmSmsClient, type ClientVvmState, type NotificationRecord, type SyncRecord } from '../../simulators/evvm-client/sms/vvm-sms-client';
import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import type { EvvmServerSms, EvvmServerSmsObservations, EvvmServerSmsOptions } from '../../simulators/evvm-server/notifications/sms-interface';
import type { SubscriberView } from '../../simulators/evvm-server/notifications/subscribers';
import type { SmsSpoofer, SpoofedSms } from '../../simulators/adversaries/sms-spoofer';
import type { Activity } from '../../simulators/protocol/smpp/activity';
import type { SubmitOutcome } from '../../simulators/protocol/smpp/esme';
import type { SmscAccountOptions } from '../../simulators/protocol/vvm-sms/smsc-account';
import { msisdnAddress, shortCodeAddress, type SmscAccountSpec, type SmscObservations, type SmscOptions } from '../../simulators/smsc';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { TranscriptSink } from '../../evidence/transcript';
import { HarnessError } from '../engine/outcomes';
import { TestEsme } from '../equipment/test-esme';
import type { Profile } from '../profile/profile';
import { voicemailFor, type TestAccount } from '../topology/accounts';
import type { ContainerRole } from '../topology/containers/names';
import type { EvvmServerRole, Topology, Transport } from '../topology/roles';
import { defineRole, route } from './contract';

declare module './contract' {
  interface RoleMap {
    smsc: SmscRole;
    'evvm-server-sms': EvvmServerSmsRole;
    'evvm-client-sms': EvvmClientSmsRole;
    'sms-spoofer': SmsSpooferRole;
  }
}
defineRole('smsc');
defineRole('evvm-server-sms');
defineRole('evvm-client-sms');
defineRole('sms-spoofer');

export const SMSC_NAME = 'smsc.op.example';
/** the spoofer's own number at the SMSC (a bulk-SMS customer's) */
export const SPOOFER_NUMBER = '15559999';
/** the test ESME's own number at the SMSC */
export const TEST_ESME_NUMBER = '15559998';
/** how long the SMS path may take to go quiet before the harness calls it broken */
export const SETTLE_MS = 8000;

// --- the roles ---

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
  /** the harness's own SMSC account, each field as long as SMPP allows (PRAC-04) */
  readonly testEsmeAccount: SmppCredentials;
  /** why PRAC-04 is not tested on this SMSC (an SMSC under test that declares no bind field limits), if it is not */
  readonly withoutBindFieldLimits?: string;
  /** the harness's own ESME, connected and not bound, closed when the scenario ends */
  openTestEsme(transport?: 'tcp' | 'tls'): Promise<TestEsme>;
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
  depositVoicemail(mailbox: TestAccount): Promise<Deposit>;
  mailboxUpdated(msisdn: string): Promise<void>;
  greetingsUpdated(msisdn: string): Promise<void>;
  subscriber(msisdn: string): Promise<SubscriberView | undefined>;
  observations(): Promise<EvvmServerSmsObservations>;
  /** what the mailbox holds on the server: the authenticated IMAP state */
  mailbox(identifier: string): Promise<MailboxEntry[]>;
}

export interface Deposit {
  uid: number;
  messageId: string;
}

export interface MailboxEntry {
  uid: number;
  messageId?: string;
}

/** A handset's radio as a fake base station reaches it (in whichever process the handset runs). */
export interface Radio {
  readonly actor: string;
  injectOverTheAir(sms: OverTheAirSms): Promise<void>;
}

/** Everything a device observed so far. Endpoints in syncs and state are as the harness reaches them. */
export interface DeviceRecord {
  /** every SMS the radio received (texts may hold credentials: evidence must redact) */
  received: readonly ReceivedSms[];
  /** what the EVVM Client made of each */
  notifications: readonly NotificationRecord[];
  syncs: readonly SyncRecord[];
  state: ClientVvmState;
}

/** A device's record now and at a mark a step set: what happened in between is what a step judges. */
export interface DeviceSince {
  before: DeviceRecord;
  now: DeviceRecord;
}

/** What a device's lists gained since the mark. */
export function arrived<K extends 'received' | 'notifications' | 'syncs'>(d: DeviceSince, list: K): DeviceRecord[K] {
  const now: readonly unknown[] = d.now[list];
  return now.slice(d.before[list].length) as DeviceRecord[K];
}

/** A subscriber's device: the handset's radio and the EVVM Client on it (possibly in another process). */
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
  observe(): Promise<DeviceRecord>;
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

// --- the scenario's SMSC accounts ---

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
  /** the test ESME's own account: a 15-octet system_id and an 8-octet password, the longest that fit (PRAC-04) */
  testEsme: SmppCredentials;
  /** by device name: the test accounts, then strangers as they are declared */
  handsets: Map<string, HandsetCredentials>;
}

/** SMPP passwords are at most 8 characters; random per scenario, registered as secrets. */
function smppPassword(transcript: TranscriptSink): string {
  const p = randomBytes(6).toString('base64url');
  transcript.secret(p);
  return p;
}

const handsetSystemId = (msisdn: string): string => `ms${msisdnAddress(msisdn).addr}`.slice(0, 15);

function handsetCredentials(msisdn: string, transcript: TranscriptSink): HandsetCredentials {
  return { systemId: handsetSystemId(msisdn), password: smppPassword(transcript), msisdn };
}

export function smsCredentials(accounts: readonly TestAccount[], transcript: TranscriptSink): SmsCredentials {
  return {
    evvmServer: { systemId: 'evvm-server', password: smppPassword(transcript) },
    spoofer: { systemId: 'bulk-sms', password: smppPassword(transcript) },
    testEsme: { systemId: 'test-esme-limit', password: smppPassword(transcript) },
    handsets: new Map(accounts.map((a) => [a.name, handsetCredentials(a.identifiers.MSISDN, transcript)])),
  };
}

function handsetAccount(c: HandsetCredentials): SmscAccountSpec {
  return { systemId: c.systemId, password: c.password, kind: 'handset', addresses: [msisdnAddress(c.msisdn)] };
}

/** The SMSC's accounts: the EVVM Server on its short code, the spoofer on its own number, the handsets. */
export function smscAccounts(creds: SmsCredentials, policy: Profile['policy']['sms']): SmscAccountSpec[] {
  return [
    { ...creds.evvmServer, kind: 'esme', addresses: [shortCodeAddress(policy.shortCode)] },
    { ...creds.spoofer, kind: 'esme', addresses: [msisdnAddress(SPOOFER_NUMBER)] },
    { ...creds.testEsme, kind: 'esme', addresses: [msisdnAddress(TEST_ESME_NUMBER)] },
    ...[...creds.handsets.values()].map(handsetAccount),
  ];
}

/** The SMSC's SMPP (tcp) and SMPP over TLS ports, wherever it runs. */
export interface SmscPorts {
  smpp?: number;
  smpps?: number;
}

/**
 * The SMSC role in every topology, given where the harness reaches its ports (`at`); observing it and
 * waiting for the SMS path to go quiet are the topology's business.
 */
export function smscRole(a: {
  actor: string;
  ports: SmscPorts;
  at: (port: number) => { host: string; port: number };
  credentials: SmsCredentials;
  ctx: { pki: TestPki; transcript: TranscriptSink; onStop(stop: () => Promise<void>): void };
  observations(): Promise<SmscObservations>;
  settled(): Promise<void>;
}): SmscRole {
  const endpoint = (t: 'tcp' | 'tls'): SmppEndpoint | undefined => {
    const port = t === 'tls' ? a.ports.smpps : a.ports.smpp;
    return port === undefined ? undefined : { ...a.at(port), ...(t === 'tls' ? { servername: SMSC_NAME } : {}) };
  };
  return {
    actor: a.actor,
    evvmServerSystemId: a.credentials.evvmServer.systemId,
    testEsmeAccount: a.credentials.testEsme,
    endpoint,
    openTestEsme: async (t = 'tcp') => {
      const e = endpoint(t);
      if (!e) throw new HarnessError(`the SMSC offers no ${t === 'tls' ? 'SMPP over TLS' : 'plain SMPP'} port`);
      const esme = await TestEsme.open({ endpoint: e, ca: a.ctx.pki.trustAnchorPem, peer: a.actor, transcript: a.ctx.transcript });
      a.ctx.onStop(() => esme.close());
      return esme;
    },
    observations: a.observations,
    settled: a.settled,
  };
}

/**
 * The subscribers' devices, whichever topology runs them: each started once on first use; a stranger gets
 * its handset's SMSC account (`addAccount`) before anyone asks for its device.
 */
export function clientSmsRole(
  handsets: Map<string, HandsetCredentials>,
  start: (name: string, credentials: HandsetCredentials) => Promise<SmsDevice>,
  addAccount: (account: SmscAccountSpec) => Promise<void> | void,
  transcript: TranscriptSink,
): EvvmClientSmsRole {
  const devices = new Map<string, Promise<SmsDevice>>();
  return {
    device: (name) => {
      let d = devices.get(name);
      if (!d) {
        const credentials = handsets.get(name);
        if (!credentials) return Promise.reject(new HarnessError(`no handset named "${name}": a test account, or a stranger declared first`));
        devices.set(name, (d = start(name, credentials)));
      }
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

// --- how each topology builds the simulators of the SMS path ---

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
  // the profile declares at least one transport: an EVVM Server without either is the harness's fault
  if (!p) throw new HarnessError('the EVVM Server offers no IMAP endpoint a device could be provisioned with');
  return { servername: p.endpoint.servername, transport: p.transport };
}

/** The EVVM Server's SMS interface: where the SMSC is, and what its STATUS names as the IMAP server (srv, ipt). */
export function evvmServerSmsOptions(a: {
  server: EvvmServer;
  /** servername: the name the SMSC's certificate carries (default the harness's SMSC's) */
  smsc: { host: string; ports: { smpp?: number; smpps?: number }; ca: string; servername?: string };
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
      ...(a.smsc.ports.smpps !== undefined ? { tls: { port: a.smsc.ports.smpps, ca: a.smsc.ca, servername: a.smsc.servername ?? SMSC_NAME } } : {}),
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
export function voicemailDepositor(server: EvvmServer): (account: TestAccount) => Deposit {
  const runId = randomUUID().slice(0, 8);
  let deposits = 0;
  return (account) => {
    const vm = voicemailFor(`${account.name}-${++deposits}`, account.identifiers.MSISDN, runId);
    return { uid: server.deposit(account.identifiers.MSISDN, { raw: vm.raw }), messageId: vm.messageId };
  };
}

/** Our EVVM Server's SMS interface, started, as the scenarios see it: the same whichever SMSC it is bound to. */
export function evvmServerSmsRole(sms: EvvmServerSms, server: EvvmServer, shortCode: string): EvvmServerSmsRole {
  const deposit = voicemailDepositor(server);
  return {
    actor: sms.actor,
    shortCode,
    depositVoicemail: async (account) => deposit(account),
    mailboxUpdated: (msisdn) => sms.mailboxUpdated(msisdn),
    greetingsUpdated: (msisdn) => sms.greetingsUpdated(msisdn),
    subscriber: async (msisdn) => sms.subscriber(msisdn),
    observations: async () => sms.observations(),
    mailbox: async (identifier) => mailboxOf(server, identifier),
  };
}

/** What a mailbox holds on the server, by UID and Message-ID. */
export function mailboxOf(server: EvvmServer, identifier: string): MailboxEntry[] {
  return server.messages(identifier).map((m) => {
    const id = /^Message-ID:\s*(\S+)/im.exec(m.raw.toString('latin1'))?.[1];
    return id ? { uid: m.uid, messageId: id } : { uid: m.uid };
  });
}

export interface DeviceParts {
  handset: Handset;
  client: VvmSmsClient;
}

/** What the device's simulators have recorded so far, copied: their lists grow (endpoints as the device reached them). */
export function deviceRecord({ handset, client }: DeviceParts): DeviceRecord {
  return { received: [...handset.received()], notifications: [...client.notifications()], syncs: [...client.syncs()], state: client.state() };
}

/** A subscriber's device, attached to the SMSC: its handset (bound with its account) and the EVVM Client on it. */
export async function startDevice(a: {
  name: string;
  credentials: HandsetCredentials;
  /** the test account it belongs to (its client certificate); none for a stranger */
  account: TestAccount | undefined;
  smsc: SmscAccountOptions['smsc'];
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
  const leaf = a.account?.clientCertificate ? a.pki.leaf(a.account.clientCertificate) : undefined;
  const imapOptions: EvvmClientOptions = {
    actor: `EVVM Client (${a.name})`,
    trustAnchorPem: a.pki.trustAnchorPem,
    ...(leaf ? { certificate: { chainPem: leaf.chainPem, keyPem: leaf.keyPem } } : {}),
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

// --- the routes by which the container topology runs the SMS path in its containers ---
// SMPP passwords travel in the requests that need them: each container keeps them out of its transcript.

const Port = z.number().int().positive().max(65535);
const Credentials = z.object({ systemId: z.string().min(1).max(15), password: z.string().min(1).max(8) });
const SmscPorts = z.object({ smpp: Port.optional(), smpps: Port.optional() }) satisfies z.ZodType<SmscPorts>;
const Account = Credentials.extend({
  kind: z.enum(['esme', 'handset']),
  addresses: z.array(z.object({ addr: z.string(), ton: z.number().int(), npi: z.number().int() })).min(1),
}) satisfies z.ZodType<SmscAccountSpec>;
const Msisdn = z.object({ msisdn: z.string() });
const Name = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/) });
const AirSms = z.object({ originator: z.string(), text: z.string(), port: Port.optional(), portBits: z.union([z.literal(8), z.literal(16)]).optional() }) satisfies z.ZodType<OverTheAirSms>;
const Spoofed = z.object({ to: z.string(), text: z.string(), claimedOriginator: z.string().optional(), port: Port.optional() }) satisfies z.ZodType<SpoofedSms>;
const NetworkEndpoint = z.object({ host: z.string(), port: Port });
export type NetworkEndpoint = z.infer<typeof NetworkEndpoint>;
const Actor = z.object({ actor: z.string() });
const Done = z.object({ ok: z.literal(true) });
const Outcome = z.object({ status: z.number().int(), statusName: z.string(), messageId: z.string().optional() }) satisfies z.ZodType<SubmitOutcome>;
const Nothing = z.object({});
/** a simulator's own record, passed on as it made it */
const record = <T>(what: string) => z.custom<T>((v) => typeof v === 'object' && v !== null, `not ${what}`);

/** Each SMS container answers once nothing is in flight there, and says whether something was. */
const settle = (container: ContainerRole) => route(container, 'POST /sms/settle', z.object({ ms: z.number().int().positive().max(60_000) }), z.object({ wasBusy: z.boolean() }));

export const SMS_ROUTES = {
  settle: { smsc: settle('smsc'), 'evvm-server': settle('evvm-server'), 'evvm-client': settle('evvm-client'), adversaries: settle('adversaries') },
  /** the scenario's SMSC, with the accounts the harness made; its ports are the container's fixed ones */
  smscStart: route('smsc', 'POST /smsc/start', z.object({ accounts: z.array(Account) }), Actor.extend({ ports: SmscPorts })),
  /** a handset whose number has no mailbox gets an account (a stranger) */
  smscAccount: route('smsc', 'POST /smsc/account', z.object({ account: Account }), Done),
  smscObservations: route('smsc', 'POST /smsc/observations', Nothing, record<SmscObservations>('SMSC observations')),
  /** binds the scenario's EVVM Server to the SMSC; its STATUS names srv and the IMAP endpoint devices reach */
  serverStart: route('evvm-server', 'POST /evvm-server-sms/start', z.object({ smsc: SmscPorts, credentials: Credentials, srv: z.string() }), Actor),
  deposit: route('evvm-server', 'POST /evvm-server-sms/deposit', Name, z.object({ uid: z.number().int(), messageId: z.string() }) satisfies z.ZodType<Deposit>),
  update: route('evvm-server', 'POST /evvm-server-sms/update', Msisdn.extend({ kind: z.enum(['mailbox', 'greetings']) }), Done),
  subscriber: route('evvm-server', 'POST /evvm-server-sms/subscriber', Msisdn, z.object({ subscriber: record<SubscriberView>('a subscriber').nullable() })),
  serverObservations: route('evvm-server', 'POST /evvm-server-sms/observations', Nothing, record<EvvmServerSmsObservations>('SMS interface observations')),
  mailbox: route(
    'evvm-server',
    'POST /evvm-server-sms/mailbox',
    z.object({ identifier: z.string() }),
    z.object({ messages: z.array(z.object({ uid: z.number().int(), messageId: z.string().optional() }) satisfies z.ZodType<MailboxEntry>) }),
  ),
  /** attaches a subscriber's device to the SMSC, with the account the harness made for its handset */
  deviceStart: route(
    'evvm-client',
    'POST /sms-device/start',
    Name.extend({
      credentials: Credentials.extend({ msisdn: z.string() }),
      smsc: z.object({ port: Port }),
      server: z.object({ servername: z.string(), transport: z.enum(['implicit-tls', 'starttls']) }),
    }),
    Actor.extend({ radio: z.string() }),
  ),
  deviceMo: route('evvm-client', 'POST /sms-device/mo', Name.extend({ command: z.enum(['Activate', 'Deactivate', 'STATUS']) }), Outcome),
  deviceSend: route('evvm-client', 'POST /sms-device/send', Name.extend({ to: z.string(), text: z.string(), port: Port.optional() }), Outcome),
  /** what a device observed, with the network endpoint each sync and the account reached (null: none of this network) */
  deviceObserve: route(
    'evvm-client',
    'POST /sms-device/observe',
    Name,
    z.object({ record: record<DeviceRecord>("a device's record"), reached: z.object({ syncs: z.array(NetworkEndpoint.nullable()), server: NetworkEndpoint.nullable() }) }),
  ),
  /** a fake base station's SMS lands on the device's radio */
  deviceAir: route('evvm-client', 'POST /sms-device/air', Name.extend({ sms: AirSms }), Done),
  /** where endpoints an SMS names by the harness's published ports lead on the devices' network */
  deviceRoutes: route('evvm-client', 'POST /sms-device/routes', z.object({ routes: z.array(z.object({ port: Port, to: NetworkEndpoint })) }), Done),
  /** binds the spoofer to the SMSC with its own account (a bulk-SMS customer's) */
  spooferStart: route('adversaries', 'POST /sms-spoofer/start', z.object({ credentials: Credentials, smsc: z.object({ port: Port }) }), Actor),
  spooferSubmit: route('adversaries', 'POST /sms-spoofer/submit', z.object({ sms: Spoofed }), Outcome),
  /** a fake base station transmits to a device's radio: recorded here, received where the radio is */
  spooferAir: route('adversaries', 'POST /sms-spoofer/air', z.object({ radio: z.string(), sms: AirSms }), z.object({ sms: AirSms })),
};

/**
 * Where each topology keeps a scenario's SMS network (what the SMSC role made when it started), so the
 * other SMS roles find it: `of` starts the SMSC role first. N is the topology's own record of the network.
 */
export function smsNetworks<N extends { ports: SmscPorts }>() {
  const networks = new WeakMap<Topology, N>();
  return {
    set: (topology: Topology, n: N): void => void networks.set(topology, n),
    of: async (ctx: { topology: Topology }): Promise<N> => {
      await ctx.topology.role('smsc');
      const n = networks.get(ctx.topology);
      if (!n) throw new HarnessError('the SMSC role has not been started in this scenario');
      return n;
    },
    /** the SMSC's plain SMPP port, which handsets and the spoofer bind to */
    smppPort: (n: N): number => {
      if (n.ports.smpp === undefined) throw new HarnessError('the SMSC offers no plain SMPP port for handsets and the spoofer');
      return n.ports.smpp;
    },
  };
}
