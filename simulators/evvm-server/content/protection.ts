/**
 * The EVVM Server's content protection (EVVM-CONT-01..04), composed around the EvvmServer: a deposited
 * voicemail is signed (by the EVVM Server when the caller has no key, open question 7), then
 * encrypted whole or in chosen parts for the devices of the mailbox owner (end to end: the server
 * stores ciphertext it cannot read, open question 6), then stored with EvvmServer.deposit(), so the
 * IMAP interface serves it like any other voicemail.
 *
 * A voicemail the caller signed is not signed again (the caller is the originator and the better
 * signer); the EVVM Server does not vouch for the caller's signature either: the recipient's client
 * verifies it. Fault switches each break one rule, next to it.
 */
import { nullSink, type TranscriptSink } from '../../../evidence/transcript';
import {
  contentTypeOf,
  decode,
  decodedBody,
  inspectProtection,
  OID,
  parseEntity,
  protectVoicemail,
  splitMessage,
  type Certificate,
  type ContentPolicy,
  type PartKind,
  type ProtectionLayout,
  type Signer,
} from '../../crypto/cms';
import { readOid, child } from '../../crypto/cms/der';
import type { EvvmServer } from '../evvm-server';
import { sameIdentifier } from '../identifiers';
import type { FaultSet } from '../../fault-set';
import { EVVM_SERVER_FAULTS } from '../faults';

export interface MailboxDevices {
  /** every identifier of the mailbox */
  identifiers: readonly string[];
  /** the encryption certificates of the owner's devices: the only readers of the voicemail */
  certificates: readonly Certificate[];
}

export interface ContentProtectionOptions {
  server: EvvmServer;
  policy: ContentPolicy;
  /** the EVVM Server's S/MIME signing credential (names the server, not any caller) */
  signer: Signer;
  devices: () => readonly MailboxDevices[];
  faults?: Iterable<string>;
  transcript?: TranscriptSink;
}

export interface ProtectedDeposit {
  identifier: string;
  uid: number;
  /** what the EVVM Server stores (and serves over IMAP) */
  stored: Buffer;
  signedBy: 'evvm-server' | 'caller' | 'none';
  layout: ProtectionLayout;
}

/** How a caller's own protection shows on the deposited entity. */
function callerProtection(raw: Buffer): 'signed' | 'enveloped' | 'none' {
  const { entity } = splitMessage(raw);
  const e = parseEntity(entity);
  const mime = contentTypeOf(e).mime;
  if (mime === 'multipart/signed') return 'signed';
  if (mime === 'application/pkcs7-mime' || mime === 'application/x-pkcs7-mime') {
    const type = readOid(child(decode(decodedBody(e)), 0, 'ContentInfo'));
    return type === OID.signedData ? 'signed' : 'enveloped';
  }
  return 'none';
}

export class EvvmContentProtection {
  readonly actor: string;
  private current: ContentPolicy;
  private readonly faults: FaultSet<'evvm-server'>;
  private readonly transcript: TranscriptSink;

  constructor(private readonly options: ContentProtectionOptions) {
    this.actor = options.server.actor;
    this.current = { ...options.policy, parts: [...options.policy.parts], algorithms: [...options.policy.algorithms] };
    this.faults = EVVM_SERVER_FAULTS.among(options.faults);
    this.transcript = options.transcript ?? nullSink;
  }

  policy(): ContentPolicy {
    return { ...this.current, parts: [...this.current.parts], algorithms: [...this.current.algorithms] };
  }

  setPolicy(patch: Partial<ContentPolicy>): void {
    this.current = { ...this.current, ...patch };
  }

  private note(text: string): void {
    this.transcript.record({ actor: this.actor, channel: 'cms', dir: 'event', text });
  }

  private devicesOf(identifier: string): MailboxDevices | undefined {
    return this.options.devices().find((m) => m.identifiers.some((i) => sameIdentifier(i, identifier)));
  }

  /** The devices a voicemail for `identifier` is encrypted to. */
  private recipients(identifier: string): Certificate[] {
    const own = this.devicesOf(identifier);
    if (!own || own.certificates.length === 0) throw new Error(`no device certificate is known for the mailbox of ${identifier}: cannot encrypt end to end`);
    const other = this.options.devices().find((m) => !m.identifiers.some((i) => sameIdentifier(i, identifier)) && m.certificates.length > 0);
    // FAULT evvm-server:encrypt-to-wrong-recipient (EVVM-CONT-01, EVVM-CONT-02): the envelope is for another mailbox's device.
    if (this.faults.has('evvm-server:encrypt-to-wrong-recipient') && other) return [...other.certificates];
    // FAULT evvm-server:encrypt-to-extra-recipient (EVVM-CONT-01, EVVM-CONT-02): someone besides the owner can read it too.
    if (this.faults.has('evvm-server:encrypt-to-extra-recipient') && other) return [...own.certificates, ...other.certificates];
    return [...own.certificates];
  }

  /** Applies the policy to a deposited voicemail; returns the bytes to store. */
  protect(identifier: string, raw: Buffer): { stored: Buffer; signedBy: ProtectedDeposit['signedBy'] } {
    const p = this.current;
    const suite = p.algorithms[0] ?? 'modern';
    const byCaller = callerProtection(raw);
    if (byCaller === 'enveloped') {
      this.note(`deposit for ${identifier}: already enveloped by the caller; stored as deposited`);
      return { stored: raw, signedBy: 'caller' };
    }
    // FAULT evvm-server:skip-signing (EVVM-CONT-03, EVVM-CONT-04): a voicemail from a caller without a key is stored unsigned.
    const serverSigns = byCaller === 'none' && !this.faults.has('evvm-server:skip-signing');
    // FAULT evvm-server:mac-instead-of-signature (EVVM-CONT-04): the server "signs" with a MAC, which proves no origin.
    const mac = serverSigns && this.faults.has('evvm-server:mac-instead-of-signature');
    // FAULT evvm-server:store-cleartext (EVVM-CONT-01, EVVM-CONT-02): the encryption policy is ignored.
    let encryption = this.faults.has('evvm-server:store-cleartext') ? 'none' : p.encryption;
    let parts: PartKind[] = [...p.parts];
    // FAULT evvm-server:skip-part-encryption (EVVM-CONT-02): the audio stays in clear in per-part mode.
    if (encryption === 'parts' && this.faults.has('evvm-server:skip-part-encryption')) {
      parts = parts.filter((k) => k !== 'audio');
      if (parts.length === 0) encryption = 'none';
    }
    const recipients = encryption === 'none' && !mac ? [] : this.recipients(identifier);
    const result = protectVoicemail(raw, {
      suite,
      encryption,
      parts,
      recipients,
      ...(serverSigns && !mac ? { signer: this.options.signer } : {}),
      ...(mac ? { mac: true } : {}),
      // FAULT evvm-server:no-signing-time (EVVM-CONT-04): the signature does not say when it was made.
      ...(this.faults.has('evvm-server:no-signing-time') ? { signingTime: null } : {}),
    });
    const signedBy = byCaller === 'signed' ? 'caller' : serverSigns && !mac ? 'evvm-server' : 'none';
    this.note(
      `deposit for ${identifier}: ${signedBy === 'evvm-server' ? 'signed by the EVVM Server on behalf of the caller' : signedBy === 'caller' ? 'signed by the caller (kept as is)' : mac ? 'MAC only (AuthenticatedData)' : 'unsigned'}, ` +
        `${encryption === 'whole' ? 'whole voicemail enveloped' : encryption === 'parts' ? `parts enveloped (${parts.join(', ')}: ${result.encryptedParts})` : 'not encrypted'} with the ${suite} suite` +
        (recipients.length ? ` for ${recipients.map((c) => `${c.subjectText} #${c.serialHex}`).join(', ')}` : ''),
    );
    return { stored: result.raw, signedBy };
  }

  /** Protects a voicemail per policy and stores it in the mailbox's INBOX. */
  deposit(identifier: string, raw: Buffer): ProtectedDeposit {
    const { stored, signedBy } = this.protect(identifier, raw);
    return this.store(identifier, stored, signedBy);
  }

  /** Stores bytes as they are (the protected voicemail, or whatever an attacker on the store made of it). */
  store(identifier: string, stored: Buffer, signedBy: ProtectedDeposit['signedBy'] = 'none'): ProtectedDeposit {
    const uid = this.options.server.deposit(identifier, { raw: stored });
    return { identifier, uid, stored, signedBy, layout: inspectProtection(stored) };
  }
}
