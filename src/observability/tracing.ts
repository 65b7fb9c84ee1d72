import { trace, type Tracer } from '@opentelemetry/api';
import type { Config } from '../config/index.js';
import { ShopError } from '../errors/index.js';

/** The instrumentation scope of every shopstream span. */
const SCOPE = 'shopstream';

/**
 * The tracer the instrumented code uses (collector requests, processor batches, lake flushes).
 * Until `startTracing` registered a provider it is the OpenTelemetry API's no-op tracer: spans
 * cost an object allocation per batch or request and are never recorded or exported.
 */
export function shopTracer(): Tracer {
  return trace.getTracer(SCOPE);
}

export interface Tracing {
  /** Exports the spans still buffered and stops the exporter (call once, on the way out). */
  shutdown(): Promise<void>;
}

/** One export (and the flush of a stop) waits at most this long for the backend. */
const EXPORT_TIMEOUT_MS = 5_000;

const OFF: Tracing = { shutdown: async () => undefined };

/**
 * Starts tracing for this process when `tracing.otlpEndpoint` is set: a tracer provider with the
 * service and role as resource attributes, a ratio sampler that follows a sampled parent, and a
 * batching OTLP/HTTP exporter (export failures are the exporter's to log; they never reach the
 * pipeline). Off (the default): nothing is loaded and `shopTracer()` stays a no-op.
 */
export async function startTracing(config: Readonly<Config>, role: string): Promise<Tracing> {
  const { otlpEndpoint, headers, serviceName, sampleRatio } = config.tracing;
  if (otlpEndpoint.trim() === '') return OFF;
  const [{ OTLPTraceExporter }, sdk, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.instance.id': `${role}-${process.pid}`,
      'shopstream.role': role,
    }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(sampleRatio) }),
    spanProcessors: [
      new sdk.BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: otlpEndpoint.trim(),
          headers: parseHeaders(headers),
          timeoutMillis: EXPORT_TIMEOUT_MS,
        }),
        scheduledDelayMillis: 1_000,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      // An unreachable backend delays the stop by at most one export timeout, and never fails it.
      await provider.shutdown().catch(() => undefined);
      trace.disable();
    },
  };
}

/** `a=1, b=2` -> { a: '1', b: '2' }; a pair without `=` is a configuration error. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new ShopError('SHOP_CONFIG_INVALID', 'tracing.headers must be comma-separated name=value pairs');
    out[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim();
  }
  return out;
}
