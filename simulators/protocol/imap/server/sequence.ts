/** Sequence sets (RFC 3501 §9 sequence-set): "1,3:5,7:*"; '*' is the largest number in use. */

export type SeqNumber = number | '*';
export interface SeqRange {
  from: SeqNumber;
  to: SeqNumber;
}

const NZ = /^[1-9]\d{0,9}$/;

function seqNumber(s: string): SeqNumber | undefined {
  if (s === '*') return '*';
  if (!NZ.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/** Parses a sequence set; undefined when it is malformed (including 0 and numbers over 2^32-1). */
export function parseSequenceSet(s: string): SeqRange[] | undefined {
  if (s === '') return undefined;
  const out: SeqRange[] = [];
  for (const part of s.split(',')) {
    const bits = part.split(':');
    if (bits.length > 2) return undefined;
    const a = seqNumber(bits[0]!);
    const b = bits.length === 2 ? seqNumber(bits[1]!) : a;
    if (a === undefined || b === undefined) return undefined;
    out.push({ from: a, to: b });
  }
  return out;
}

/** Does n fall in the set, with '*' standing for `star` (the highest sequence number or UID)? */
export function inSequenceSet(set: readonly SeqRange[], n: number, star: number): boolean {
  for (const r of set) {
    const a = r.from === '*' ? star : r.from;
    const b = r.to === '*' ? star : r.to;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return false;
}

/** The largest explicit number in the set (to refuse message sequence numbers beyond EXISTS). */
export function maxExplicit(set: readonly SeqRange[]): number {
  let m = 0;
  for (const r of set) for (const x of [r.from, r.to]) if (x !== '*' && x > m) m = x;
  return m;
}

/** The entries of a view that a set names, by sequence number or by UID; a string error for invalid numbers. */
export function selectEntries<T extends { seq: number; msg: { uid: number } }>(
  entries: readonly T[],
  set: readonly SeqRange[],
  byUid: boolean,
  exists: number,
): T[] | string {
  if (byUid) {
    const star = entries.length ? entries[entries.length - 1]!.msg.uid : 0;
    return star === 0 ? [] : entries.filter((e) => inSequenceSet(set, e.msg.uid, star));
  }
  // Explicit numbers beyond EXISTS are an error (RFC 9051 §6.4.4: server SHOULD answer BAD); '*' ranges clamp.
  for (const r of set) if (r.from !== '*' && r.to !== '*' && Math.max(r.from, r.to) > exists) return 'invalid message sequence number';
  return entries.filter((e) => inSequenceSet(set, e.seq, exists));
}
