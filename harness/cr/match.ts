/**
 * Matching a CR statement to catalogue requirements.
 *
 *   exact            the statement is contained in the requirement text (or the requirement's " … "
 *                    fragments all appear, in order, in the statement): confidence 1.00
 *   keyword-changed  the same, once the normative keywords are made neutral (SHOULD vs SHALL): 0.95
 *   similar          weighted Jaccard over content words, against the whole text, each fragment and each
 *                    sentence of the requirement; capped at 0.94 so it never outranks the two above
 *
 * Several requirements can share one text (EVVM-AUTH-03/04, EVVM-CONT-01/02, CPM-MS-AUTH-05/06): every
 * requirement tied at the best confidence is returned.
 */
import type { Requirement } from '../catalogue/types';
import { contentTokens, matchKey, neutralKey, splitSentences, TokenWeights } from './normalize';

export type MatchMethod = 'exact' | 'keyword-changed' | 'similar';

export interface CandidateMatch {
  requirement: Requirement;
  confidence: number;
  method: MatchMethod;
}

/** Below this a statement is new; configurable per analysis. */
export const DEFAULT_THRESHOLD = 0.5;

const EXACT = 1;
const KEYWORD_CHANGED = 0.95;
const SIMILAR_CAP = 0.94;
/** Containment of a very short text proves nothing ("SHALL support"). */
const MIN_KEY_LENGTH = 24;

interface Entry {
  requirement: Requirement;
  fragments: string[];
  neutralFragments: string[];
  units: Array<Set<string>>;
}

/** Every fragment appears in `key`, in order. */
function containsInOrder(key: string, fragments: readonly string[]): boolean {
  let from = 0;
  for (const f of fragments) {
    const at = key.indexOf(f, from);
    if (at < 0) return false;
    from = at + f.length;
  }
  return fragments.length > 0;
}

function contained(key: string, fragments: readonly string[]): boolean {
  if (key.length < MIN_KEY_LENGTH) return false;
  return fragments.some((f) => f.includes(key)) || containsInOrder(key, fragments);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export class CatalogueMatcher {
  private readonly entries: Entry[];
  readonly weights: TokenWeights;

  constructor(readonly catalogue: readonly Requirement[]) {
    this.weights = new TokenWeights(catalogue.map((r) => r.text));
    this.entries = catalogue.map((requirement) => {
      // " … " joins non-adjacent fragments of the source (requirements.yaml header).
      const raw = requirement.text.split(/\s*(?:…|\.\.\.)\s*/).filter((f) => f.trim());
      const fragments = raw.map(matchKey).filter(Boolean);
      const units = [requirement.text, ...raw, ...raw.flatMap((f) => splitSentences(f).map((s) => s.text))]
        .map(contentTokens)
        .filter((u) => u.size >= 3);
      return { requirement, fragments, neutralFragments: raw.map(neutralKey).filter(Boolean), units };
    });
  }

  /** Every requirement with its confidence for this statement, best first. */
  candidates(text: string): CandidateMatch[] {
    const key = matchKey(text);
    const nkey = neutralKey(text);
    const tokens = contentTokens(text);
    const out: CandidateMatch[] = [];
    for (const e of this.entries) {
      if (contained(key, e.fragments)) {
        out.push({ requirement: e.requirement, confidence: EXACT, method: 'exact' });
      } else if (contained(nkey, e.neutralFragments)) {
        out.push({ requirement: e.requirement, confidence: KEYWORD_CHANGED, method: 'keyword-changed' });
      } else {
        let best = 0;
        for (const u of e.units) best = Math.max(best, this.weights.similarity(tokens, u));
        if (best > 0) out.push({ requirement: e.requirement, confidence: round2(Math.min(best, SIMILAR_CAP)), method: 'similar' });
      }
    }
    return out.sort((a, b) => b.confidence - a.confidence);
  }

  /**
   * The requirements this statement matches: all tied at the best confidence, when that is at least
   * `threshold`; otherwise none, and `nearest` is the best candidate below it.
   */
  match(text: string, threshold = DEFAULT_THRESHOLD): { matches: CandidateMatch[]; nearest?: CandidateMatch } {
    const all = this.candidates(text);
    const best = all[0];
    if (!best) return { matches: [] };
    if (best.confidence < threshold) return { matches: [], nearest: best };
    return { matches: all.filter((c) => Math.abs(c.confidence - best.confidence) < 1e-9) };
  }
}
