import { formatClock } from '../lib/format.js';
import type { Alert } from '../lib/api-types.js';

interface Props {
  alerts: Alert[];
  canAcknowledge: boolean;
  onAcknowledge: (id: string) => void;
  busyId: string | undefined;
}

export function AlertsView({ alerts, canAcknowledge, onAcknowledge, busyId }: Props) {
  return (
    <ul className="alerts">
      {alerts.map((a) => (
        <li key={a.id} className={`alert sev-${a.severity}`} data-alert-id={a.id} data-status={a.status}>
          <div className="alert-head">
            <span className={`badge sev-${a.severity}`}>{a.severity}</span>
            <strong>{a.metric}</strong>
            <time dateTime={a.window_start} className="muted">
              {formatClock(a.window_start)}
            </time>
          </div>
          <p className="alert-msg">{a.message}</p>
          <div className="alert-foot">
            <span className="muted">
              {a.status}
              {a.acknowledged_by ? ` by ${a.acknowledged_by}` : ''}
              {a.z_score !== null ? ` · z=${a.z_score.toFixed(1)}` : ''}
            </span>
            {canAcknowledge && a.acknowledged_at === null && (
              <button type="button" onClick={() => onAcknowledge(a.id)} disabled={busyId === a.id}>
                Acknowledge
              </button>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
