import { ShopError } from '../../../errors/index.js';

/**
 * The 11 RFM segments from the R score and the FM score (FM = ⌈(F + M) / 2⌉, i.e. the mean of
 * the frequency and monetary scores rounded half up). The default grid (rows R, columns FM):
 *
 *   R\FM  1               2                   3                   4            5
 *   5     Recent          Potential Loyalist  Potential Loyalist  Champions    Champions
 *   4     Promising       Potential Loyalist  Potential Loyalist  Loyal        Champions
 *   3     About to Sleep  Need Attention      Need Attention      Loyal        Loyal
 *   2     Hibernating     About to Sleep      At Risk             At Risk      Can't Lose
 *   1     Lost            Hibernating         At Risk             Can't Lose   Can't Lose
 *
 * Configurable as `customers.segmentRules`: `;`-separated rules `Name=R<lo>[-<hi>]/FM<lo>[-<hi>]`,
 * first match wins, a name may have several rules; the rules must cover all 25 (R, FM) cells.
 */
export const DEFAULT_SEGMENT_RULES = [
  'Champions=R5/FM4-5',
  'Champions=R4/FM5',
  'Loyal=R4/FM4',
  'Loyal=R3/FM4-5',
  'Potential Loyalist=R4-5/FM2-3',
  'Recent=R5/FM1',
  'Promising=R4/FM1',
  'Need Attention=R3/FM2-3',
  'About to Sleep=R3/FM1',
  'About to Sleep=R2/FM2',
  'At Risk=R1-2/FM3',
  'At Risk=R2/FM4',
  "Can't Lose=R2/FM5",
  "Can't Lose=R1/FM4-5",
  'Hibernating=R2/FM1',
  'Hibernating=R1/FM2',
  'Lost=R1/FM1',
].join(';');

/** The segment of every (R, FM) cell: `grid[r - 1][fm - 1]`. */
export interface SegmentGrid {
  readonly grid: readonly (readonly string[])[];
  /** Segment names in the order the rules first name them. */
  readonly names: readonly string[];
}

const RULE = /^([^=;]+)=R([1-5])(?:-([1-5]))?\/FM([1-5])(?:-([1-5]))?$/;

/** Parses and checks `customers.segmentRules`; throws SHOP_CONFIG_INVALID on a bad or partial set. */
export function parseSegmentRules(text: string): SegmentGrid {
  const grid: (string | null)[][] = Array.from({ length: 5 }, () => Array<string | null>(5).fill(null));
  const names: string[] = [];
  for (const raw of text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = RULE.exec(raw);
    if (m === null) throw invalid(`segment rule "${raw}" is not Name=R<lo>[-<hi>]/FM<lo>[-<hi>]`);
    const name = m[1]!.trim();
    const [r0, r1, f0, f1] = [m[2], m[3] ?? m[2], m[4], m[5] ?? m[4]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (r1 < r0 || f1 < f0) throw invalid(`segment rule "${raw}" has a range whose end is before its start`);
    if (!names.includes(name)) names.push(name);
    for (let r = r0; r <= r1; r++) for (let f = f0; f <= f1; f++) grid[r - 1]![f - 1] ??= name;
  }
  const missing = grid.flatMap((row, r) =>
    row.flatMap((s, f) => (s === null ? [`R${r + 1}/FM${f + 1}`] : [])),
  );
  if (missing.length > 0) throw invalid(`segment rules leave cells without a segment: ${missing.join(', ')}`);
  return { grid: grid as string[][], names };
}

const invalid = (message: string) =>
  new ShopError('SHOP_CONFIG_INVALID', `customers.segmentRules: ${message}`);

/** FM = ⌈(F + M) / 2⌉. */
export const fmScore = (f: number, m: number): number => Math.ceil((f + m) / 2);

export const segmentOf = (g: SegmentGrid, r: number, f: number, m: number): string =>
  g.grid[r - 1]![fmScore(f, m) - 1]!;
