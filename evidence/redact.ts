/**
 * Finds every occurrence of many secrets in one pass over a text: the report writer scrubs megabytes
 * against hundreds of secret forms, and a loop of `includes` per secret made that most of a run's time.
 * Candidates are indexed by their first three UTF-16 code units (no secret is shorter: scrubbing one or
 * two characters would shred every line); overlapping occurrences are merged, so no part of any secret
 * survives next to a marker, and markers already in the text are left alone.
 */
export const REDACTED = '«redacted»';

const KEY_LENGTH = 3;
/** a small integer hash of three code units: a typed-array lookup per character, collisions checked by startsWith */
const key = (text: string, i: number): number => ((text.charCodeAt(i) * 961 + text.charCodeAt(i + 1) * 31 + text.charCodeAt(i + 2)) & 0xffff);

export class SecretMatcher {
  /** secrets by the key of their first three code units, longest first */
  private readonly byKey = new Map<number, string[]>();
  /** 1 where some secret has that key: most characters of a text stop here */
  private readonly hasKey = new Uint8Array(0x10000);

  constructor(secrets: Iterable<string>) {
    for (const s of new Set(secrets)) {
      if (s.length < KEY_LENGTH) continue;
      const k = key(s, 0);
      const list = this.byKey.get(k);
      if (list) list.push(s);
      else this.byKey.set(k, [s]);
      this.hasKey[k] = 1;
    }
    for (const list of this.byKey.values()) list.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  /** The merged [start, end) ranges of every secret occurrence, outside existing markers. */
  private ranges(text: string, firstOnly: boolean): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (this.byKey.size === 0) return out;
    const marker = key(REDACTED, 0);
    for (let i = 0; i + KEY_LENGTH <= text.length; i++) {
      const k = key(text, i);
      if (k !== marker && this.hasKey[k] === 0) continue;
      const current = out[out.length - 1];
      if (k === marker && text.startsWith(REDACTED, i) && !(current && i < current[1])) {
        i += REDACTED.length - 1;
        continue;
      }
      const candidates = this.byKey.get(k);
      if (!candidates) continue;
      const found = candidates.find((s) => text.startsWith(s, i));
      if (found === undefined) continue;
      if (current && i <= current[1]) current[1] = Math.max(current[1], i + found.length);
      else out.push([i, i + found.length]);
      if (firstOnly) return out;
    }
    return out;
  }

  /** The text with every secret occurrence (and any overlap of two) replaced by the marker. */
  redact(text: string): string {
    const ranges = this.ranges(text, false);
    if (ranges.length === 0) return text;
    let out = '';
    let last = 0;
    for (const [start, end] of ranges) {
      out += text.slice(last, start) + REDACTED;
      last = end;
    }
    return out + text.slice(last);
  }

  /** Whether any secret occurs in the text outside a marker. */
  occursIn(text: string): boolean {
    return this.ranges(text, true).length > 0;
  }

  /**
   * A JSON text with every secret in its strings replaced, written back compact (as JSON.stringify does). Its
   * numbers are left alone: a short numeric secret (a six-digit TUI PIN) occurs in timestamps by chance, and
   * replacing those digits would break the file without hiding anything.
   */
  redactJson(text: string): string {
    return JSON.stringify(JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' ? this.redact(v) : v)));
  }

  /** Whether any secret occurs in a JSON text's strings or keys (not its numbers: see redactJson). */
  occursInJson(text: string): boolean {
    let found = false;
    JSON.parse(text, (key, v: unknown) => {
      found ||= this.occursIn(key) || (typeof v === 'string' && this.occursIn(v));
      return v;
    });
    return found;
  }
}
