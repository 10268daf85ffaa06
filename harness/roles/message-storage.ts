/**
 * CPM Message Storage (IF-5): the contracts of the three roles the steps of features/message-storage
 * (CPM-MS-AUTH-01..06, STD-02/03) and of EVVM-AUTH-05 talk to:
 *   'message-storage'             the Message Storage Server (the simulator, or a vendor's IUT: topology/external.ts)
 *   'evvm-server-storage'         the EVVM Server as IMAP client of the Message Storage Server (EVVM-AUTH-05)
 *   'message-storage-adversaries' a rogue Message Storage Server with a flawed certificate
 * Roles observe; harness/conditions/message-storage judges. What every topology shares is here: the run's
 * Message Storage credentials (the harness owns them), the simulator's configuration and the subscription,
 * the harness's view of the store and of the rogue, the EVVM Server's storage link, and the routes by which
 * the container topology runs each of them in its container.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TranscriptSink } from '../../evidence/transcript';
import { registerSecret } from '../../evidence/secrets';
import { CERTIFICATE_FLAWS } from '../../simulators/crypto/pki';
import { clientCaPem } from '../../simulators/crypto/pki/trust';
import type { CertificateFlaw, TestPki } from '../../simulators/crypto/pki/types';
import { MessageStorageServer, type MessageStorageServerOptions } from '../../simulators/message-storage/message-storage-server';
import { EvvmServerStorage, MessageStorageLink, type StorageTarget, type StoreResult } from '../../simulators/evvm-server/message-storage-client';

export type { StorageTarget };
import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import { ImapServer } from '../../simulators/protocol/imap/server/server';
import { SimpleBackend } from '../../simulators/protocol/imap/server/simple-backend';
import { InconclusiveError } from '../engine/outcomes';
import type { Profile } from '../profile/profile';
import type { TestAccount } from '../topology/accounts';
import type { CapturingServer, Endpoint, Transport } from '../topology/roles';
import { imapRoleConfig, type ServerConfigArgs } from '../topology/server-config';
import { defineRole, route } from './contract';

declare module './contract' {
  interface RoleMap {
    'message-storage': MessageStorageRole;
    'evvm-server-storage': EvvmServerStorageRole;
    'message-storage-adversaries': MessageStorageAdversaries;
  }
}
defineRole('message-storage');
defineRole('evvm-server-storage');
defineRole('message-storage-adversaries');

/** the name the Message Storage Server's certificate carries (test PKI leaf 'message-storage') */
export const MESSAGE_STORAGE_NAME = 'message-storage.op.example';
/** the PSK-TLS identity the simulated Message Storage Server provisions for the EVVM Server */
export const EVVM_SERVER_PSK_IDENTITY = 'evvm-server.op.example';

export interface ClientCredential {
  chainPem: string;
  keyPem: string;
}

/** A provisioned PSK-TLS identity and its key. */
export interface PskCredential {
  identity: string;
  key: Buffer;
}

/** A CPM user of the Message Storage Server, with the credentials that must and must not open it. */
export interface MssAccount {
  name: string;
  username: string;
  /** the password the CPM service manages for the Message Storage (CPM-MS-AUTH-03) */
  password: string;
  /** the user's voicemail TUI PIN (not a Message Storage credential) */
  tuiPin?: string;
  /** the user's SIP credentials (not a Message Storage credential) */
  sip?: { uri: string; password: string };
  /** Message-ID of a message only this user's INBOX holds: how a session proves whose mailbox it reached */
  marker?: string;
}

/** The Message Storage Server, whoever plays it. */
export interface MessageStorageRole {
  readonly actor: string;
  /** a vendor's IUT: what it observed internally cannot be asked, only what the harness sees */
  readonly external: boolean;
  /** per connection and command, in ms */
  readonly timeoutMs: number;
  endpoint(transport: Transport): Endpoint | undefined;
  /** where PSK-TLS is offered (implicit) */
  pskEndpoint(): Endpoint | undefined;
  /** the anchor its server certificate chains to */
  readonly trustAnchorPem: string;
  /** a client certificate for the harness's CPM client: one it accepts, or one from a CA it does not trust */
  clientCredential(kind: 'valid' | 'untrusted-ca'): ClientCredential | undefined;
  /** a provisioned PSK-TLS identity and its key */
  psk(): PskCredential | undefined;
  /** a test account by the name the features use; throws InconclusiveError when an IUT profile has none */
  account(name: string): MssAccount;
  /** every account the harness knows on this server (their markers tell the mailboxes apart) */
  knownAccounts(): MssAccount[];
  /** CPM-MS-AUTH-04: subscribes a user; the pre-configured password comes back out of band */
  subscribe(name: string): Promise<MssAccount>;
  /** how the EVVM Server is configured to store into the account `name` (IF-5) */
  storageTarget(name: string): StorageTarget;
}

/** What the EVVM Server observed of one store, with the Message-ID of the voicemail it stored. */
export interface StoredVoicemail {
  messageId: string;
  result: StoreResult;
}

/** The EVVM Server's side of IF-5. */
export interface EvvmServerStorageRole {
  readonly actor: string;
  /** A voicemail is deposited in the mailbox of the demo user `name`; the EVVM Server stores it at `target`. */
  depositAndStore(name: string, target: StorageTarget): Promise<StoredVoicemail>;
}

/** A server impersonating the Message Storage Server; it accepts any password and records every byte. */
export interface RogueMessageStorage extends CapturingServer {
  /** the EVVM Server's IF-5 configuration, pointed at the rogue */
  target(): StorageTarget;
  /** the credential the EVVM Server holds for the genuine store, which the rogue must not get */
  readonly credential: string;
}

export interface MessageStorageAdversaries {
  rogue(flaw: CertificateFlaw): Promise<RogueMessageStorage>;
}

/** A value a vendor's profile must name for a step to be driven; the simulators always have it. */
function named<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new InconclusiveError(`the profile names no ${what}: the harness cannot drive this step`);
  return value;
}

/** The user's voicemail TUI PIN, which must not open the Message Storage Server (CPM-MS-AUTH-03). */
export const tuiPinOf = (a: MssAccount): string => named(a.tuiPin, `TUI PIN for "${a.name}" (iut.accounts[].tuiPinEnv)`);
/** The user's SIP credentials, which must not open the Message Storage Server (CPM-MS-AUTH-03). */
export const sipOf = (a: MssAccount): { uri: string; password: string } => named(a.sip, `SIP credentials for "${a.name}" (iut.accounts[].sipUri, sipPasswordEnv)`);
/** Why a session's mailbox cannot be recognised: the account has no marker. */
export const noMarker = (name: string): string => `the profile names no messageId for "${name}" (iut.accounts[].messageId), a message only that account's INBOX holds`;

// ---- the run's Message Storage credentials and the simulated Message Storage Server ----

/** The run's Message Storage credentials: the demo users' accounts and the EVVM Server's PSK. */
export interface MssCredentials {
  accounts: MssAccount[];
  psk: Buffer;
}

const secretsFor = new WeakMap<readonly TestAccount[], MssCredentials>();

/**
 * The Message Storage credentials of the run's demo users: random per run, and separate from their EVVM
 * mailbox password, TUI PIN and SIP password (CPM-MS-AUTH-03). One set per process, like the accounts.
 */
export function mssCredentials(accounts: readonly TestAccount[]): MssCredentials {
  let c = secretsFor.get(accounts);
  if (!c) {
    const mss = accounts.map((a) => ({
      name: a.name,
      username: a.identifiers['e-mail alias'],
      password: randomBytes(12).toString('base64url'),
      tuiPin: String(randomInt(10_000_000, 99_999_999)),
      sip: { uri: a.identifiers['SIP URI'], password: randomBytes(12).toString('base64url') },
      marker: markerId(a.name),
    }));
    for (const m of mss) for (const s of [m.password, m.tuiPin, m.sip.password]) registerSecret(s);
    c = { accounts: mss, psk: randomBytes(32) };
    registerSecret(c.psk);
    secretsFor.set(accounts, c);
  }
  return c;
}

/** Keeps an account's secrets (its password, TUI PIN and SIP password) out of a transcript. */
export function keepAccountSecrets(transcript: TranscriptSink, a: MssAccount): void {
  for (const s of [a.password, a.tuiPin, a.sip?.password]) transcript.secret(s);
}

/** Keeps the run's Message Storage credentials out of a transcript, and hands them on. */
export function keptCredentials(transcript: TranscriptSink, creds: MssCredentials): MssCredentials {
  for (const a of creds.accounts) keepAccountSecrets(transcript, a);
  transcript.secret(creds.psk);
  return creds;
}

/**
 * What `simulate`, the embedded topology and the message-storage container need to build a Message Storage
 * Server from a profile. `creds`: the run's credentials, made here unless the harness made them (containers).
 */
export function messageStorageConfig(args: ServerConfigArgs, creds: MssCredentials = mssCredentials(args.accounts)): MessageStorageServerOptions {
  const { pki, profile } = args;
  const leaf = pki.leaf('message-storage');
  return {
    ...imapRoleConfig(args, 'message-storage', { policy: profile.policy.messageStorage, capabilities: profile.capabilities.messageStorage }),
    tls: {
      key: leaf.keyPem,
      cert: leaf.chainPem,
      ca: clientCaPem(pki),
      crl: [...pki.crls],
      ...(profile.capabilities.messageStorage.pskTls.length > 0 ? { psk: { [EVVM_SERVER_PSK_IDENTITY]: creds.psk } } : {}),
    },
    subscribers: creds.accounts.map((m) => {
      const cert = args.accounts.find((a) => a.name === m.name)?.clientCertificate;
      return {
        username: m.username,
        password: m.password,
        ...(m.tuiPin ? { tuiPin: m.tuiPin } : {}),
        ...(m.sip ? { sip: m.sip } : {}),
        clientCertificates: cert ? [pki.leaf(cert).fingerprint256] : [],
        ...(m.marker ? { messages: [markerMessage(m.username, m.marker)] } : {}),
      };
    }),
  };
}

/** Starts the scenario's Message Storage Server (`creds`: the run's credentials, when the harness made them elsewhere). */
export async function startMessageStorageServer(args: ServerConfigArgs, creds?: MssCredentials): Promise<{ server: MessageStorageServer; ports: { imaps?: number; imap?: number } }> {
  const server = new MessageStorageServer(messageStorageConfig(args, creds));
  return { server, ports: await server.start() };
}

/** Subscribes a user the CPM way: a fresh username, TUI PIN and SIP credential, and a pre-configured password. */
export function subscribeUser(server: MessageStorageServer, name: string, transcript?: TranscriptSink): MssAccount {
  const tuiPin = String(randomInt(10_000_000, 99_999_999));
  const sip = { uri: `sip:${name}@op.example`, password: randomBytes(12).toString('base64url') };
  for (const s of [tuiPin, sip.password]) {
    registerSecret(s);
    transcript?.secret(s);
  }
  const marker = markerId(name);
  const config = server.subscribe({ username: `${name}@op.example`, tuiPin, sip, messages: [markerMessage(`${name}@op.example`, marker)] });
  registerSecret(config.password);
  transcript?.secret(config.password);
  return { name, username: config.username, password: config.password, tuiPin, sip, marker };
}

/** A fresh marker Message-ID for a user's INBOX, unique per run. */
function markerId(name: string): string {
  return `<marker-${name}-${randomUUID()}@message-storage.op.example>`;
}

/** The message that marks a user's INBOX as theirs. */
function markerMessage(username: string, messageId: string): Buffer {
  return Buffer.from([`To: ${username}`, 'From: evvm-conformance@op.example', 'Subject: mailbox marker', `Message-ID: ${messageId}`, '', 'This message tells this mailbox apart from every other.', ''].join('\r\n'));
}

/** The EVVM Server's configuration toward a Message Storage Server: implicit TLS when offered (STD-04). */
export function storageTargetFor(args: {
  endpoint: (t: Transport) => Endpoint | undefined;
  trustAnchorPem: string;
  certificate: ClientCredential | undefined;
  profile: Profile;
  account: MssAccount;
  timeoutMs?: number;
}): StorageTarget {
  const implicit = args.endpoint('implicit-tls');
  const starttls = args.endpoint('starttls');
  const endpoint = implicit ?? starttls;
  if (!endpoint) throw new Error('the Message Storage Server offers no TLS endpoint');
  const mutual = args.profile.policy.messageStorage.clientCertificate !== 'none';
  return {
    endpoint,
    transport: implicit ? 'implicit-tls' : 'starttls',
    trustAnchorPem: args.trustAnchorPem,
    ...(mutual && args.certificate ? { certificate: args.certificate } : {}),
    account: { username: args.account.username, password: args.account.password },
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
  };
}

/** The EVVM Server's IF-5 configuration toward a Message Storage Server (genuine or rogue): its own client certificate. */
function evvmServerTarget(pki: TestPki, profile: Profile, endpoint: (t: Transport) => Endpoint | undefined, account: MssAccount): StorageTarget {
  const c = pki.leaf('evvm-server-client');
  return storageTargetFor({ endpoint, trustAnchorPem: pki.trustAnchorPem, certificate: { chainPem: c.chainPem, keyPem: c.keyPem }, profile, account });
}

/** Where the harness reaches an IMAP server's ports, with the Message Storage Server's name. */
function storageEndpoints(ports: { imaps?: number; imap?: number }, at: (port: number) => { host: string; port: number }): (t: Transport) => Endpoint | undefined {
  return (t) => {
    const port = t === 'implicit-tls' ? ports.imaps : ports.imap;
    return port === undefined ? undefined : { ...at(port), servername: MESSAGE_STORAGE_NAME };
  };
}

/**
 * The simulated Message Storage Server as the harness sees it, in every topology: `at` says where the
 * harness reaches its ports; the rest is the run's material (credentials, PKI, profile) the harness holds. Where the
 * CPM system subscribes a user is the topology's business: `subscribeAtServer`.
 */
export abstract class SimulatedMessageStorageBase implements MessageStorageRole {
  readonly actor: string;
  readonly external = false;
  readonly timeoutMs = 3000;
  private readonly subscribed = new Map<string, MssAccount>();

  private readonly endpoints: (transport: Transport) => Endpoint | undefined;

  constructor(
    started: { actor: string; ports: { imaps?: number; imap?: number } },
    /** where the harness reaches one of the server's ports */
    at: (port: number) => { host: string; port: number },
    protected readonly ctx: { pki: TestPki; profile: Profile },
    private readonly creds: MssCredentials,
  ) {
    this.actor = started.actor;
    this.endpoints = storageEndpoints(started.ports, at);
  }

  /** the CPM system subscribes `name` at the Message Storage Server; the answer is the client configuration, out of band */
  protected abstract subscribeAtServer(name: string): Promise<MssAccount>;

  get trustAnchorPem(): string {
    return this.ctx.pki.trustAnchorPem;
  }

  endpoint(transport: Transport): Endpoint | undefined {
    return this.endpoints(transport);
  }

  pskEndpoint(): Endpoint | undefined {
    return this.ctx.profile.capabilities.messageStorage.pskTls.length > 0 ? this.endpoint('implicit-tls') : undefined;
  }

  clientCredential(kind: 'valid' | 'untrusted-ca'): ClientCredential {
    // alice's device: its certificate is mapped to her account for SASL EXTERNAL
    const c = kind === 'valid' ? this.ctx.pki.leaf('evvm-client') : this.ctx.pki.bad('evvm-client', 'untrusted-ca');
    return { chainPem: c.chainPem, keyPem: c.keyPem };
  }

  psk(): PskCredential | undefined {
    return this.ctx.profile.capabilities.messageStorage.pskTls.length > 0 ? { identity: EVVM_SERVER_PSK_IDENTITY, key: this.creds.psk } : undefined;
  }

  account(name: string): MssAccount {
    const found = this.subscribed.get(name) ?? this.creds.accounts.find((a) => a.name === name);
    if (!found) throw new Error(`no Message Storage account named "${name}"`);
    return found;
  }

  knownAccounts(): MssAccount[] {
    return [...this.creds.accounts, ...this.subscribed.values()];
  }

  async subscribe(name: string): Promise<MssAccount> {
    const account = await this.subscribeAtServer(name);
    this.subscribed.set(name, account);
    return account;
  }

  storageTarget(name: string): StorageTarget {
    return evvmServerTarget(this.ctx.pki, this.ctx.profile, (t) => this.endpoint(t), this.account(name));
  }
}

// ---- the EVVM Server's storage link ----

/** A small VVM-style voicemail with a fresh Message-ID. */
function freshVoicemail(identifier: string): { messageId: string; raw: Buffer } {
  const messageId = `<vm-stored-${randomUUID()}@evvm-server.op.example>`;
  const raw = [
    'From: tel:+15557777',
    `To: ${identifier}`,
    'Date: Sun, 22 Nov 2026 09:00:00 +0000',
    'Subject: voice mail',
    `Message-ID: ${messageId}`,
    'Message-Context: voice-message',
    'MIME-Version: 1.0',
    'Content-Type: audio/amr',
    'Content-Transfer-Encoding: base64',
    '',
    randomBytes(48).toString('base64'),
    '',
  ].join('\r\n');
  return { messageId, raw: Buffer.from(raw, 'utf8') };
}

/**
 * The EVVM Server's storage link, wherever the EVVM Server runs: its IF-5 faults (evvm-server:mss-…) only. A
 * voicemail is deposited in the mailbox of the demo user `name`; the EVVM Server stores it at `target`.
 */
export function evvmServerStorage(server: EvvmServer, accounts: readonly TestAccount[], faults: readonly string[], transcript: TranscriptSink): EvvmServerStorageRole {
  const storage = new EvvmServerStorage(server, new MessageStorageLink({ faults: faults.filter((f) => f.startsWith('evvm-server:mss-')), transcript }));
  return {
    actor: storage.actor,
    async depositAndStore(name, target) {
      const identifier = accounts.find((a) => a.name === name)?.identifiers.MSISDN;
      if (!identifier) throw new Error(`the EVVM Server has no mailbox for "${name}"`);
      storage.configure(target);
      const vm = freshVoicemail(identifier);
      return { messageId: vm.messageId, result: await storage.depositAndStore(identifier, { raw: vm.raw }) };
    },
  };
}

/** A store the Message Storage Server never answered (no connection, or no answer midway) decides nothing: inconclusive. */
export function decided(stored: StoredVoicemail): StoredVoicemail {
  const r = stored.result;
  if (r.unreachable || r.timedOut) throw new InconclusiveError(`the Message Storage Server at ${r.target} did not answer (${r.error}): nothing can be judged`);
  return stored;
}

// ---- the rogue Message Storage Server ----

/** The account whose credential a rogue Message Storage Server is after: what the EVVM Server holds for alice. */
export function rogueTargetAccount(accounts: readonly TestAccount[]): MssAccount {
  return mssCredentials(accounts).accounts[0]!;
}

/** A running rogue Message Storage Server: where it listens, and every byte the EVVM Server sent it. */
export interface StartedRogue {
  actor: string;
  ports: { imaps?: number; imap?: number };
  clientBytes(): Buffer;
  stop(): Promise<void>;
}

/** Starts a server impersonating the Message Storage Server with a flawed certificate: it accepts any password for `account`. */
export async function startRogueMessageStorage(pki: TestPki, flaw: CertificateFlaw, account: { username: string; password: string }, transcript: TranscriptSink): Promise<StartedRogue> {
  transcript.secret(account.password);
  const bad = pki.bad('message-storage', flaw);
  const backend = new SimpleBackend({ accounts: [{ username: account.username, password: account.password }], acceptAnyPassword: true, requireTls: true });
  const rogue = new ImapServer({ actor: 'Rogue Message Storage Server', peer: 'EVVM Server', host: '127.0.0.1', listen: { implicitTls: true, starttls: true }, tls: { key: bad.keyPem, cert: bad.chainPem }, backend, transcript });
  const ports = await rogue.start();
  return { actor: rogue.actor, ports, clientBytes: () => Buffer.concat(rogue.connections().map((c) => c.clientBytes)), stop: () => rogue.stop() };
}

/** The rogue as the steps see it, wherever it runs: `at` is where the harness reaches its ports. */
export function rogueMessageStorage(args: {
  started: { actor: string; ports: { imaps?: number; imap?: number } };
  at: (port: number) => { host: string; port: number };
  clientBytes: () => Promise<Buffer>;
  account: MssAccount;
  ctx: { pki: TestPki; profile: Profile };
}): RogueMessageStorage {
  const { started, clientBytes, account, ctx } = args;
  const endpoints = storageEndpoints(started.ports, args.at);
  const endpoint = (t: Transport): Endpoint => endpoints(t)!;
  return { actor: started.actor, credential: account.password, endpoint, clientBytes, target: () => evvmServerTarget(ctx.pki, ctx.profile, endpoint, account) };
}

// ---- the routes by which the container topology runs each role in its container ----

const Secret = z.string().min(1);
const Account = z.object({
  name: z.string(),
  username: z.string(),
  password: Secret,
  tuiPin: Secret.optional(),
  sip: z.object({ uri: z.string(), password: Secret }).optional(),
  marker: z.string().optional(),
}) satisfies z.ZodType<MssAccount>;
/** the ports a container publishes an IMAP server's listeners on */
const Ports = z.object({ imaps: z.number().int().positive().optional(), imap: z.number().int().positive().optional() });
const Pem = z.object({ chainPem: z.string(), keyPem: z.string() });
const Target = z.object({
  endpoint: z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string() }),
  transport: z.enum(['implicit-tls', 'starttls']),
  trustAnchorPem: z.string(),
  certificate: Pem.optional(),
  account: z.object({ username: z.string(), password: z.string() }),
  timeoutMs: z.number().int().positive().optional(),
}) satisfies z.ZodType<StorageTarget>;
const Stored = z.object({
  messageId: z.string(),
  result: z.object({
    target: z.string(),
    unreachable: z.boolean(),
    timedOut: z.boolean(),
    connected: z.boolean(),
    serverAuthenticated: z.boolean(),
    tls: z.object({ protocol: z.string().nullable(), cipher: z.string().optional(), authorized: z.boolean(), authorizationError: z.string().optional() }).optional(),
    clientCertificatePresented: z.boolean(),
    loggedIn: z.boolean(),
    stored: z.boolean(),
    confirmed: z.boolean(),
    error: z.string().optional(),
  }),
}) satisfies z.ZodType<StoredVoicemail>;
const Started = z.object({ actor: z.string(), ports: Ports });

export const MESSAGE_STORAGE_ROUTES = {
  /** starts the scenario's Message Storage Server with the run's credentials (the harness made them) */
  start: route('message-storage', 'POST /message-storage/start', z.object({ accounts: z.array(Account), psk: z.instanceof(Buffer) }) satisfies z.ZodType<MssCredentials>, Started),
  /** CPM-MS-AUTH-04: the CPM system subscribes a user; the answer is its client configuration, out of band */
  subscribe: route('message-storage', 'POST /message-storage/subscribe', z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/) }), Account),
  /** the scenario's EVVM Server with its storage link */
  storageLink: route('evvm-server', 'POST /evvm-server-storage/start', z.object({}), z.object({ actor: z.string() })),
  /** a voicemail is deposited at the EVVM Server, which stores it at the target (as seen on the private network) */
  depositAndStore: route('evvm-server', 'POST /evvm-server-storage/deposit-and-store', z.object({ name: z.string(), target: Target }), Stored),
  /** a rogue Message Storage Server with a flawed certificate, after the credential of `account` */
  rogue: route(
    'adversaries',
    'POST /message-storage-rogue/start',
    z.object({ flaw: z.enum(CERTIFICATE_FLAWS as [CertificateFlaw, ...CertificateFlaw[]]), account: z.object({ username: z.string(), password: Secret }) }),
    Started.extend({ id: z.string() }),
  ),
  /** every byte the rogue `id` received */
  rogueCaptured: route('adversaries', 'POST /message-storage-rogue/captured', z.object({ id: z.string() }), z.object({ clientBytes: z.instanceof(Buffer) })),
};
