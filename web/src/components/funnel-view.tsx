import { formatValue } from '../lib/format.js';
import type { Funnel } from '../lib/api-types.js';

const STEP_LABELS: Record<string, string> = {
  click: 'Product clicks',
  add_to_cart: 'Added to cart',
  checkout: 'Checkouts',
  purchase: 'Purchases',
};

/** Horizontal funnel bars, widths relative to the first step. */
export function FunnelView({ funnel }: { funnel: Funnel }) {
  const first = funnel.steps[0]?.count ?? 0;
  const u = funnel.uniques;
  return (
    <>
      {u && (
        <div className="stat-row" aria-label="Unique visitors">
          <div className="stat">
            <span className="stat-label">Users</span>
            <span className="stat-value" data-testid="unique-users">
              {formatValue(u.uniqueUsers, 'count')}
            </span>
          </div>
          <div className="stat">
            <span className="stat-label">Sessions</span>
            <span className="stat-value">{formatValue(u.uniqueSessions, 'count')}</span>
          </div>
          <div className="stat">
            <span className="stat-label">Session conversion</span>
            <span className="stat-value">{formatValue(u.sessionConversion, 'rate')}</span>
          </div>
        </div>
      )}
      <ol className="funnel">
        {funnel.steps.map((s) => (
          <li key={s.step} data-step={s.step} data-count={s.count}>
            <div className="funnel-row">
              <span>{STEP_LABELS[s.step] ?? s.step}</span>
              <span className="num">{formatValue(s.count, 'count')}</span>
            </div>
            <div className="bar-track">
              <div
                className="bar"
                style={{ width: `${first === 0 ? 0 : Math.max(1, (s.count / first) * 100)}%` }}
              />
            </div>
            <div className="funnel-rate">
              {s.step === funnel.steps[0]?.step
                ? '100%'
                : `${formatValue(s.rateFromPrevious, 'rate')} of previous step`}
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}
