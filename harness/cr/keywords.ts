/**
 * Normative keywords: the RFC 2119 words in any case, and the weaker forms the seed CRs use ("is
 * expected to", "is optional", "may", "is subject to"). One ordering of strength decides whether a
 * change strengthens or weakens a statement.
 */
import type { Strength } from '../catalogue/types';

export type NormalizedKeyword =
  | 'MUST'
  | 'MUST NOT'
  | 'SHALL'
  | 'SHALL NOT'
  | 'REQUIRED'
  | 'SHOULD'
  | 'SHOULD NOT'
  | 'RECOMMENDED'
  | 'NOT RECOMMENDED'
  | 'EXPECTED'
  | 'MAY'
  | 'MAY NOT'
  | 'OPTIONAL'
  | 'SUBJECT TO';

export interface KeywordHit {
  /** as the text writes it: "SHALL", "may", "are expected to" */
  written: string;
  keyword: NormalizedKeyword;
  /** offsets in the searched text */
  start: number;
  end: number;
}

/** Longest alternatives first: "SHALL NOT" before "SHALL", "is optional" before "optional". */
const KEYWORD_RE =
  /\b(must\s+not|shall\s+not|should\s+not|may\s+not|not\s+recommended|(?:is|are)\s+expected\s+to|(?:is|are)\s+optional|(?:is|are)\s+subject\s+to|must|shall|should|required|recommended|may|optional)\b/gi;

function normalize(written: string): NormalizedKeyword {
  const w = written.toLowerCase().replace(/\s+/g, ' ');
  if (/expected to$/.test(w)) return 'EXPECTED';
  if (/^(is|are) optional$/.test(w)) return 'OPTIONAL';
  if (/subject to$/.test(w)) return 'SUBJECT TO';
  return w.toUpperCase() as NormalizedKeyword;
}

/** Every keyword occurrence in `text`, in order. */
export function findKeywords(text: string): KeywordHit[] {
  const out: KeywordHit[] = [];
  for (const m of text.matchAll(KEYWORD_RE)) {
    out.push({ written: m[0], keyword: normalize(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const STRENGTH: Record<NormalizedKeyword, Strength> = {
  MUST: 'mandatory',
  'MUST NOT': 'mandatory',
  SHALL: 'mandatory',
  'SHALL NOT': 'mandatory',
  REQUIRED: 'mandatory',
  SHOULD: 'recommended',
  'SHOULD NOT': 'recommended',
  RECOMMENDED: 'recommended',
  'NOT RECOMMENDED': 'recommended',
  EXPECTED: 'recommended',
  MAY: 'optional',
  'MAY NOT': 'optional',
  OPTIONAL: 'optional',
  // "X is subject to the operator's policy" makes X depend on a choice: at most optional.
  'SUBJECT TO': 'optional',
};

export function keywordStrength(k: NormalizedKeyword): Strength {
  return STRENGTH[k];
}

export function isNegated(k: NormalizedKeyword): boolean {
  return / NOT$|^NOT /.test(k);
}

/** mandatory 3 > recommended 2 > optional 1 > informative (no keyword) 0. */
export function strengthRank(s: Strength): number {
  return s === 'mandatory' ? 3 : s === 'recommended' ? 2 : s === 'optional' ? 1 : 0;
}

/** The keyword a statement is reported under: the strongest one (the first of equals); the rest qualify it. */
export function principalKeyword(hits: readonly KeywordHit[]): KeywordHit | undefined {
  let best: KeywordHit | undefined;
  for (const h of hits) {
    if (!best || strengthRank(keywordStrength(h.keyword)) > strengthRank(keywordStrength(best.keyword))) best = h;
  }
  return best;
}

/** The normative level a statement (or a catalogue entry) carries, in a form that can be compared. */
export interface Level {
  /** 0 when the text carries no keyword */
  rank: number;
  negated: boolean;
}

export const NO_KEYWORD: Level = { rank: 0, negated: false };

export function levelOf(k: NormalizedKeyword | undefined): Level {
  return k ? { rank: strengthRank(keywordStrength(k)), negated: isNegated(k) } : NO_KEYWORD;
}

/**
 * The level of a catalogue keyword ("SHALL support", "expected", "MUST / SHOULD NOT", "may"), or
 * undefined for non-normative ones ("defined", "descriptive", "candidate", "base behaviour").
 */
export function catalogueLevel(keyword: string): Level | undefined {
  if (/^\s*expected\s*$/i.test(keyword)) return levelOf('EXPECTED');
  const k = principalKeyword(findKeywords(keyword));
  return k ? levelOf(k.keyword) : undefined;
}

export type LevelChange = 'same' | 'strengthened' | 'weakened' | 'inverted';

/**
 * SHOULD -> SHALL strengthens, SHALL -> SHOULD (or no keyword) weakens, SHALL -> SHALL NOT inverts. A
 * plain statement of fact ("is", rank 0) holds without exception: made SHOULD or MAY ("MAY be") it no
 * longer has to hold, which weakens it; made SHALL it binds implementations, which strengthens it.
 */
export function compareLevels(before: Level, after: Level): LevelChange {
  if (before.rank > 0 && after.rank > 0 && before.negated !== after.negated) return 'inverted';
  if (before.rank === 0 && after.rank > 0 && after.rank < strengthRank('mandatory')) return 'weakened';
  if (after.rank > before.rank) return 'strengthened';
  if (after.rank < before.rank) return 'weakened';
  return 'same';
}
