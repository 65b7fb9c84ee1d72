import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/index.js';

/**
 * Applies `runtime.*` to this process (long-running commands call it first). V8 reads the heap
 * growing factor each time it sets the next full-GC limit, so setting it at run time takes effect.
 */
export function applyRuntimeSettings(config: Readonly<Config>): void {
  const percent = config.runtime.heapGrowingPercent;
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
