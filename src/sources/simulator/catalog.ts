import { AliasSampler, zipfWeights } from './alias-sampler.js';
import { Prng } from './prng.js';

/** A product category: its share of traffic and its log-normal price law (EUR). */
export interface CategorySpec {
  readonly slug: string;
  readonly trafficWeight: number;
  readonly medianPriceEur: number;
  /** Standard deviation of ln(price). */
  readonly priceSigma: number;
}

export const CATEGORIES: readonly CategorySpec[] = [
  { slug: 'electronics', trafficWeight: 14, medianPriceEur: 120, priceSigma: 0.9 },
  { slug: 'computers', trafficWeight: 8, medianPriceEur: 350, priceSigma: 0.8 },
  { slug: 'phones-accessories', trafficWeight: 10, medianPriceEur: 30, priceSigma: 1.1 },
  { slug: 'home-kitchen', trafficWeight: 11, medianPriceEur: 35, priceSigma: 0.8 },
  { slug: 'fashion', trafficWeight: 15, medianPriceEur: 40, priceSigma: 0.6 },
  { slug: 'shoes', trafficWeight: 7, medianPriceEur: 75, priceSigma: 0.5 },
  { slug: 'beauty', trafficWeight: 8, medianPriceEur: 18, priceSigma: 0.6 },
  { slug: 'sports-outdoors', trafficWeight: 7, medianPriceEur: 45, priceSigma: 0.9 },
  { slug: 'toys-games', trafficWeight: 6, medianPriceEur: 25, priceSigma: 0.7 },
  { slug: 'books', trafficWeight: 5, medianPriceEur: 14, priceSigma: 0.4 },
  { slug: 'grocery', trafficWeight: 5, medianPriceEur: 6, priceSigma: 0.6 },
  { slug: 'garden-diy', trafficWeight: 4, medianPriceEur: 55, priceSigma: 0.9 },
];

/**
 * The product catalog, deterministic for a seed. Product i has id `sku_` + i zero-padded to 5
 * digits (1-based), one category, a EUR price ending in .99/.49/.95, and a Zipf popularity
 * (exponent 1.05 over a seeded random ranking): a few best sellers take most clicks.
 */
export class Catalog {
  readonly productIds: readonly string[];
  /** Index into CATEGORIES per product. */
  readonly categoryOf: Uint8Array;
  readonly priceEur: Float64Array;
  /** Current stock level per product (mutated by the inventory feed). */
  readonly stock: Int32Array;
  private readonly popular: AliasSampler;
  private readonly byCategory: ReadonlyArray<{
    readonly products: Uint32Array;
    readonly sampler: AliasSampler;
  }>;
  private readonly categorySampler: AliasSampler;

  constructor(productCount: number, seed: number) {
    const rng = new Prng(seed, 1);
    this.categorySampler = new AliasSampler(CATEGORIES.map((c) => c.trafficWeight));
    this.categoryOf = new Uint8Array(productCount);
    this.priceEur = new Float64Array(productCount);
    this.stock = new Int32Array(productCount);
    const ids: string[] = [];
    for (let i = 0; i < productCount; i++) {
      const cat = this.categorySampler.sample(rng);
      const spec = CATEGORIES[cat] as CategorySpec;
      ids.push('sku_' + String(i + 1).padStart(5, '0'));
      this.categoryOf[i] = cat;
      this.priceEur[i] = shelfPrice(spec.medianPriceEur * Math.exp(spec.priceSigma * rng.normal()), rng);
      this.stock[i] = rng.between(0, 400);
    }
    this.productIds = ids;
    const popularity = rankedPopularity(productCount, rng);
    this.popular = new AliasSampler(popularity);
    this.byCategory = CATEGORIES.map((_, cat) => {
      const products = Uint32Array.from(ids.keys()).filter((p) => this.categoryOf[p] === cat);
      const weights = Array.from(products, (p) => popularity[p] as number);
      return { products, sampler: new AliasSampler(weights.length > 0 ? weights : [1]) };
    });
  }

  get size(): number {
    return this.productIds.length;
  }

  /** A product by overall popularity. */
  sampleProduct(rng: Prng): number {
    return this.popular.sample(rng);
  }

  /** A product of `category` by popularity; any product when the category is empty. */
  sampleProductIn(category: number, rng: Prng): number {
    const entry = this.byCategory[category];
    if (entry === undefined || entry.products.length === 0) return this.sampleProduct(rng);
    return entry.products[entry.sampler.sample(rng)] as number;
  }

  /** A category index weighted by traffic share. */
  sampleCategory(rng: Prng): number {
    return this.categorySampler.sample(rng);
  }
}

function rankedPopularity(n: number, rng: Prng): Float64Array {
  const byRank = zipfWeights(n, 1.05, 3);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[order[r] as number] = byRank[r] as number;
  return out;
}

const ENDINGS = [0.99, 0.99, 0.99, 0.49, 0.95];

function shelfPrice(raw: number, rng: Prng): number {
  const whole = Math.max(0, Math.floor(raw));
  return Math.round((whole + (ENDINGS[rng.int(ENDINGS.length)] as number)) * 100) / 100;
}
