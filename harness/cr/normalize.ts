/**
 * Text normalisation shared by the CR reader, the matcher and the diff: typography (’ vs ', the bullet
 * glyphs of Word exports), match keys for exact containment, content tokens for similarity, and a
 * sentence splitter that knows the abbreviations spec text uses ("e.g., EVVM Server" is one sentence).
 */

/** Bullet glyphs of Word/PDF exports; '-' and '*' are Markdown list markers, handled by the reader. */
export const BULLET_GLYPHS = '·•▪◦‣∙●○■□';
const BULLET_RE = new RegExp(`[${BULLET_GLYPHS}]`, 'g');

/** Curly quotes, dashes and odd spaces to their ASCII forms; what a Markdown conversion does anyway. */
export function normalizeTypography(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032`´]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u00A0\u2000-\u200B\u202F\u205F\u3000\t]/g, ' ');
}

/** Whitespace collapsed to single spaces, trimmed. */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * The form two texts are compared in for exact containment: typography normalised, lower case, bullet
 * glyphs dropped, spaces inside brackets and before punctuation dropped ("[ RFC3501]" = "[RFC3501]"),
 * trailing punctuation dropped (a list item ends in ',' in one place and '.' in another).
 */
export function matchKey(s: string): string {
  return squash(normalizeTypography(s).toLowerCase().replace(BULLET_RE, ' '))
    .replace(/([[(]) /g, '$1')
    .replace(/ ([\]),.;:])/g, '$1')
    .replace(/[\s,.;:]+$/, '');
}

/**
 * The normative keywords, longest first so that "SHALL NOT" wins over "SHALL". Used to make texts
 * keyword-neutral: a statement whose only change is SHOULD -> SHALL is the same statement, strengthened.
 */
export const KEYWORD_NEUTRAL_RE =
  /\b(?:must not|shall not|should not|may not|not recommended|must|shall|should|required|recommended|may|optional|(?:is|are) expected to|expected)\b/gi;

/** matchKey with every normative keyword replaced by one placeholder. */
export function neutralKey(s: string): string {
  return matchKey(s).replace(KEYWORD_NEUTRAL_RE, '<kw>').replace(/\b(is|are) <kw>/g, '<kw>');
}

const STOPWORDS = new Set(
  (
    'a an the of and or to in on for by with be is are was were been being as at this that these those it its ' +
    'from into than then there their they them which who whom whose what when where while also such other ' +
    'both each either any all one two his her his/her e.g i.e etc following below above as well shall must ' +
    'should may required recommended optional expected not kw following'
  ).split(/\s+/),
);

/** A light stemmer: enough to equate "servers"/"server" and "authenticated"/"authenticate". */
export function stem(w: string): string {
  let s = w.replace(/'s$/, '');
  if (s.length > 4 && s.endsWith('ies')) s = s.slice(0, -3) + 'y';
  else if (s.length > 3 && s.endsWith('s') && !s.endsWith('ss')) s = s.slice(0, -1);
  if (s.length > 6 && s.endsWith('ing')) s = s.slice(0, -3);
  else if (s.length > 5 && s.endsWith('ed')) s = s.slice(0, -2);
  else if (s.length > 5 && s.endsWith('ion')) s = s.slice(0, -3);
  if (s.length > 4 && s.endsWith('e')) s = s.slice(0, -1);
  if (s.endsWith('icat')) s = s.slice(0, -2); // authenticat(e|ion|ed) -> authentic
  return s;
}

/** Content tokens of a text, keyword-neutral, stemmed, stopwords dropped (a set: repetition adds nothing). */
export function contentTokens(s: string): Set<string> {
  const words = neutralKey(s)
    .replace(/<kw>/g, ' ')
    .split(/[^a-z0-9./']+/)
    .map((w) => w.replace(/^[.'/]+|[.'/]+$/g, ''))
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return new Set(words.map(stem));
}

/** Token weights: rare words (forwarding, gateway) count more than common ones (evvm, server). */
export class TokenWeights {
  private readonly df = new Map<string, number>();
  private docs = 0;

  constructor(texts: Iterable<string> = []) {
    for (const t of texts) this.add(t);
  }

  add(text: string): void {
    this.docs++;
    for (const t of contentTokens(text)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  weight(token: string): number {
    return Math.log(1 + (this.docs + 1) / ((this.df.get(token) ?? 0) + 1));
  }

  /** Weighted Jaccard of two token sets, in [0, 1]. */
  similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
    let inter = 0;
    let union = 0;
    for (const t of a) {
      const w = this.weight(t);
      union += w;
      if (b.has(t)) inter += w;
    }
    for (const t of b) if (!a.has(t)) union += this.weight(t);
    return union === 0 ? 0 : inter / union;
  }
}

/** Abbreviations after which a full stop does not end a sentence. */
const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|etc|cf|vs|viz|fig|no|sec|al|approx|incl|resp)\.$/i;

export interface Sentence {
  text: string;
  /** offset in the paragraph text */
  start: number;
}

/**
 * Splits a paragraph into sentences at '.', '!' or '?' followed by a space and an upper-case letter,
 * a digit, a quote or a bracket; never after an abbreviation or inside a number (VVM 1.3).
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const re = /[.!?]["')\]]?(?=\s+["'(\[]?[A-Z0-9\u00C0-\u024F])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (ABBREVIATIONS.test(text.slice(Math.max(start, m.index - 10), m.index + 1))) continue;
    pushSentence(out, text, start, end);
    start = end;
  }
  pushSentence(out, text, start, text.length);
  return out;
}

function pushSentence(out: Sentence[], text: string, from: number, to: number): void {
  const raw = text.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const body = raw.trim();
  if (body) out.push({ text: body, start: from + lead });
}

/**
 * Compresses sorted requirement IDs into ranges for people: EVVM-AUTH-01, -02, -03 -> EVVM-AUTH-01..03.
 * IDs are grouped by prefix; a run needs consecutive numbers.
 */
export function compressIds(ids: readonly string[]): string {
  type Parsed = { id: string; group: string; c: string; n: number; width: number };
  const parsed: Parsed[] = [...new Set(ids)].map((id) => {
    const m = /^(.*-)(C?)(\d+)$/.exec(id);
    return m
      ? { id, group: (m[1] as string) + (m[2] as string), c: m[2] as string, n: Number(m[3]), width: (m[3] as string).length }
      : { id, group: id, c: '', n: NaN, width: 0 };
  });
  parsed.sort((a, b) => (a.group === b.group ? a.n - b.n : a.group < b.group ? -1 : 1));
  const parts: string[] = [];
  for (let i = 0; i < parsed.length; ) {
    const first = parsed[i] as Parsed;
    let j = i;
    const next = (k: number): Parsed => parsed[k] as Parsed;
    while (j + 1 < parsed.length && next(j + 1).group === first.group && next(j + 1).n === next(j).n + 1) j++;
    const last = next(j);
    if (j - i >= 2) parts.push(`${first.id}..${last.c}${String(last.n).padStart(last.width, '0')}`);
    else for (let k = i; k <= j; k++) parts.push(next(k).id);
    i = j + 1;
  }
  return parts.join(', ');
}
