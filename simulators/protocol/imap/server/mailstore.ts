/**
 * In-memory folders and messages. A folder belongs to a role (the EVVM Server keeps one INBOX and one
 * Greetings per mailbox); sessions look at a folder through a FolderView, which keeps the session's
 * sequence-number map so that other sessions' changes are reported as EXISTS/EXPUNGE (RFC 3501 §7.4.1).
 */
import { parseMessage, type MimePart } from './message';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

export interface StoredMessage {
  readonly uid: number;
  flags: Set<string>;
  readonly internalDate: Date;
  readonly raw: Buffer;
  /** \Recent (RFC 3501): new since the last session that selected the folder */
  recent: boolean;
}

/**
 * What a client may put into one folder (APPEND, STORE): generous for any scenario, small enough that a
 * hostile client cannot exhaust memory. Server-side deposits are not limited.
 */
export const FOLDER_QUOTA = { messages: 10_000, bytes: 64 * 1024 * 1024, keywords: 256 } as const;

let uidValiditySeed = Math.floor(Date.now() / 1000);

export class MailFolder {
  readonly uidValidity = uidValiditySeed++;
  uidNext = 1;
  readonly messages: StoredMessage[] = [];
  private readonly parsed = new WeakMap<StoredMessage, MimePart>();

  constructor(readonly name: string) {}

  append(raw: Buffer, flags: Iterable<string> = [], internalDate: Date = new Date()): StoredMessage {
    const m: StoredMessage = { uid: this.uidNext++, flags: new Set(flags), internalDate, raw, recent: true };
    this.messages.push(m);
    return m;
  }

  /** Why a client's APPEND of this size and these flags would exceed the folder's quota, or undefined. */
  overQuota(size: number, flags: Iterable<string>): string | undefined {
    if (this.messages.length >= FOLDER_QUOTA.messages) return `folder holds the limit of ${FOLDER_QUOTA.messages} messages`;
    const bytes = this.messages.reduce((n, m) => n + m.raw.length, 0);
    if (bytes + size > FOLDER_QUOTA.bytes) return `folder would exceed its limit of ${FOLDER_QUOTA.bytes} bytes`;
    return this.tooManyKeywords(flags);
  }

  /** Why adding these flags would exceed the folder's number of distinct keywords, or undefined. */
  tooManyKeywords(flags: Iterable<string>): string | undefined {
    const keywords = new Set<string>();
    for (const f of flags) if (!f.startsWith('\\')) keywords.add(f);
    if (keywords.size === 0) return undefined;
    for (const m of this.messages) for (const f of m.flags) if (!f.startsWith('\\')) keywords.add(f);
    return keywords.size > FOLDER_QUOTA.keywords ? `folder would exceed its limit of ${FOLDER_QUOTA.keywords} keywords` : undefined;
  }

  /** Removes the messages flagged \Deleted; returns their UIDs. */
  expungeDeleted(): number[] {
    const gone: number[] = [];
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i]!.flags.has('\\Deleted')) gone.push(this.messages.splice(i, 1)[0]!.uid);
    }
    return gone.reverse();
  }

  byUid(uid: number): StoredMessage | undefined {
    return this.messages.find((m) => m.uid === uid);
  }

  mime(m: StoredMessage): MimePart {
    let p = this.parsed.get(m);
    if (!p) {
      p = parseMessage(m.raw);
      this.parsed.set(m, p);
    }
    return p;
  }

  /** Flags that occur in the folder, for the FLAGS response. */
  flagList(): string[] {
    const s = new Set<string>(SYSTEM_FLAGS);
    for (const m of this.messages) for (const f of m.flags) s.add(f);
    return [...s];
  }

  unseenCount(): number {
    return this.messages.filter((m) => !m.flags.has('\\Seen')).length;
  }

  recentCount(): number {
    return this.messages.filter((m) => m.recent).length;
  }
}

/** One session's view of a selected folder. */
export class FolderView {
  /** UIDs by sequence number - 1, as the client last learnt them */
  uids: number[];

  constructor(
    readonly folder: MailFolder,
    readonly readOnly: boolean,
    /** the name the client selected it by (e.g. "#id/tel:+1555/INBOX") */
    readonly selectedAs: string,
  ) {
    this.uids = folder.messages.map((m) => m.uid);
  }

  get exists(): number {
    return this.uids.length;
  }

  /** Messages currently visible in this view, with their sequence numbers. */
  entries(): Array<{ seq: number; msg: StoredMessage }> {
    const byUid = new Map(this.folder.messages.map((m) => [m.uid, m]));
    const out: Array<{ seq: number; msg: StoredMessage }> = [];
    this.uids.forEach((uid, i) => {
      const msg = byUid.get(uid);
      if (msg) out.push({ seq: i + 1, msg });
    });
    return out;
  }

  /** Only the arrivals (EXISTS may be sent at any time; EXPUNGE may not, RFC 3501 §7.4.1). */
  syncAdded(): string[] {
    const known = new Set(this.uids);
    const added = this.folder.messages.filter((m) => !known.has(m.uid)).map((m) => m.uid);
    if (!added.length) return [];
    this.uids.push(...added);
    return [`${this.uids.length} EXISTS`];
  }

  /**
   * Brings the view up to date and returns the untagged responses that tell the client: EXPUNGE for
   * messages gone (highest sequence number first, so that each number is still valid when sent), then
   * EXISTS when new ones arrived.
   */
  sync(): string[] {
    const out: string[] = [];
    const present = new Set(this.folder.messages.map((m) => m.uid));
    for (let i = this.uids.length - 1; i >= 0; i--) {
      if (!present.has(this.uids[i]!)) {
        out.push(`${i + 1} EXPUNGE`);
        this.uids.splice(i, 1);
      }
    }
    const known = new Set(this.uids);
    const added = this.folder.messages.filter((m) => !known.has(m.uid)).map((m) => m.uid);
    if (added.length) {
      this.uids.push(...added);
      out.push(`${this.uids.length} EXISTS`);
    }
    return out;
  }
}
