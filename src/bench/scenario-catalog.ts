import type { ScenarioName } from './bench-options.js';
import type { BenchScenario } from './bench-result.js';
import { catchUpScenario } from './scenarios/catch-up.js';
import { ceilingScenario } from './scenarios/ceiling.js';
import { collectorScenario } from './scenarios/collector.js';
import { freshnessScenario } from './scenarios/freshness.js';
import { martsScenario } from './scenarios/marts.js';
import { pipelineEmbeddedScenario } from './scenarios/pipeline-embedded.js';
import { peersScenario } from './scenarios/peers.js';
import { pipelineKafkaScenario } from './scenarios/pipeline-kafka.js';
import { soakScenario } from './scenarios/soak.js';

/** Every benchmark scenario by name (the run order is SCENARIO_NAMES). */
export function scenarioCatalog(): ReadonlyMap<ScenarioName, BenchScenario> {
  const all: BenchScenario[] = [
    ceilingScenario,
    pipelineEmbeddedScenario,
    pipelineKafkaScenario,
    freshnessScenario,
    catchUpScenario,
    collectorScenario,
    martsScenario,
    soakScenario,
    peersScenario,
  ];
  return new Map(all.map((s) => [s.name, s]));
}
