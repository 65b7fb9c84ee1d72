import { performance } from 'node:perf_hooks';
import { validateText, type ValidateOptions } from '../../contract/index.js';
import { processorOptionsFromConfig } from '../../cli/open-components.js';
import { createSimulator } from '../../sources/simulator/index.js';
import { rate, figure, type BenchScenario } from '../bench-result.js';
import { BATCH_START_TIME_MS, benchSimulatorOptions } from '../bench-traffic.js';

/**
 * `ceiling`: JSON.parse + contract validation (validateText) of the pipeline's event mix on one
 * core, nothing else. No JavaScript pipeline stage can process events faster than this, so every
 * other rate is also reported as a ratio to it. Lines are generated first (not timed); passes over
 * them repeat until ceilingMinMs has elapsed and the best pass is the ceiling.
 */
export const ceilingScenario: BenchScenario = {
  name: 'ceiling',
  description: 'JSON.parse + contract validation of the same event mix, one core',
  async run(ctx) {
    const { options } = ctx;
    const sim = createSimulator(
      benchSimulatorOptions(options, {
        mode: 'batch',
        startTimeMs: BATCH_START_TIME_MS,
        count: options.ceilingEvents,
      }),
    );
    const lines = sim.nextBatch(options.ceilingEvents).map((r) => r.line);
    const validate = processorOptionsFromConfig(ctx.config).validate;
    ctx.progress(`validating ${lines.length} lines per pass for at least ${options.ceilingMinMs} ms`);
    const passRates: number[] = [];
    let valid = 0;
    const started = performance.now();
    while (passRates.length < 2 || performance.now() - started < options.ceilingMinMs) {
      const pass = validatePass(lines, validate);
      passRates.push(pass.eventsPerSec);
      valid = pass.valid;
    }
    const best = Math.max(...passRates);
    return {
      status: 'ok',
      figures: [rate('events/s', best), figure('validPct', (valid * 100) / lines.length, '%')],
      details: { lines: lines.length, passes: passRates.length, passEventsPerSec: passRates.map(Math.round) },
    };
  },
};

function validatePass(
  lines: readonly string[],
  options: ValidateOptions,
): { eventsPerSec: number; valid: number } {
  let valid = 0;
  const t0 = performance.now();
  for (const line of lines) if (validateText(line, options).valid) valid += 1;
  const elapsedMs = performance.now() - t0;
  return { eventsPerSec: (lines.length * 1000) / elapsedMs, valid };
}
