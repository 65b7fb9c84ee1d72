import { Cron } from 'croner';
import { ShopError } from '../errors/index.js';
import type { AssetDefinition, MaterialisedAsset, SourceAsset } from './asset.js';

/**
 * The one registry of assets: keys unique, every upstream known, no cycle, every cron parseable.
 * `register` validates as it goes, so a graph is valid whenever it exists. Assets are listed in
 * dependency order (upstream first).
 */
export class AssetGraph {
  private readonly byKey = new Map<string, AssetDefinition>();

  constructor(assets: readonly AssetDefinition[] = []) {
    for (const a of assets) this.register(a);
  }

  /** Adds one asset; its upstream must already be registered (which also rules out cycles). */
  register(asset: AssetDefinition): this {
    if (this.byKey.has(asset.key)) throw badGraph(`asset ${asset.key} is registered twice`);
    for (const u of asset.upstream)
      if (!this.byKey.has(u)) throw badGraph(`asset ${asset.key}: upstream ${u} is not registered before it`);
    if (asset.kind === 'materialised' && asset.schedule.kind === 'cron') {
      try {
        new Cron(asset.schedule.cron, { paused: true, timezone: 'UTC' });
      } catch (err) {
        throw badGraph(`asset ${asset.key}: bad cron ${asset.schedule.cron}`, err);
      }
    }
    if (asset.kind === 'materialised' && asset.retry.maxAttempts < 1)
      throw badGraph(`asset ${asset.key}: retry.maxAttempts must be >= 1`);
    this.byKey.set(asset.key, asset);
    return this;
  }

  /** Every asset, upstream before downstream. */
  all(): AssetDefinition[] {
    return [...this.byKey.values()];
  }

  materialised(): MaterialisedAsset[] {
    return this.all().filter((a): a is MaterialisedAsset => a.kind === 'materialised');
  }

  sources(): SourceAsset[] {
    return this.all().filter((a): a is SourceAsset => a.kind === 'source');
  }

  get(key: string): AssetDefinition | undefined {
    return this.byKey.get(key);
  }

  /** The materialised asset `key`, or SHOP_JOBS_UNKNOWN_ASSET. */
  require(key: string): MaterialisedAsset {
    const a = this.byKey.get(key);
    if (a === undefined || a.kind !== 'materialised')
      throw new ShopError('SHOP_JOBS_UNKNOWN_ASSET', `no materialised asset ${key}`, {
        details: { asset: key, known: this.materialised().map((m) => m.key) },
      });
    return a;
  }

  /** Assets that read `key` directly. */
  downstreamOf(key: string): AssetDefinition[] {
    return this.all().filter((a) => a.upstream.includes(key));
  }

  /** Every asset `key` reads, directly or through others. */
  ancestorsOf(key: string): AssetDefinition[] {
    const keys = new Set(this.byKey.get(key)?.upstream ?? []);
    for (const a of [...this.all()].reverse()) if (keys.has(a.key)) for (const u of a.upstream) keys.add(u);
    return this.all().filter((a) => keys.has(a.key));
  }

  /** `key` and every asset downstream of it, transitively, in dependency order. */
  withDownstream(key: string): MaterialisedAsset[] {
    const keys = new Set([key]);
    for (const a of this.all()) if (a.upstream.some((u) => keys.has(u))) keys.add(a.key);
    return this.materialised().filter((a) => keys.has(a.key));
  }
}

function badGraph(message: string, cause?: unknown): ShopError {
  return new ShopError('SHOP_JOBS_BAD_GRAPH', message, cause === undefined ? {} : { cause });
}
