/**
 * Security of voicemail contents (EVVM-CONT-01..04): the role interface the steps of
 * features/content-security talk to, and its embedded implementation: callers (without a key, or
 * with one, good or flawed), the EVVM Server's content protection around the embedded EVVM Server,
 * an attacker with write access to the message store, and the EVVM Client of each mailbox, which
 * fetches over real IMAP and opens the voicemail with its device key. Roles observe; they do not judge.
 *
 * Key model (docs/content-security.md): each mailbox owner's device holds the decryption key (the
 * EVVM Server stores ciphertext it cannot read); a caller with a key signs as itself; for a caller
 * without one, the depositing EVVM Server signs with a certificate naming the server.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_SMIME_LEAVES, smimePkiFor, type SmimeFlaw, type SmimePki } from '../../../simulators/crypto/pki/smime';
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
  type TrustStore,
} from '../../../simulators/crypto/cms';
import { EvvmContentProtection, attackStoredVoicemail, describeAttack, type StoreAttack } from '../../../simulators/evvm-server/content';
import { EvvmContentClient, type ContentReport } from '../../../simulators/evvm-client/content';
import type { Retrieval } from '../../../simulators/evvm-client/evvm-client';
import { registerSecret } from '../../evidence/secrets';
import { HarnessError, InconclusiveError } from '../../engine/outcomes';
import type { TestAccount } from '../accounts';
import { registerEmbeddedRole, type EmbeddedContext } from '../registry';

declare module '../registry' {
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

const SMIME_DEVICE: Record<string, Partial<Record<DeviceKeyType, string>>> = {
  alice: { rsa: 'smime-alice', ec: 'smime-alice-ec' },
  bob: { rsa: 'smime-bob' },
};

class EmbeddedContent implements ContentRole {
  readonly actor = 'Caller';
  private serverPolicyOverride: Partial<ContentPolicy> = {};
  private clientPolicy: ContentPolicy;
  private readonly deviceKeys = new Map<string, DeviceKeyType>();
  private pendingAttack?: StoreAttack;
  private protection?: Promise<EvvmContentProtection>;
  private readonly trust: TrustStore;

  constructor(
    private readonly ctx: EmbeddedContext,
    private readonly smime: SmimePki,
  ) {
    const p = ctx.profile.policy.content;
    this.clientPolicy = { encryption: p.encryption, parts: [...p.parts], algorithms: [...p.algorithms], signatureRequired: p.signatureRequired, nonRepudiation: p.nonRepudiation };
    this.trust = { anchors: certificatesFromPem(smime.trustAnchorPem), crls: smime.crls.flatMap((c) => crlsFromPem(c)) };
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
    this.deviceKeys.set(mailbox, type);
  }

  private deviceLeaf(mailbox: string): string {
    const leaf = SMIME_DEVICE[mailbox]?.[this.deviceKeys.get(mailbox) ?? 'rsa'];
    if (!leaf) throw new HarnessError(`no device key is provisioned for the mailbox "${mailbox}"`);
    return leaf;
  }

  private device(mailbox: string): KeyMaterial {
    return loadKey(this.smime.leaf(this.deviceLeaf(mailbox)));
  }

  deviceCertificates(mailbox: string): DeviceCertificate[] {
    const k = this.device(mailbox);
    return [{ leaf: this.deviceLeaf(mailbox), serialHex: k.certificate.serialHex, issuer: k.certificate.issuer }];
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

  private contentProtection(): Promise<EvvmContentProtection> {
    this.protection ??= (async () => {
      const server = await this.ctx.evvmServer();
      return new EvvmContentProtection({
        server,
        policy: this.policy(),
        signer: loadKey(this.smime.leaf('smime-evvm-server')),
        devices: () =>
          this.ctx.accounts
            .filter((a) => SMIME_DEVICE[a.name])
            .map((a) => ({ identifiers: Object.values(a.identifiers), certificates: [this.device(a.name).certificate] })),
        faults: this.ctx.faults.filter((f) => f.startsWith('evvm-server:')),
        transcript: this.ctx.transcript,
      });
    })();
    return this.protection;
  }

  async leaveVoicemail(args: { mailbox: string; caller: Caller; transcription?: boolean }): Promise<LeftVoicemail> {
    const account = this.account(args.mailbox);
    const protection = await this.contentProtection();
    protection.setPolicy({ ...this.clientPolicy, ...this.serverPolicyOverride });
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
    const identifier = account.identifiers.MSISDN;
    const { stored, signedBy } = protection.protect(identifier, left);
    let toStore = stored;
    const attack = this.pendingAttack;
    if (attack) {
      this.pendingAttack = undefined;
      const policy = protection.policy();
      toStore = attackStoredVoicemail(attack, stored, { deposited, recipients: [this.device(args.mailbox).certificate], suite: policy.algorithms[0] ?? 'modern', encryption: policy.encryption });
      this.ctx.transcript.record({ actor: 'Message Store Attacker', channel: 'cms', dir: 'event', text: `an attacker with write access to the message store ${describeAttack(attack)} of ${messageId}` });
    }
    const result = protection.store(identifier, toStore, signedBy);
    return { mailbox: args.mailbox, messageId, uid: result.uid, deposited, audio, ...(transcription !== undefined ? { transcription } : {}), stored: toStore, signedBy };
  }

  /** How a third party re-checks the served voicemail with openssl (docs/content-security.md), given `run --keep-pki`. */
  private noteReproduction(served: Buffer, leaf: string): void {
    const layout = inspectProtection(served);
    const verify = 'openssl cms -verify -CAfile trust.pem -crl_check_all -purpose smimesign';
    const how =
      layout.top === 'envelope'
        ? `openssl cms -decrypt -recip pki/smime/${leaf}.crt -inkey pki/smime/${leaf}.key -in served.eml | ${verify}`
        : layout.envelopes.length > 0
          ? `decrypt each application/pkcs7-mime part with openssl cms -decrypt -recip pki/smime/${leaf}.crt -inkey pki/smime/${leaf}.key, put it back in place, then ${verify} (docs/content-security.md)`
          : `${verify} -in served.eml`;
    this.ctx.transcript.record({
      actor: 'Harness',
      channel: 'note',
      dir: 'event',
      text: `re-check outside the harness (run --keep-pki; served.eml = the base64 above; trust.pem = pki/ca.pem + pki/smime/crl.pem): ${how}`,
    });
  }

  async retrieve(args: { mailbox: string; messageId: string; deviceOf?: string }): Promise<ContentRetrieval> {
    const account = this.account(args.mailbox);
    const deviceOf = args.deviceOf ?? args.mailbox;
    const server = await this.ctx.topology.evvmServer();
    const endpoint = server.endpoint('implicit-tls') ?? server.endpoint('starttls');
    if (!endpoint) throw new InconclusiveError('the EVVM Server offers no IMAP endpoint');
    const transport = server.endpoint('implicit-tls') ? 'implicit-tls' : 'starttls';
    const client = new EvvmContentClient(await this.ctx.topology.evvmClient(), {
      actor: deviceOf === args.mailbox ? 'EVVM Client' : `EVVM Client (device key of ${deviceOf})`,
      deviceKeys: [this.device(deviceOf)],
      trust: this.trust,
      policy: this.policy(),
      evvmServerIdentity: endpoint.servername,
      faults: this.ctx.faults.filter((f) => f.startsWith('evvm-client:')),
      transcript: this.ctx.transcript,
      // a device other than the owner's tries its key on every recipient info, as an attacker would
      trial: deviceOf !== args.mailbox,
    });
    const opened = await client.retrieveAndOpen({ ...endpoint, transport }, { username: account.identifiers.MSISDN, password: account.password }, (raw) => messageIdOf(raw) === args.messageId);
    if (opened.served) this.noteReproduction(opened.served, this.deviceLeaf(deviceOf));
    return { retrieval: opened.retrieval, ...(opened.served ? { served: opened.served } : {}), ...(opened.report ? { report: opened.report } : {}), deviceOf };
  }
}

registerEmbeddedRole('content', async (ctx) => {
  const smime = await smimePkiFor(ctx.pki);
  // The S/MIME test keys are secrets like the TLS ones: never in a report.
  for (const spec of DEFAULT_SMIME_LEAVES) registerSecret(smime.leaf(spec.name).keyPem);
  return new EmbeddedContent(ctx, smime);
});
