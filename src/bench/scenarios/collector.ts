import { measureCollectorThroughput } from '../../sources/collector/measure-collector-throughput.js';
import { figure, rate, type BenchScenario } from '../bench-result.js';

const BATCH_EVENTS = 100;

/**
 * `collector` (issue 8): the HTTP collector on loopback over a fresh embedded log (fsync=always,
 * so every 200 is durable), posting NDJSON batches of 100 events from a load generator in a child
 * process for collectorDurationS. Reports events acknowledged with 200 per second and latency.
 */
export const collectorScenario: BenchScenario = {
  name: 'collector',
  description: `HTTP collector: batches of ${BATCH_EVENTS} events over loopback, durable 200s`,
  async run(ctx) {
    const durationMs = ctx.options.collectorDurationS * 1000;
    ctx.progress(`posting for ${ctx.options.collectorDurationS} s`);
    const r = await measureCollectorThroughput({
      durationMs,
      batchSize: BATCH_EVENTS,
      format: 'ndjson',
      fsync: 'always',
    });
    return {
      status: 'ok',
      figures: [
        rate('acceptedEvents/s', r.acceptedEventsPerSec),
        figure('requestP50', r.p50LatencyMs, 'ms'),
        figure('requestP99', r.p99LatencyMs, 'ms'),
        figure('failedRequests', r.failedRequests, 'count'),
      ],
      details: { ...r },
    };
  },
};
