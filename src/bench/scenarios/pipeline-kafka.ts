import { openBenchPipeline } from '../bench-pipeline.js';
import type { BenchScenario } from '../bench-result.js';
import { runPipelineBenchmark } from './pipeline-run.js';

/**
 * `pipeline-kafka`: the same as pipeline-embedded on the configured broker (`log.brokers`, env
 * SHOPSTREAM_LOG_BROKERS), in a fresh topic `shopstream.bench.<epoch ms>` that is left behind
 * (delete it with the broker's tools). Skipped when no broker is configured.
 */
export const pipelineKafkaScenario: BenchScenario = {
  name: 'pipeline-kafka',
  description: 'the same on a Kafka broker (when log.brokers is configured)',
  async run(ctx) {
    if (ctx.config.log.brokers.trim() === '') {
      return {
        status: 'skipped',
        reason:
          'no broker configured (set log.brokers or SHOPSTREAM_LOG_BROKERS; scripts/kafka.sh starts one)',
      };
    }
    const pipeline = await openBenchPipeline(ctx.config, ctx.workDir, 'kafka');
    try {
      return await runPipelineBenchmark(ctx, pipeline);
    } finally {
      await pipeline.close();
    }
  },
};
