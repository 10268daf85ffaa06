/**
 * The EVVM Server's mailboxes: each has several identifiers (EVVM-AUTH-01), one password, a state
 * (active or blocked), optional client certificates for SASL EXTERNAL, and two folders (INBOX and
 * Greetings, as in VVM).
 */
import { MailFolder } from '../protocol/imap/server/mailstore';
import { normalizeIdentifier, subjectAltNameValues } from './identifiers';

export interface Voicemail {
  /** the RFC 5322 message */
  raw: Buffer;
  flags?: string[];
  internalDate?: Date;
}

export interface MailboxSpec {
  identifiers: string[];
  password: string;
  state: 'active' | 'blocked';
  /** client certificates that authenticate this mailbox by SASL EXTERNAL: fingerprint256 values or SAN values */
  clientCertificates?: string[];
  voicemails?: Voicemail[];
  /** the voicemail TUI PIN, which XCHANGE_TUI_PWD changes (VVM-04) */
  tuiPin?: string;
}

export class Mailbox {
  readonly inbox = new MailFolder('INBOX');
  readonly greetings = new MailFolder('Greetings');
  state: 'active' | 'blocked';
  tuiPin: string | undefined;

  constructor(
    readonly key: string,
    readonly identifiers: readonly string[],
    readonly password: string,
    state: 'active' | 'blocked',
    readonly clientCertificates: readonly string[],
    tuiPin?: string,
  ) {
    this.state = state;
    this.tuiPin = tuiPin;
  }

  /** The identifier as provisioned that matches `id`, if it is one of this mailbox's. */
  identifier(id: string): string | undefined {
    const n = normalizeIdentifier(id);
    return this.identifiers.find((i) => normalizeIdentifier(i) === n);
  }

  deposit(v: Voicemail): number {
    return this.inbox.append(v.raw, v.flags ?? [], v.internalDate ?? new Date()).uid;
  }
}

const fp = (s: string): string => s.replace(/:/g, '').toUpperCase();

export class Directory {
  private readonly byIdentifier = new Map<string, Mailbox>();
  private readonly list: Mailbox[] = [];

  provision(spec: MailboxSpec): Mailbox {
    if (spec.identifiers.length === 0) throw new Error('a mailbox needs at least one identifier');
    for (const id of spec.identifiers) {
      if (this.byIdentifier.has(normalizeIdentifier(id))) throw new Error(`identifier ${id} already belongs to a mailbox`);
    }
    const mb = new Mailbox(`mailbox-${this.list.length + 1}`, [...spec.identifiers], spec.password, spec.state, spec.clientCertificates ?? [], spec.tuiPin);
    for (const id of spec.identifiers) this.byIdentifier.set(normalizeIdentifier(id), mb);
    this.list.push(mb);
    for (const v of spec.voicemails ?? []) mb.deposit(v);
    return mb;
  }

  lookup(identifier: string): Mailbox | undefined {
    return this.byIdentifier.get(normalizeIdentifier(identifier));
  }

  byKey(key: string): Mailbox | undefined {
    return this.list.find((m) => m.key === key);
  }

  all(): readonly Mailbox[] {
    return this.list;
  }

  /** The mailbox a client certificate is mapped to, by SHA-256 fingerprint or by a subjectAltName value. */
  byCertificate(fingerprint256: string, subjectAltName: string | undefined): Mailbox | undefined {
    const sans = subjectAltNameValues(subjectAltName).map(normalizeIdentifier);
    return this.list.find((mb) =>
      mb.clientCertificates.some((c) => fp(c) === fp(fingerprint256) || sans.includes(normalizeIdentifier(c))),
    );
  }
}
