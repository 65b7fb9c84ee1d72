import { combineFingerprints } from '../batch/marts/fingerprints.js';
import type { AssetDeps, AssetDefinition, SourceAsset } from './asset.js';
import type { AssetGraph } from './asset-graph.js';
import type { RunRow } from './run-log.js';

/** The version of a partition nobody has produced or observed yet. */
export const NO_VERSION = 'none';

const runKey = (asset: string, partition: string) => `${asset}\u0000${partition}`;

/** Latest successful run per (asset, partition), by `runKey`. */
export type SuccessIndex = ReadonlyMap<string, RunRow>;

export function indexRuns(rows: readonly RunRow[]): Map<string, RunRow> {
  return new Map(rows.map((r) => [runKey(r.asset, r.partition), r]));
}

export function lookupRun(index: SuccessIndex, asset: string, partition: string): RunRow | undefined {
  return index.get(runKey(asset, partition));
}

/**
 * Versions (lineage): a source partition's version is what `observe` returned for it; a
 * materialised partition's version is the run id of its latest success. An asset reading a daily
 * upstream for one day reads that day's version; an unpartitioned asset reading a daily upstream
 * reads all of its days (one combined version).
 */
export class VersionReader {
  private readonly observed = new Map<string, { atMs: number; versions: ReadonlyMap<string, string> }>();
  private readonly startedAtMs: number;

  constructor(
    private readonly graph: AssetGraph,
    private readonly deps: AssetDeps,
    nowMs: number,
  ) {
    this.startedAtMs = nowMs;
  }

  /** Observes each source whose interval has passed (the first time one interval after construction). */
  async refresh(nowMs: number): Promise<void> {
    for (const s of this.graph.sources()) {
      if (s.observeEveryMs <= 0) continue;
      const last = this.observed.get(s.key)?.atMs ?? this.startedAtMs;
      if (nowMs - last >= s.observeEveryMs) await this.observe(s, nowMs);
    }
  }

  /** The last observation of a source, or undefined when it was never observed. */
  observation(key: string): ReadonlyMap<string, string> | undefined {
    return this.observed.get(key)?.versions;
  }

  /** Observes `key` now unless it was observed already. */
  async ensureObserved(key: string, nowMs: number): Promise<ReadonlyMap<string, string>> {
    const have = this.observed.get(key);
    if (have !== undefined) return have.versions;
    const s = this.graph.get(key);
    if (s === undefined || s.kind !== 'source') return new Map();
    return this.observe(s, nowMs);
  }

  private async observe(s: SourceAsset, nowMs: number): Promise<ReadonlyMap<string, string>> {
    const versions = await s.observe(this.deps, nowMs);
    this.observed.set(s.key, { atMs: nowMs, versions });
    return versions;
  }

  /** The partitions of `upstream` an asset of `asset.partitioning` reads for `partition`. */
  versionOf(
    asset: AssetDefinition,
    upstream: AssetDefinition,
    partition: string,
    successes: SuccessIndex,
  ): string {
    const versions = this.partitionVersions(upstream, successes);
    if (upstream.partitioning === 'none') return versions.get('') ?? NO_VERSION;
    if (asset.partitioning === 'daily') return versions.get(partition) ?? NO_VERSION;
    return versions.size === 0 ? NO_VERSION : combineFingerprints(versions);
  }

  /** Every known partition of `a` with its version. */
  partitionVersions(a: AssetDefinition, successes: SuccessIndex): ReadonlyMap<string, string> {
    if (a.kind === 'source') return this.observed.get(a.key)?.versions ?? new Map();
    const out = new Map<string, string>();
    for (const r of successes.values()) if (r.asset === a.key) out.set(r.partition, r.runId);
    return out;
  }

  /** What `asset` reads for `partition` now: upstream key -> version. Observes unobserved sources first. */
  async upstreamVersions(
    asset: AssetDefinition,
    partition: string,
    successes: SuccessIndex,
    nowMs: number,
  ): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const key of asset.upstream) {
      const u = this.graph.get(key);
      if (u === undefined) continue;
      if (u.kind === 'source') await this.ensureObserved(key, nowMs);
      out[key] = this.versionOf(asset, u, partition, successes);
    }
    return out;
  }
}
