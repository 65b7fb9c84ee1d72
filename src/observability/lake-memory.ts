import { Gauge, type Registry } from 'prom-client';
import type { DuckDBMemoryTag } from '../lake/index.js';

/** A DuckDB instance whose memory can be read (a `Lake`). */
export interface LakeMemorySource {
  memoryUsage(): Promise<readonly DuckDBMemoryTag[]>;
}

/**
 * `shopstream_lake_duckdb_memory_bytes{instance,tag,medium}`, read at scrape time from each named
 * DuckDB instance (`writer`: the processor's lake, `api`: the API's reader): what its buffer
 * manager holds per tag in memory (`medium="memory"`) and spilled to its temp directory
 * (`medium="disk"`). DuckDB's native memory is in no `nodejs_*` series; this is its
 * buffer-managed part. Empty tags are left out, and so is an instance whose read fails.
 */
export function registerLakeMemory(
  registry: Registry,
  instances: Readonly<Record<string, LakeMemorySource>>,
): void {
  new Gauge({
    name: 'shopstream_lake_duckdb_memory_bytes',
    help: "Memory held by a DuckDB instance's buffer manager, by tag (duckdb_memory()), in memory or spilled to disk",
    labelNames: ['instance', 'tag', 'medium'],
    registers: [registry],
    async collect() {
      const read = await Promise.all(
        Object.entries(instances).map(async ([instance, source]) => ({
          instance,
          tags: await source.memoryUsage().catch(() => []),
        })),
      );
      this.reset();
      for (const { instance, tags } of read)
        for (const { tag, bytes, temporaryBytes } of tags) {
          if (bytes > 0) this.set({ instance, tag, medium: 'memory' }, bytes);
          if (temporaryBytes > 0) this.set({ instance, tag, medium: 'disk' }, temporaryBytes);
        }
    },
  });
}
