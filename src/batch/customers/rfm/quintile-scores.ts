/**
 * Quintile scores 1-5 (5 = best) of one measure over N customers, with ties kept together:
 *   score = 1 + floor(5 · worse / N)
 * where `worse` is the number of customers whose value is strictly worse (lower, or for recency
 * higher). So equal values always get equal scores, and a customer's score is that of the first
 * (worst-placed) member of its tie group: a large tie group takes one score and leaves the
 * scores it covers empty (e.g. 60 % of customers with one order all score F = 1, and the next
 * frequency scores 4). Without ties, the customers split into five groups of N/5 (edges at
 * ranks N/5, 2N/5, ...; with N not divisible by 5, the lower groups are the larger ones).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): Uint8Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) =>
    higherIsBetter ? values[p]! - values[q]! : values[q]! - values[p]!,
  );
  const scores = new Uint8Array(n);
  let groupStart = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && values[order[k]!] !== values[order[k - 1]!]) groupStart = k;
    scores[order[k]!] = Math.min(5, 1 + Math.floor((5 * groupStart) / n));
  }
  return scores;
}
