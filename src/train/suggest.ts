/** "Did you mean …?" for a misspelt name: the closest known name by edit distance. */

/** Levenshtein distance between a and b (case-insensitive). */
function distance(a: string, b: string): number {
  const s = a.toLowerCase(), t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[t.length];
}

/** ` (did you mean 'x'?)` for the closest of `known` within a third of the name's length, else ''. */
export function didYouMean(name: string, known: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.ceil(name.length / 3)) ? ` (did you mean '${best}'?)` : '';
}
