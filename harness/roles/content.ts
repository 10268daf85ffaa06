/**
 * Security of voicemail contents (EVVM-CONT-01..04): the contract of the content role, which the steps
 * of features/content-security talk to: callers (without a key, or with one, good or flawed), the EVVM
 * Server's content protection, an attacker with write access to the message store, and the EVVM Client
 * of each mailbox, which fetches over real IMAP and opens the voicemail with its device key. Roles
 * observe; they do not judge (harness/conditions/content does). The whole role is here, for every
 * topology: the harness part (ContentRole: the steps' state and the caller), the EVVM Server's side
 * (CONTENT_SIDES.deposit: protection, the attacker on the store) and the EVVM Client's side
 * (CONTENT_SIDES.retrieve: fetch over IMAP, open with the device key), which the topology runs in
 * process or in the evvm-server and evvm-client containers.
 *
 * Key model (docs/content-security.md): each mailbox owner's device holds the decryption key (the
 * EVVM Server stores ciphertext it cannot read); a caller with a key signs as itself; for a caller
 * without one, the depositing EVVM Server signs with a certificate naming the server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_SMIME_LEAVES, smimePkiFor, type SmimeFlaw, type SmimePki } from '../../simulators/crypto/pki/smime';
import {
  buildVoicemail,
  certificatesFromPem,
  crlsFromPem,
  inspectProtection,
  loadKey,
  messageId as messageIdOf,
  protectVoicemail,
  type ContentPolicy,
  type KeyMaterial,
  type ProtectionLayout,
} from '../../simulators/crypto/cms';
import { EvvmContentProtection, attackStoredVoicemail, describeAttack, type StoreAttack } from '../../simulators/evvm-server/content';
import { EvvmContentClient, type ContentReport, type OpenedRetrieval, type VoicemailRetriever } from '../../simulators/evvm-client/content';
import type { ClientAccount, Retrieval, ServerTarget } from '../../simulators/evvm-client/evvm-client';
import type { EvvmServer } from '../../simulators/evvm-server/evvm-server';
import type { TestPki } from '../../simulators/crypto/pki/types';
import type { TranscriptSink } from '../../evidence/transcript';
import { registerSecret } from '../../evidence/secrets';
import { HarnessError, InconclusiveError } from '../engine/outcomes';
import type { TestAccount } from '../topology/accounts';
import { z } from 'zod';
import { ALGORITHM_SUITES, ENCRYPTION_MODES, PART_KINDS } from '../../simulators/crypto/cms';
import { STORE_ATTACKS } from '../../simulators/evvm-server/content';
import { defineRole, side, type RoleContext, type SideCaller } from './contract';

declare module './contract' {
  interface RoleMap {
    content: ContentRole;
  }
}

/** The caller who leaves the voicemail: on the PSTN without a key, or with an S/MIME signing key. */
export type Caller = { kind: 'pstn' } | { kind: 'with-key'; certificate: 'valid' | SmimeFlaw };

/** The identity every test caller claims (From); the caller's certificate binds it (smime-caller). */
export const CALLER_IDENTITY = 'tel:+15557777';

export type DeviceKeyType = 'rsa' | 'ec';

export interface LeftVoicemail {
  mailbox: string;
  messageId: string;
  uid: number;
  /** the voicemail as the caller left it (plaintext) */
  deposited: Buffer;
  audio: Buffer;
  transcription?: string;
  /** what the EVVM Server stored, after any attack on the store */
  stored: Buffer;
  signedBy: 'evvm-server' | 'caller' | 'none';
}

export interface ContentRetrieval {
  retrieval: Retrieval;
  /** the voicemail exactly as served over IMAP */
  served?: Buffer;
  report?: ContentReport;
  /** whose device key opened it */
  deviceOf: string;
}

export interface DeviceCertificate {
  leaf: string;
  serialHex: string;
  issuer: Buffer;
}

export interface ContentRole {
  readonly actor: string;
  /** the content policy for this scenario: the EVVM Server applies it, the EVVM Client insists on it */
  policy(): ContentPolicy;
  setPolicy(patch: Partial<ContentPolicy>): void;
  /** the EVVM Server alone departs from the policy (misconfigured): the client keeps expecting it */
  setServerPolicy(patch: Partial<ContentPolicy>): void;
  /** the key type of a mailbox owner's device (provisioned with the EVVM Server) */
  useDeviceKey(mailbox: string, type: DeviceKeyType): void;
  deviceCertificates(mailbox: string): DeviceCertificate[];
  /** an attacker with write access to the message store acts on the next voicemail stored */
  attackStore(attack: StoreAttack): void;
  /** a caller leaves a voicemail; the EVVM Server protects it per policy and stores it */
  leaveVoicemail(args: { mailbox: string; caller: Caller; transcription?: boolean }): Promise<LeftVoicemail>;
  /** the EVVM Client of `mailbox` retrieves it over IMAP and opens it with the device key of `deviceOf` (default: the owner) */
  retrieve(args: { mailbox: string; messageId: string; deviceOf?: string }): Promise<ContentRetrieval>;
  /** how a message is protected, read without keys */
  inspect(raw: Buffer): ProtectionLayout;
}

/** The S/MIME leaf on each mailbox owner's device, by key type (simulators/crypto/pki/smime.ts). */
const SMIME_DEVICE: Record<string, Partial<Record<DeviceKeyType, string>>> = {
  alice: { rsa: 'smime-alice', ec: 'smime-alice-ec' },
  bob: { rsa: 'smime-bob' },
};

/** The device key types chosen by the scenario, by mailbox (RSA where none was chosen). */
export type DeviceKeyChoice = Readonly<Record<string, DeviceKeyType>>;

/** The S/MIME leaf holding the device key of `mailbox`. */
export function deviceLeaf(mailbox: string, keys: DeviceKeyChoice): string {
  const leaf = SMIME_DEVICE[mailbox]?.[keys[mailbox] ?? 'rsa'];
  if (!leaf) throw new HarnessError(`no device key is provisioned for the mailbox "${mailbox}"`);
  return leaf;
}

/** The run's S/MIME test PKI; its keys are secrets like the TLS ones: never in a report. */
export async function contentSmime(pki: TestPki): Promise<SmimePki> {
  const smime = await smimePkiFor(pki);
  for (const spec of DEFAULT_SMIME_LEAVES) registerSecret(smime.leaf(spec.name).keyPem);
  return smime;
}

/** What the caller hands the EVVM Server: the request of the EVVM Server's side, wherever it runs. */
export interface ContentDeposit {
  mailbox: string;
  /** the mailbox identifier the voicemail is deposited for */
  identifier: string;
  messageId: string;
  /** the voicemail as the caller made it (plaintext): also the attacker's raw material */
  deposited: Buffer;
  /** what the caller left: `deposited`, signed when the caller has a key */
  left: Buffer;
  /** what the EVVM Server applies (the scenario's policy, or its misconfiguration) */
  serverPolicy: ContentPolicy;
  deviceKeys: DeviceKeyChoice;
  /** an attacker with write access to the message store acts on this voicemail */
  attack?: StoreAttack;
}

export interface StoredDeposit {
  uid: number;
  stored: Buffer;
  signedBy: LeftVoicemail['signedBy'];
}

/**
 * The EVVM Server's side of a deposit (the EVVM Server's process: in-process or its container): its
 * content protection applies the policy, the attacker on the message store (if any) acts, the store keeps it.
 */
function protectAndStore(args: { server: EvvmServer; smime: SmimePki; accounts: readonly TestAccount[]; faults: readonly string[]; transcript: TranscriptSink; deposit: ContentDeposit }): StoredDeposit {
  const { smime, deposit } = args;
  const device = (mailbox: string): KeyMaterial => loadKey(smime.leaf(deviceLeaf(mailbox, deposit.deviceKeys)));
  const protection = new EvvmContentProtection({
    server: args.server,
    policy: deposit.serverPolicy,
    signer: loadKey(smime.leaf('smime-evvm-server')),
    devices: () => args.accounts.filter((a) => SMIME_DEVICE[a.name]).map((a) => ({ identifiers: Object.values(a.identifiers), certificates: [device(a.name).certificate] })),
    faults: args.faults.filter((f) => f.startsWith('evvm-server:')),
    transcript: args.transcript,
  });
  const { stored, signedBy } = protection.protect(deposit.identifier, deposit.left);
  let toStore = stored;
  if (deposit.attack) {
    const policy = protection.policy();
    toStore = attackStoredVoicemail(deposit.attack, stored, { deposited: deposit.deposited, recipients: [device(deposit.mailbox).certificate], suite: policy.algorithms[0] ?? 'modern', encryption: policy.encryption });
    args.transcript.record({ actor: 'Message Store Attacker', channel: 'cms', dir: 'event', text: `an attacker with write access to the message store ${describeAttack(deposit.attack)} of ${deposit.messageId}` });
  }
  const result = protection.store(deposit.identifier, toStore, signedBy);
  return { uid: result.uid, stored: toStore, signedBy };
}

/** What the EVVM Client of a mailbox is asked to retrieve and open: the request of the client's side. */
export interface ContentRetrievalRequest {
  target: ServerTarget;
  account: ClientAccount;
  messageId: string;
  /** the S/MIME leaf whose key the device opens the voicemail with */
  deviceLeaf: string;
  /** what the client insists on before playing */
  policy: ContentPolicy;
  actor: string;
  /** a device other than the owner's tries its key on every recipient info, as an attacker would */
  trial: boolean;
}

/** The EVVM Client's side (its process: in-process or its container): fetch over real IMAP, open with the device key. */
function retrieveAndOpen(args: { retriever: VoicemailRetriever; smime: SmimePki; faults: readonly string[]; transcript: TranscriptSink; request: ContentRetrievalRequest }): Promise<OpenedRetrieval> {
  const { smime, request } = args;
  const client = new EvvmContentClient(args.retriever, {
    actor: request.actor,
    deviceKeys: [loadKey(smime.leaf(request.deviceLeaf))],
    trust: { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) },
    policy: request.policy,
    evvmServerIdentity: request.target.servername,
    faults: args.faults.filter((f) => f.startsWith('evvm-client:')),
    transcript: args.transcript,
    trial: request.trial,
  });
  return client.retrieveAndOpen(request.target, request.account, (raw) => messageIdOf(raw) === request.messageId);
}

/** How a third party re-checks the served voicemail with openssl (docs/content-security.md), given `run --keep-pki`. */
export function reproductionNote(served: Buffer, leaf: string): string {
  const layout = inspectProtection(served);
  const verify = 'openssl cms -verify -CAfile trust.pem -crl_check_all -purpose smimesign';
  const how =
    layout.top === 'envelope'
      ? `openssl cms -decrypt -recip pki/smime/${leaf}.crt -inkey pki/smime/${leaf}.key -in served.eml | ${verify}`
      : layout.envelopes.length > 0
        ? `decrypt each application/pkcs7-mime part with openssl cms -decrypt -recip pki/smime/${leaf}.crt -inkey pki/smime/${leaf}.key, put it back in place, then ${verify} (docs/content-security.md)`
        : `${verify} -in served.eml`;
  return `re-check outside the harness (run --keep-pki; served.eml = the base64 above; trust.pem = pki/ca.pem + pki/smime/crl.pem): ${how}`;
}

/**
 * The content role in every topology: the harness-side state the steps set (policies, device keys, the
 * pending attack), the caller (the harness's equipment: it builds the voicemail and signs it with its own
 * key), and judging material (certificates, layouts). Where the EVVM Server's protection and the EVVM
 * Client run is the topology's business: `depositAtServer` and `openAtClient`.
 */
class Content implements ContentRole {
  readonly actor = 'Caller';
  private serverPolicyOverride: Partial<ContentPolicy> = {};
  private clientPolicy: ContentPolicy;
  private readonly deviceKeys: Record<string, DeviceKeyType> = {};
  private pendingAttack?: StoreAttack;

  constructor(
    private readonly ctx: RoleContext,
    private readonly smime: SmimePki,
    private readonly call: SideCaller,
  ) {
    const p = ctx.profile.policy.content;
    this.clientPolicy = { encryption: p.encryption, parts: [...p.parts], algorithms: [...p.algorithms], signatureRequired: p.signatureRequired, nonRepudiation: p.nonRepudiation };
  }

  /** the EVVM Server protects and stores the deposit (and the attacker on the store acts) */
  private depositAtServer(deposit: ContentDeposit): Promise<StoredDeposit> {
    return this.call(CONTENT_SIDES.deposit, deposit);
  }

  /** the EVVM Client retrieves over IMAP and opens with the device key */
  private openAtClient(request: ContentRetrievalRequest): Promise<OpenedRetrieval> {
    return this.call(CONTENT_SIDES.retrieve, request);
  }

  policy(): ContentPolicy {
    return { ...this.clientPolicy, parts: [...this.clientPolicy.parts], algorithms: [...this.clientPolicy.algorithms] };
  }

  setPolicy(patch: Partial<ContentPolicy>): void {
    this.clientPolicy = { ...this.clientPolicy, ...patch };
  }

  setServerPolicy(patch: Partial<ContentPolicy>): void {
    this.serverPolicyOverride = { ...this.serverPolicyOverride, ...patch };
  }

  useDeviceKey(mailbox: string, type: DeviceKeyType): void {
    if (!SMIME_DEVICE[mailbox]?.[type]) throw new HarnessError(`the test PKI has no ${type} device key for "${mailbox}"`);
    this.deviceKeys[mailbox] = type;
  }

  deviceCertificates(mailbox: string): DeviceCertificate[] {
    const leaf = deviceLeaf(mailbox, this.deviceKeys);
    const k = loadKey(this.smime.leaf(leaf));
    return [{ leaf, serialHex: k.certificate.serialHex, issuer: k.certificate.issuer }];
  }

  attackStore(attack: StoreAttack): void {
    this.pendingAttack = attack;
  }

  inspect(raw: Buffer): ProtectionLayout {
    return inspectProtection(raw);
  }

  private account(name: string): TestAccount {
    const a = this.ctx.accounts.find((x) => x.name === name);
    if (!a) throw new HarnessError(`no test account named "${name}"`);
    return a;
  }

  async leaveVoicemail(args: { mailbox: string; caller: Caller; transcription?: boolean }): Promise<LeftVoicemail> {
    const account = this.account(args.mailbox);
    const messageId = `<vm-${randomUUID()}@evvm-server.op.example>`;
    const audio = randomBytes(3000);
    const transcription = args.transcription === false ? undefined : 'Hi, this is Dave. Please call me back about the contract.';
    const deposited = buildVoicemail({ from: CALLER_IDENTITY, to: account.identifiers.MSISDN, messageId, duration: 5, audio, ...(transcription !== undefined ? { transcription } : {}) });
    let left = deposited;
    if (args.caller.kind === 'with-key') {
      const credential = args.caller.certificate === 'valid' ? this.smime.leaf('smime-caller') : this.smime.bad('smime-caller', args.caller.certificate);
      const suite = this.clientPolicy.algorithms[0] ?? 'modern';
      // The caller's device signs before depositing; the EVVM Server then applies the policy.
      left = protectVoicemail(deposited, { suite, encryption: 'none', recipients: [], signer: loadKey(credential) }).raw;
      this.ctx.transcript.record({ actor: this.actor, channel: 'cms', dir: 'event', text: `the caller ${CALLER_IDENTITY} signs its voicemail with ${credential.subject} (${args.caller.certificate === 'valid' ? 'its own valid certificate' : `a certificate that is ${args.caller.certificate}`})` });
    } else {
      this.ctx.transcript.record({ actor: this.actor, channel: 'cms', dir: 'event', text: `a caller without a key (${CALLER_IDENTITY}, PSTN) leaves a voicemail for ${account.identifiers.MSISDN}` });
    }
    const attack = this.pendingAttack;
    this.pendingAttack = undefined;
    const { uid, stored, signedBy } = await this.depositAtServer({
      mailbox: args.mailbox,
      identifier: account.identifiers.MSISDN,
      messageId,
      deposited,
      left,
      serverPolicy: { ...this.clientPolicy, ...this.serverPolicyOverride },
      deviceKeys: { ...this.deviceKeys },
      ...(attack ? { attack } : {}),
    });
    return { mailbox: args.mailbox, messageId, uid, deposited, audio, ...(transcription !== undefined ? { transcription } : {}), stored, signedBy };
  }

  async retrieve(args: { mailbox: string; messageId: string; deviceOf?: string }): Promise<ContentRetrieval> {
    const account = this.account(args.mailbox);
    const deviceOf = args.deviceOf ?? args.mailbox;
    const server = await this.ctx.topology.evvmServer();
    const endpoint = server.endpoint('implicit-tls') ?? server.endpoint('starttls');
    if (!endpoint) throw new InconclusiveError('the EVVM Server offers no IMAP endpoint');
    const transport = server.endpoint('implicit-tls') ? 'implicit-tls' : 'starttls';
    const leaf = deviceLeaf(deviceOf, this.deviceKeys);
    const opened = await this.openAtClient({
      target: { ...endpoint, transport },
      account: { username: account.identifiers.MSISDN, password: account.password },
      messageId: args.messageId,
      deviceLeaf: leaf,
      policy: this.policy(),
      actor: deviceOf === args.mailbox ? 'EVVM Client' : `EVVM Client (device key of ${deviceOf})`,
      trial: deviceOf !== args.mailbox,
    });
    if (opened.served) this.ctx.transcript.record({ actor: 'Harness', channel: 'note', dir: 'event', text: reproductionNote(opened.served, leaf) });
    return { retrieval: opened.retrieval, ...(opened.served ? { served: opened.served } : {}), ...(opened.report ? { report: opened.report } : {}), deviceOf };
  }
}

// --- the routes by which the container topology runs each side in its container ---

const nonEmpty = <T extends string>(values: readonly T[]): [T, ...T[]] => values as [T, ...T[]];
const Bytes = z.instanceof(Buffer);
const Policy = z.object({
  encryption: z.enum(nonEmpty(ENCRYPTION_MODES)),
  parts: z.array(z.enum(nonEmpty(PART_KINDS))),
  algorithms: z.array(z.enum(nonEmpty(ALGORITHM_SUITES))),
  signatureRequired: z.boolean(),
  nonRepudiation: z.boolean(),
});

const CONTENT_SIDES = {
  /** a caller's voicemail reaches the EVVM Server: protected per policy, attacked on the store if the scenario says so, stored */
  deposit: side(
    'evvm-server',
    'POST /content/deposit',
    z.object({
      mailbox: z.string(),
      identifier: z.string(),
      messageId: z.string(),
      deposited: Bytes,
      left: Bytes,
      serverPolicy: Policy,
      deviceKeys: z.record(z.string(), z.enum(['rsa', 'ec'])),
      attack: z.enum(nonEmpty(STORE_ATTACKS)).optional(),
    }) satisfies z.ZodType<ContentDeposit>,
    z.object({ uid: z.number().int(), stored: Bytes, signedBy: z.enum(['evvm-server', 'caller', 'none']) }) satisfies z.ZodType<StoredDeposit>,
    async (deposit, where) => protectAndStore({ ...where, server: await where.evvmServer(), smime: await contentSmime(where.pki), deposit }),
  ),
  /** the EVVM Client of a mailbox fetches over IMAP from the EVVM Server and opens with the device key */
  retrieve: side(
    'evvm-client',
    'POST /content/retrieve',
    z.object({
      target: z.object({ host: z.string(), port: z.number().int().positive(), servername: z.string(), transport: z.enum(['implicit-tls', 'starttls']) }),
      account: z.object({ username: z.string(), password: z.string() }),
      messageId: z.string(),
      deviceLeaf: z.string(),
      policy: Policy,
      actor: z.string(),
      trial: z.boolean(),
    }) satisfies z.ZodType<ContentRetrievalRequest>,
    // the EVVM Client's own record of what it fetched and how it judged it (simulators/evvm-client/content)
    z.custom<OpenedRetrieval>((v) => typeof v === 'object' && v !== null && 'retrieval' in v),
    async (request, where) => retrieveAndOpen({ ...where, retriever: await where.evvmClient(), smime: await contentSmime(where.pki), request }),
    // the EVVM Server's endpoint as the harness sees it, translated for the evvm-client container
    (request, onNetwork) => ({ ...request, target: onNetwork(request.target) }),
  ),
};

defineRole('content', async (ctx, call) => new Content(ctx, await contentSmime(ctx.pki), call));
