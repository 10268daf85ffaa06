/**
 * The CPM Message Storage clause (IF-5): its role interfaces and their embedded implementations.
 *   'message-storage'             the Message Storage Server (simulator here, a vendor's IUT in external.ts)
 *   'evvm-server-storage'         the EVVM Server as IMAP client of the Message Storage Server (EVVM-AUTH-05)
 *   'message-storage-adversaries' a rogue Message Storage Server with a flawed certificate
 * Roles return observations; steps judge them. What the container topology shares with them (the config,
 * the harness's view of the store and of the rogue, the EVVM Server's storage link) is exported from here.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { TranscriptSink } from '../../../evidence/transcript';
import { registerSecret } from '../../../evidence/secrets';
import type { Profile } from '../../profile/profile';
import type { TestAccount } from '../accounts';
import type { CapturingServer, Endpoint, Transport } from '../roles';
import { registerEmbeddedRole } from '../registry';
import { imapRoleConfig, type ServerConfigArgs } from '../server-config';
import { clientCaPem } from '../../../simulators/crypto/pki/trust';
import type { CertificateFlaw, TestPki } from '../../../simulators/crypto/pki/types';
import { MessageStorageServer, type MessageStorageServerOptions } from '../../../simulators/message-storage/message-storage-server';
import type { PskCredential } from '../../../simulators/message-storage/cpm-client';
import { EvvmServerStorage, MessageStorageLink, type StorageTarget, type StoreResult } from '../../../simulators/evvm-server/message-storage-client';
import type { EvvmServer } from '../../../simulators/evvm-server/evvm-server';
import { ImapServer } from '../../../simulators/protocol/imap/server/server';
import { SimpleBackend } from '../../../simulators/protocol/imap/server/simple-backend';

declare module '../../roles/contract' {
  interface RoleMap {
    'message-storage': MessageStorageRole;
    'evvm-server-storage': EvvmServerStorageRole;
    'message-storage-adversaries': MessageStorageAdversaries;
  }
}

const HOST = '127.0.0.1';
/** the name the Message Storage Server's certificate carries (test PKI leaf 'message-storage') */
export const MESSAGE_STORAGE_NAME = 'message-storage.op.example';
/** the PSK-TLS identity the embedded Message Storage Server provisions for the EVVM Server */
export const EVVM_SERVER_PSK_IDENTITY = 'evvm-server.op.example';

export interface ClientCredential {
  chainPem: string;
  keyPem: string;
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

/** The EVVM Server's side of IF-5. */
export interface EvvmServerStorageRole {
  readonly actor: string;
  /** A voicemail is deposited in the mailbox of the demo user `name`; the EVVM Server stores it at `target`. */
  depositAndStore(name: string, target: StorageTarget): Promise<{ messageId: string; result: StoreResult }>;
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

// ---- the embedded Message Storage Server ----

const secretsFor = new WeakMap<readonly TestAccount[], { accounts: MssAccount[]; psk: Buffer }>();

/**
 * The Message Storage credentials of the run's demo users: random per run, and separate from their EVVM
 * mailbox password, TUI PIN and SIP password (CPM-MS-AUTH-03). One set per process, like the accounts.
 */
export function mssCredentials(accounts: readonly TestAccount[]): { accounts: MssAccount[]; psk: Buffer } {
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

/** The run's Message Storage credentials as they travel to a container (harness/simulate/driven). */
export type MssCredentials = ReturnType<typeof mssCredentials>;

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

/** Subscribes a user the CPM way: a fresh username, TUI PIN and SIP credential, and a pre-configured password. */
export function subscribeUser(server: MessageStorageServer, name: string, transcript?: TranscriptSink & { secret?(v: string): void }): MssAccount {
  const tuiPin = String(randomInt(10_000_000, 99_999_999));
  const sip = { uri: `sip:${name}@op.example`, password: randomBytes(12).toString('base64url') };
  for (const s of [tuiPin, sip.password]) {
    registerSecret(s);
    transcript?.secret?.(s);
  }
  const marker = markerId(name);
  const config = server.subscribe({ username: `${name}@op.example`, tuiPin, sip, messages: [markerMessage(`${name}@op.example`, marker)] });
  registerSecret(config.password);
  transcript?.secret?.(config.password);
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

/**
 * The simulated Message Storage Server as the harness sees it, wherever it runs: `endpoint` says where the
 * harness reaches it, `subscribeUser` asks it to subscribe (in process or in its container); the rest is
 * the run's material (credentials, PKI, profile) the harness holds.
 */
export class SimulatedMessageStorage implements MessageStorageRole {
  readonly external = false;
  readonly timeoutMs = 3000;
  private readonly subscribed = new Map<string, MssAccount>();

  constructor(
    readonly actor: string,
    private readonly endpointOf: (transport: Transport) => Endpoint | undefined,
    private readonly subscribeUser: (name: string) => Promise<MssAccount>,
    private readonly pki: TestPki,
    private readonly profile: Profile,
    private readonly creds: MssCredentials,
  ) {}

  get trustAnchorPem(): string {
    return this.pki.trustAnchorPem;
  }

  endpoint(transport: Transport): Endpoint | undefined {
    return this.endpointOf(transport);
  }

  pskEndpoint(): Endpoint | undefined {
    return this.profile.capabilities.messageStorage.pskTls.length > 0 ? this.endpoint('implicit-tls') : undefined;
  }

  clientCredential(kind: 'valid' | 'untrusted-ca'): ClientCredential {
    // alice's device: its certificate is mapped to her account for SASL EXTERNAL
    const c = kind === 'valid' ? this.pki.leaf('evvm-client') : this.pki.bad('evvm-client', 'untrusted-ca');
    return { chainPem: c.chainPem, keyPem: c.keyPem };
  }

  psk(): PskCredential | undefined {
    return this.profile.capabilities.messageStorage.pskTls.length > 0 ? { identity: EVVM_SERVER_PSK_IDENTITY, key: this.creds.psk } : undefined;
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
    const account = await this.subscribeUser(name);
    this.subscribed.set(name, account);
    return account;
  }

  storageTarget(name: string): StorageTarget {
    return evvmServerTarget(this.pki, this.profile, (t) => this.endpoint(t), this.account(name));
  }
}

/** Where the harness reaches an IMAP server's ports, with the Message Storage Server's name. */
export function storageEndpoints(ports: { imaps?: number; imap?: number }, at: (port: number) => { host: string; port: number }): (t: Transport) => Endpoint | undefined {
  return (t) => {
    const port = t === 'implicit-tls' ? ports.imaps : ports.imap;
    return port === undefined ? undefined : { ...at(port), servername: MESSAGE_STORAGE_NAME };
  };
}

registerEmbeddedRole('message-storage', async (ctx) => {
  const server = new MessageStorageServer(messageStorageConfig({ pki: ctx.pki, profile: ctx.profile, accounts: ctx.accounts, faults: ctx.faults, transcript: ctx.transcript }));
  const ports = await server.start();
  ctx.onStop(() => server.stop());
  const at = (port: number) => ({ host: HOST, port });
  return new SimulatedMessageStorage(server.actor, storageEndpoints(ports, at), async (name) => subscribeUser(server, name, ctx.transcript), ctx.pki, ctx.profile, mssCredentials(ctx.accounts));
});

// ---- the EVVM Server's storage link ----

/** A small VVM-style voicemail with a fresh Message-ID. */
export function freshVoicemail(identifier: string): { messageId: string; raw: Buffer } {
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

/** The EVVM Server's storage link: its IF-5 faults (evvm-server:mss-…) only. */
export function evvmServerStorage(server: EvvmServer, faults: readonly string[], transcript: TranscriptSink): EvvmServerStorage {
  return new EvvmServerStorage(server, new MessageStorageLink({ faults: faults.filter((f) => f.startsWith('evvm-server:mss-')), transcript }));
}

/** A voicemail is deposited in the mailbox of the demo user `name`; the EVVM Server stores it at `target`. */
export async function depositAndStore(storage: EvvmServerStorage, accounts: readonly TestAccount[], name: string, target: StorageTarget): Promise<{ messageId: string; result: StoreResult }> {
  const identifier = accounts.find((a) => a.name === name)?.identifiers.MSISDN;
  if (!identifier) throw new Error(`the EVVM Server has no mailbox for "${name}"`);
  storage.configure(target);
  const vm = freshVoicemail(identifier);
  const result = await storage.depositAndStore(identifier, { raw: vm.raw });
  return { messageId: vm.messageId, result };
}

registerEmbeddedRole('evvm-server-storage', async (ctx) => {
  const storage = evvmServerStorage(await ctx.evvmServer(), ctx.faults, ctx.transcript);
  return { actor: storage.actor, depositAndStore: (name, target) => depositAndStore(storage, ctx.accounts, name, target) };
});

// ---- adversaries ----

/** The account whose credential a rogue Message Storage Server is after: what the EVVM Server holds for alice. */
export function rogueTargetAccount(creds: MssCredentials): MssAccount {
  return creds.accounts[0]!;
}

/** A server impersonating the Message Storage Server with a flawed certificate: it accepts any password for `account`. */
export function rogueMessageStorageServer(pki: TestPki, flaw: CertificateFlaw, account: { username: string; password: string }, transcript: TranscriptSink): ImapServer {
  const bad = pki.bad('message-storage', flaw);
  const backend = new SimpleBackend({ accounts: [{ username: account.username, password: account.password }], acceptAnyPassword: true, requireTls: true });
  return new ImapServer({ actor: 'Rogue Message Storage Server', peer: 'EVVM Server', host: HOST, listen: { implicitTls: true, starttls: true }, tls: { key: bad.keyPem, cert: bad.chainPem }, backend, transcript });
}

/** The rogue as the steps see it, wherever it runs: `endpoint` is where the harness reaches it. */
export function rogueMessageStorage(args: {
  actor: string;
  endpoint: (t: Transport) => Endpoint;
  clientBytes: () => Promise<Buffer>;
  account: MssAccount;
  pki: TestPki;
  profile: Profile;
}): RogueMessageStorage {
  const { actor, endpoint, clientBytes, account, pki, profile } = args;
  return { actor, credential: account.password, endpoint, clientBytes, target: () => evvmServerTarget(pki, profile, endpoint, account) };
}

registerEmbeddedRole('message-storage-adversaries', async (ctx) => ({
  async rogue(flaw: CertificateFlaw): Promise<RogueMessageStorage> {
    const alice = rogueTargetAccount(mssCredentials(ctx.accounts));
    const rogue = rogueMessageStorageServer(ctx.pki, flaw, alice, ctx.transcript);
    const ports = await rogue.start();
    ctx.onStop(() => rogue.stop());
    const endpoint = (t: Transport): Endpoint => storageEndpoints(ports, (port) => ({ host: HOST, port }))(t)!;
    return rogueMessageStorage({ actor: rogue.actor, endpoint, clientBytes: async () => Buffer.concat(rogue.connections().map((c) => c.clientBytes)), account: alice, pki: ctx.pki, profile: ctx.profile });
  },
}));
