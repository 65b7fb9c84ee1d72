import { openBenchPipeline } from '../bench-pipeline.js';
import type { BenchScenario } from '../bench-result.js';
import { runPipelineBenchmark } from './pipeline-run.js';

/** `pipeline-embedded`: the processor over the embedded file log (see pipeline-run.ts). */
export const pipelineEmbeddedScenario: BenchScenario = {
  name: 'pipeline-embedded',
  description: 'pre-generated events in the embedded log -> processor -> Bronze/Silver/quarantine/Gold',
  async run(ctx) {
    const pipeline = await openBenchPipeline(ctx.config, ctx.workDir, 'embedded');
    try {
      return await runPipelineBenchmark(ctx, pipeline);
    } finally {
      await pipeline.close();
    }
  },
};
