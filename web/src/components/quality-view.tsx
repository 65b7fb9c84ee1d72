import { formatValue } from '../lib/format.js';
import type { QualitySummary } from '../lib/api-types.js';
import { TimeChart } from './time-chart.js';

const PALETTE = ['#f87171', '#fb923c', '#facc15', '#a78bfa', '#60a5fa', '#34d399', '#f472b6', '#94a3b8'];

export function QualityView({ quality }: { quality: QualitySummary }) {
  const max = Math.max(1, ...quality.reasons.map((r) => r.count));
  const top = quality.reasons.slice(0, PALETTE.length);
  const series = top.map((r, i) => ({
    label: r.reason,
    color: PALETTE[i]!,
    points: quality.series.filter((s) => s.reason === r.reason).map((s) => ({ ts: s.ts, value: s.count })),
  }));
  return (
    <div className="quality">
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">Valid</span>
          <span className="stat-value" data-testid="valid-pct">
            {quality.validPct === null ? '—' : formatValue(quality.validPct / 100, 'rate')}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Quarantined</span>
          <span className="stat-value">{formatValue(quality.quarantinedEvents, 'count')}</span>
        </div>
        <div className="stat">
          <span className="stat-label">DQ score</span>
          <span
            className="stat-value"
            data-testid="dq-score"
            title={
              quality.dqRun
                ? `run ${quality.dqRun.runId} at ${quality.dqRun.finishedAt}`
                : 'run shopstream dq run'
            }
          >
            {quality.dqRun ? `${Math.round(quality.dqRun.score)}/100` : '—'}
          </span>
        </div>
      </div>
      {quality.dqRun && quality.dqRun.checksFailed > 0 && (
        <ul className="reasons" aria-label="Failed data-quality checks">
          {quality.dqRun.checks
            .filter((c) => !c.passed)
            .map((c) => (
              <li key={c.check}>
                <span className="mono">{c.check}</span>
                <span>{c.message}</span>
              </li>
            ))}
        </ul>
      )}
      {quality.reasons.length === 0 ? (
        <p className="panel-empty">No quarantined events.</p>
      ) : (
        <ul className="reasons">
          {quality.reasons.map((r) => (
            <li key={r.reason}>
              <span className="mono">{r.reason}</span>
              <span className="bar-track">
                <span className="bar warn" style={{ width: `${(r.count / max) * 100}%` }} />
              </span>
              <span className="num">{formatValue(r.count, 'count')}</span>
            </li>
          ))}
        </ul>
      )}
      {quality.series.length > 0 && (
        <TimeChart series={series} height={140} label="Quarantined events by reason over time" />
      )}
    </div>
  );
}
