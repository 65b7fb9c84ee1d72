export { createSimulator, type Simulator, type SimulatorStats } from './simulator.js';
export {
  DEFAULT_SIMULATOR_OPTIONS,
  checkSimulatorOptions,
  type SimulatorOptions,
} from './simulator-options.js';
export type { SimulatedRecord } from './fault-injector.js';
export type { ScenarioKind, TrafficShapeKind } from './traffic-shape.js';
export { measureSimulatorThroughput, type ThroughputResult } from './simulator-throughput.js';
export { eventLogSink, ndjsonFileSink, ndjsonStreamSink, type RecordSink } from './record-sinks.js';
export { runSimulation, type RunSimulationOptions, type RunSimulationResult } from './run-simulation.js';
