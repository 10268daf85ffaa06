/** "Did you mean …?": the known names nearest a mistyped one. */

/** Levenshtein distance, case-insensitive: how far a misspelt name is from a real one. */
export function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length]!;
}

/** The known names at most `within` edits from `word`, nearest first, at most `max` of them. */
export function nearest(word: string, known: Iterable<string>, within: number, max = 3): string[] {
  return [...known]
    .map((k) => ({ k, d: distance(k, word) }))
    .filter((c) => c.d <= within)
    .sort((p, q) => p.d - q.d || p.k.localeCompare(q.k))
    .slice(0, max)
    .map((c) => c.k);
}
