export type { AlertCandidate, RuleOutcome, Severity, AlertStatus } from './alert-types.js';
export { alertId } from './alert-types.js';
export {
  alertOptionsFromConfig,
  parseThresholds,
  type AlertOptions,
  type StaticThreshold,
  type WebhookTarget,
  type DeliveryOptions,
} from './alert-options.js';
export {
  detectEwma,
  scoreLatest,
  ewmaBaseline,
  residuals,
  severityOfZ,
  type EwmaOptions,
  type EwmaScore,
  type SeriesPoint,
} from './ewma-detector.js';
export { DetectorLoop, type DetectorLoopDeps, type DetectorPass } from './detector-loop.js';
export { writeOutcomes, type WriteResult } from './alert-writer.js';
export { deliverDue, backoffMs, type DeliveryAttempt } from './webhook-delivery.js';
