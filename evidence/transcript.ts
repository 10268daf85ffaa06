/**
 * The ordered, cross-protocol record of one scenario: every simulator, adversary and client writes to
 * the same Transcript, so a reader sees TLS handshakes, IMAP lines and checks in the order they happened.
 *
 * Secrets never reach an entry: callers register them with `secret()` and every text is scrubbed before
 * it is stored (plain, base64 and hex forms), so a protocol layer that forgets to redact still leaks nothing.
 */
import { REDACTED, SecretMatcher } from './redact';
import { registerSecret } from './secrets';
import type { TlsHandshakeEvidence } from './tls';

export { REDACTED };

export type Channel = 'tcp' | 'tls' | 'imap' | 'smtp' | 'smpp' | 'sms' | 'cms' | 'check' | 'note';
export type Direction = 'send' | 'recv' | 'event';

export interface TranscriptEntry {
  /** milliseconds since the transcript started */
  t: number;
  seq: number;
  /** who wrote it, in the spec's words: 'EVVM Server', 'EVVM Client', 'Rogue IMAP Server', … */
  actor: string;
  /** the other end, when there is one */
  peer?: string;
  channel: Channel;
  dir: Direction;
  text: string;
  /** connection id, to tell parallel sessions apart */
  conn?: string;
  /** the container that recorded it (topology 'containers'); absent for the harness's own entries */
  container?: string;
  /** a TLS handshake (channel `tls`): what it showed, certificates included (evidence/tls.ts) */
  tls?: TlsHandshakeEvidence;
}

/**
 * What protocol code needs: somewhere to write, and a way to name what must never be written (a
 * password a simulator learns, a PSK it is handed). Simulators accept this, not the class.
 */
export interface TranscriptSink {
  record(entry: Omit<TranscriptEntry, 't' | 'seq'>): void;
  secret(value: string | Buffer | undefined): void;
}

/**
 * What one transcript keeps: a scenario writes a few thousand entries; a hostile peer must not make it
 * (and the report) grow without bound. What is cut is said in the transcript itself.
 */
export interface TranscriptLimits {
  /** entries kept; later ones are counted in one closing note (default 200,000) */
  maxEntries: number;
  /** characters of one entry's text (default 64 KiB) */
  maxText: number;
}

export class Transcript implements TranscriptSink {
  private readonly started = Date.now();
  private readonly list: TranscriptEntry[] = [];
  private readonly secrets = new Set<string>();
  /** made from `secrets` on first use after a change */
  private matcher: SecretMatcher | undefined;
  private readonly limits: TranscriptLimits;
  /** the note that counts the entries not kept, once there are any */
  private overflow: { entry: TranscriptEntry; dropped: number } | undefined;

  constructor(limits: Partial<TranscriptLimits> = {}) {
    this.limits = { maxEntries: limits.maxEntries ?? 200_000, maxText: limits.maxText ?? 64 * 1024 };
  }

  /** Registers a value that must never appear in evidence (passwords, PSKs, keys), here and in the run's reports. */
  secret(value: string | Buffer | undefined): void {
    if (value === undefined) return;
    registerSecret(value);
    const s = Buffer.isBuffer(value) ? value.toString('utf8') : value;
    if (s.length < 3) return; // scrubbing one or two characters would shred every line
    this.secrets.add(s);
    const raw = Buffer.isBuffer(value) ? value : Buffer.from(s, 'utf8');
    this.secrets.add(raw.toString('base64').replace(/=+$/, ''));
    this.secrets.add(raw.toString('hex'));
    this.matcher = undefined;
  }

  scrub(text: string): string {
    this.matcher ??= new SecretMatcher(this.secrets);
    return this.matcher.redact(text);
  }

  record(entry: Omit<TranscriptEntry, 't' | 'seq'>): void {
    const t = Date.now() - this.started;
    if (this.list.length >= this.limits.maxEntries) {
      if (!this.overflow) {
        const note: TranscriptEntry = { actor: 'harness', channel: 'note', dir: 'event', text: '', t, seq: this.list.length };
        this.overflow = { entry: note, dropped: 0 };
        this.list.push(note);
      }
      this.overflow.dropped++;
      this.overflow.entry.text = `transcript limit of ${this.limits.maxEntries} entries reached: ${this.overflow.dropped} later entries not kept`;
      return;
    }
    // scrubbed before it is cut, so that no part of a secret survives at the cut
    const clean = this.scrub(entry.text);
    const text = clean.length > this.limits.maxText ? `${clean.slice(0, this.limits.maxText)}… (${clean.length - this.limits.maxText} more characters not kept)` : clean;
    this.list.push({ ...entry, text, t, seq: this.list.length });
  }

  entries(): readonly TranscriptEntry[] {
    return this.list;
  }

  /**
   * Adds what a simulator in another process recorded (a container), in time order with this one's own
   * entries; `startedAt` is when that transcript started (epoch ms). Its texts are scrubbed here again.
   */
  absorb(entries: readonly TranscriptEntry[], startedAt: number, container: string): void {
    const offset = startedAt - this.started;
    const merged = [...this.list, ...entries.map((e) => ({ ...e, text: this.scrub(e.text), t: e.t + offset, seq: Number.MAX_SAFE_INTEGER, container }))];
    merged.sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.list.length = 0;
    merged.forEach((e, seq) => this.list.push({ ...e, seq }));
  }

  /** Every registered secret, for the report writer's last-line-of-defence scrub. */
  secretValues(): readonly string[] {
    return [...this.secrets];
  }
}

/** A sink that drops everything, for simulators started without a scenario (benchmarks, `simulate`). */
export const nullSink: TranscriptSink = { record: () => undefined, secret: () => undefined };
