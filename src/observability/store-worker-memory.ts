import { Gauge, type Registry } from 'prom-client';
import type { ServingStore } from '../store/index.js';

/**
 * `shopstream_store_worker_memory_bytes{kind}` (heap_total, heap_used, external), read from the
 * embedded PGlite worker at scrape time: that thread's memory is not in the process's
 * `nodejs_heap_*` / `nodejs_external_memory_bytes` series, which cover the main thread only. Not
 * registered for a PostgreSQL server (no worker). A failed read leaves the series out of the scrape.
 */
export function registerStoreWorkerMemory(registry: Registry, store: ServingStore): void {
  const read = store.workerMemory?.bind(store);
  if (read === undefined) return;
  new Gauge({
    name: 'shopstream_store_worker_memory_bytes',
    help: 'Memory of the embedded PGlite worker thread: V8 heap total and used, external (PostgreSQL WebAssembly memory)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      const m = await read().catch(() => undefined);
      if (m === undefined) return;
      this.set({ kind: 'heap_total' }, m.heapTotalBytes);
      this.set({ kind: 'heap_used' }, m.heapUsedBytes);
      this.set({ kind: 'external' }, m.externalBytes);
    },
  });
}
