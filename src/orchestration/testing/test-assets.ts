import type { MaterialisedAsset, MaterialiseContext, RetryPolicy } from '../asset.js';

/** A test asset: records every call, fails the first `failFirst` attempts (Infinity = always). */
export interface TestAsset extends MaterialisedAsset {
  readonly calls: { partition: string; attempt: number; startMs: number; endMs: number }[];
}

export function testAsset(
  key: string,
  upstream: readonly string[],
  o: {
    failFirst?: number;
    retry?: Partial<RetryPolicy>;
    workMs?: number;
    schedule?: MaterialisedAsset['schedule'];
    pool?: string;
  } = {},
): TestAsset {
  const calls: TestAsset['calls'] = [];
  return {
    kind: 'materialised',
    key,
    description: `test asset ${key}`,
    owner: 'test',
    partitioning: 'daily',
    upstream,
    schedule: o.schedule ?? { kind: 'upstream' },
    catchUp: 'once',
    retry: { maxAttempts: 3, backoffBaseMs: 50, backoffMaxMs: 1_000, jitter: 0.2, ...o.retry },
    timeoutMs: 10_000,
    freshnessMaxMs: 0,
    checks: [],
    ...(o.pool === undefined ? {} : { pool: o.pool }),
    calls,
    async materialise(ctx: MaterialiseContext) {
      const startMs = Date.now();
      await new Promise((r) => setTimeout(r, o.workMs ?? 20));
      calls.push({ partition: ctx.partition, attempt: ctx.attempt, startMs, endMs: Date.now() });
      if (ctx.attempt <= (o.failFirst ?? 0)) throw new Error(`${key} flaked on attempt ${ctx.attempt}`);
      return { rowsWritten: 10 };
    },
  };
}
