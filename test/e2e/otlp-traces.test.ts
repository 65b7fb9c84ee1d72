/**
 * With tracing.otlpEndpoint set, `shopstream start` exports OpenTelemetry spans over OTLP/HTTP
 * (the SDK's own exporter, JSON encoding) to a receiver on loopback: a collector request continues
 * the caller's trace (traceparent) with a child span per step, and the processor batch that
 * committed its events links back to that request, with a child span per commit step; the lake
 * flush of the clean stop is a trace of its own. Without the endpoint nothing is sent.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startCli, tempDataDir } from '../helpers/cli.js';

interface ExportedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly links?: ReadonlyArray<{ traceId: string; spanId: string }>;
  readonly attributes?: ReadonlyArray<{ key: string; value: Record<string, unknown> }>;
  readonly status?: { code?: number };
  readonly resource: Record<string, unknown>;
}

interface OtlpBody {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
    scopeSpans?: Array<{ spans?: Array<Omit<ExportedSpan, 'resource'>> }>;
  }>;
}

const valueOf = (v: Record<string, unknown>): unknown => Object.values(v)[0];

/** An OTLP/HTTP traces receiver: keeps every span it is sent (JSON bodies, as the exporter sends). */
async function otlpReceiver(): Promise<{
  url: string;
  spans: ExportedSpan[];
  requests: number;
  server: Server;
}> {
  const state = { spans: [] as ExportedSpan[], requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests += 1;
      assert.equal(req.url, '/v1/traces');
      assert.match(String(req.headers['content-type']), /application\/json/);
      assert.equal(req.headers['x-tenant'], 'shop-1', 'tracing.headers are sent');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const rs of body.resourceSpans ?? []) {
        const resource = Object.fromEntries(
          (rs.resource?.attributes ?? []).map((a) => [a.key, valueOf(a.value)]),
        );
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) state.spans.push({ ...s, resource });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    server,
    get spans() {
      return state.spans;
    },
    get requests() {
      return state.requests;
    },
  };
}

function ndjson(n: number): string {
  const t = new Date().toISOString();
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      event_id: randomUUID(),
      event_version: 1,
      event_type: 'page_view',
      event_time: t,
      ingest_time: t,
      user_id: `u${i}`,
      session_id: `s${i}`,
      product_id: null,
      quantity: null,
      price: null,
      currency: null,
      order_id: null,
      source: 'otlp-test',
    }),
  ).join('\n');
}

const attr = (s: ExportedSpan, key: string): unknown => {
  const a = s.attributes?.find((x) => x.key === key);
  return a === undefined ? undefined : valueOf(a.value);
};

async function postEvents(base: string, traceparent: string, n: number): Promise<void> {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', traceparent },
    body: ndjson(n),
  });
  assert.equal(res.status, 200, await res.text());
}

async function waitForCommitted(base: string, records: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const status = (await (await fetch(`${base}/api/v1/pipeline/status`)).json()) as {
      accounting: { totals: Record<string, number> };
    };
    if ((status.accounting.totals['recordsRead'] ?? 0) >= records) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${records} records were not committed in time`);
}

test(
  'start with tracing.otlpEndpoint: collector request and processor batch spans reach an OTLP receiver, linked',
  { timeout: 180_000 },
  async () => {
    const receiver = await otlpReceiver();
    const { dir, cleanup } = await tempDataDir('otlp');
    const env = {
      SHOPSTREAM_API_PORT: '0',
      SHOPSTREAM_SIMULATOR_BACKFILL_MINUTES: '0',
      SHOPSTREAM_TRACING_OTLP_ENDPOINT: receiver.url,
      SHOPSTREAM_TRACING_HEADERS: 'x-tenant=shop-1',
      SHOPSTREAM_TRACING_SERVICE_NAME: 'shop-under-test',
    };
    try {
      const clientTrace = randomBytes(16).toString('hex');
      const clientSpan = randomBytes(8).toString('hex');
      const started = await startCli(['--no-simulator'], { dataDir: dir, env });
      try {
        await postEvents(started.base, `00-${clientTrace}-${clientSpan}-01`, 40);
        await waitForCommitted(started.base, 40);
      } finally {
        assert.equal(await started.stop(), 0, 'start stops cleanly');
      }
      const spans = receiver.spans;
      const named = (name: string) => spans.filter((s) => s.name === name);

      const [ingest, ...moreIngests] = named('collector.ingest');
      assert.ok(ingest !== undefined && moreIngests.length === 0, 'one span for the one request');
      assert.equal(ingest.traceId, clientTrace, "the request continues the caller's trace");
      assert.equal(ingest.parentSpanId, clientSpan);
      assert.equal(attr(ingest, 'http.response.status_code'), 200);
      assert.equal(Number(attr(ingest, 'shopstream.events')), 40);
      assert.equal(ingest.resource['service.name'], 'shop-under-test');
      assert.equal(ingest.resource['shopstream.role'], 'start');
      for (const step of ['collector.parse', 'collector.identify', 'collector.admit']) {
        const child: ExportedSpan | undefined = named(step).find((s) => s.parentSpanId === ingest.spanId);
        assert.ok(child !== undefined, `${step} is a child of the request span`);
        assert.equal(child.traceId, clientTrace);
      }

      const batch = named('processor.batch').find((b) =>
        (b.links ?? []).some((l) => l.spanId === ingest.spanId && l.traceId === clientTrace),
      );
      assert.ok(batch !== undefined, 'the batch that committed the events links to the request');
      assert.ok(Number(attr(batch, 'messaging.batch.message_count')) >= 40);
      for (const step of ['read', 'parse', 'validate', 'dedupe', 'aggregate', 'store_commit']) {
        const child: ExportedSpan | undefined = named(`processor.${step}`).find(
          (s) => s.parentSpanId === batch.spanId,
        );
        assert.ok(child !== undefined, `processor.${step} is a child of the batch span`);
      }

      const flush = named('processor.lake_flush').find((f) => Number(attr(f, 'shopstream.records')) >= 40);
      assert.ok(flush !== undefined, "the clean stop's lake flush is traced");
      for (const step of ['lake_write', 'lake_commit'])
        assert.ok(
          named(`processor.${step}`).some((s) => s.parentSpanId === flush.spanId),
          `processor.${step} is a child of the flush span`,
        );
      assert.ok(
        spans.every((s) => s.status?.code !== 2),
        'no span failed',
      );
    } finally {
      receiver.server.close();
      await cleanup();
    }
  },
);

test('start without tracing.otlpEndpoint exports nothing', { timeout: 120_000 }, async () => {
  const receiver = await otlpReceiver();
  const { dir, cleanup } = await tempDataDir('otlp-off');
  // The receiver's URL is known to the process only as an unrelated setting: nothing may reach it.
  const env = {
    SHOPSTREAM_API_PORT: '0',
    SHOPSTREAM_SIMULATOR_BACKFILL_MINUTES: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', ''),
  };
  try {
    const started = await startCli(['--no-simulator'], { dataDir: dir, env });
    try {
      await postEvents(
        started.base,
        `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
        10,
      );
      await waitForCommitted(started.base, 10);
    } finally {
      assert.equal(await started.stop(), 0);
    }
    assert.equal(receiver.requests, 0, 'no export request');
  } finally {
    receiver.server.close();
    await cleanup();
  }
});
