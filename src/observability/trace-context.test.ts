import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './trace-context.js';
import { parseHeaders, shopTracer, startTracing } from './tracing.js';
import { loadConfig } from '../config/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('traceparent: version 00 round-trips; malformed, all-zero or other versions are ignored', () => {
  const ctx = parseTraceparent(`00-${TRACE}-${SPAN}-01`);
  assert.deepEqual(ctx, { traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
  assert.equal(formatTraceparent(ctx!), `00-${TRACE}-${SPAN}-01`);
  assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceFlags, 0);
  for (const bad of [
    undefined,
    '',
    `01-${TRACE}-${SPAN}-01`,
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}`,
    `00-${TRACE}-${SPAN}-01-extra`,
  ])
    assert.equal(parseTraceparent(bad), undefined, String(bad));
});

test('tracing.headers: name=value pairs, names lower-cased; a pair without = is a config error', () => {
  assert.deepEqual(parseHeaders(''), {});
  assert.deepEqual(parseHeaders('Authorization=Bearer a=b, x-tenant = shop-1,'), {
    authorization: 'Bearer a=b',
    'x-tenant': 'shop-1',
  });
  assert.throws(() => parseHeaders('token'), /SHOP_CONFIG_INVALID|name=value/);
});

test('tracing off (the default): nothing registered, spans are not recorded', async () => {
  const config = loadConfig({ env: {} });
  const tracing = await startTracing(config, 'test');
  const span = shopTracer().startSpan('x');
  assert.equal(span.isRecording(), false);
  span.end();
  await tracing.shutdown();
  assert.equal(trace.getActiveSpan(), undefined);
});

test('tracing on with an unreachable backend: spans are recorded, the stop neither fails nor hangs', async () => {
  const config = loadConfig({ env: { SHOPSTREAM_TRACING_OTLP_ENDPOINT: 'http://127.0.0.1:9/v1/traces' } });
  const tracing = await startTracing(config, 'test');
  const span = shopTracer().startSpan('x');
  assert.equal(span.isRecording(), true);
  span.end();
  const t0 = performance.now();
  await tracing.shutdown();
  assert.ok(performance.now() - t0 < 15_000, 'the stop waits at most about one export timeout');
  assert.equal(shopTracer().startSpan('after').isRecording(), false, 'the provider is gone after the stop');
});
