export { runQualitySuite, type DqRun } from './run-quality-suite.js';
export { scoreOf, type DqCheckResult, type DqCategory, type DqOptions } from './dq-check.js';
