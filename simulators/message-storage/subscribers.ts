/**
 * The CPM users of the Message Storage Server. Each has the username/password the CPM service manages
 * for IMAP (CPM-MS-AUTH-03), and, for the negative cases, the user's other credentials that must NOT
 * open the store: the voicemail TUI PIN and the SIP (IMS) credentials.
 */
import { MailFolder } from '../protocol/imap/server/mailstore';

export interface SubscriberSpec {
  /** the IMAP username the CPM service assigned */
  username: string;
  /** the CPM-managed password; undefined until the CPM system configures one */
  password?: string;
  /** the user's voicemail TUI PIN: not a Message Storage credential */
  tuiPin?: string;
  /** the user's SIP credentials: not a Message Storage credential */
  sip?: { uri: string; password: string };
  /** client certificates (SHA-256 fingerprints) that authenticate this user by SASL EXTERNAL */
  clientCertificates?: string[];
  /** messages already stored in INBOX */
  messages?: Buffer[];
}

export class Subscriber {
  readonly inbox = new MailFolder('INBOX');
  password: string | undefined;
  readonly tuiPin: string | undefined;
  readonly sip: { uri: string; password: string } | undefined;
  readonly clientCertificates: readonly string[];

  constructor(
    readonly key: string,
    readonly username: string,
    spec: SubscriberSpec,
  ) {
    this.password = spec.password;
    this.tuiPin = spec.tuiPin;
    this.sip = spec.sip;
    this.clientCertificates = (spec.clientCertificates ?? []).map(fingerprint);
    for (const m of spec.messages ?? []) this.inbox.append(m);
  }
}

function fingerprint(s: string): string {
  return s.replace(/:/g, '').toUpperCase();
}

/** IMAP usernames compare case-insensitively (they are e-mail-like addresses). */
function norm(username: string): string {
  return username.trim().toLowerCase();
}

export class Subscribers {
  private readonly byName = new Map<string, Subscriber>();

  add(spec: SubscriberSpec): Subscriber {
    const key = norm(spec.username);
    if (key === '') throw new Error('a subscriber needs a username');
    if (this.byName.has(key)) throw new Error(`subscriber ${spec.username} already exists`);
    const s = new Subscriber(`subscriber-${this.byName.size + 1}`, spec.username, spec);
    this.byName.set(key, s);
    return s;
  }

  byUsername(username: string): Subscriber | undefined {
    return this.byName.get(norm(username));
  }

  byKey(key: string): Subscriber | undefined {
    return [...this.byName.values()].find((s) => s.key === key);
  }

  bySipUri(uri: string): Subscriber | undefined {
    const u = norm(uri);
    return [...this.byName.values()].find((s) => s.sip && norm(s.sip.uri) === u);
  }

  byCertificate(fingerprint256: string): Subscriber | undefined {
    const f = fingerprint(fingerprint256);
    return [...this.byName.values()].find((s) => s.clientCertificates.includes(f));
  }

  all(): Subscriber[] {
    return [...this.byName.values()];
  }
}
