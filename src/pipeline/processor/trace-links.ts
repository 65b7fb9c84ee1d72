import type { Link } from '@opentelemetry/api';
import type { LogRecord } from '../../log/event-log.js';
import { parseTraceparent, TRACEPARENT_HEADER } from '../../observability/trace-context.js';

/** Links one batch span carries at most (a batch holds thousands of records of few requests). */
export const MAX_BATCH_LINKS = 32;

/** Links from a batch to the distinct requests its records came from, in log order, at most MAX_BATCH_LINKS. */
export function batchSpanLinks(reads: ReadonlyArray<{ records: readonly LogRecord[] }>): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const { records } of reads) {
    for (const r of records) {
      const value = r.headers?.[TRACEPARENT_HEADER];
      if (value === undefined || seen.has(value)) continue;
      seen.add(value);
      const context = parseTraceparent(value);
      if (context === undefined) continue;
      links.push({ context });
      if (links.length === MAX_BATCH_LINKS) return links;
    }
  }
  return links;
}
