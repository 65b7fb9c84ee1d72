import { useEffect, useState } from 'react';
import { apiGet } from '../lib/api-client.js';
import type { KpiExplanation } from '../lib/api-types.js';
import { formatValue, type ValueKind } from '../lib/format.js';
import { useApiQuery } from '../hooks/use-api-query.js';

const MINUTE_MS = 60_000;
const PAGE = 20;
/** The reconciliation's tolerance: counts exactly, money to the cent (docs/reconciliation.md). */
const CENT = 0.005;

export interface DrilldownTarget {
  readonly metric: string;
  readonly label: string;
  readonly kind: ValueKind;
  /** The minute explained (a whole minute, UTC). */
  readonly windowStartMs: number;
  /** Where it was opened from, e.g. "the hour from 13:00" when a chart point covers more than a minute. */
  readonly note?: string;
}

interface Props {
  target: DrilldownTarget;
  onMove: (windowStartMs: number) => void;
  onClose: () => void;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const dayAndMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * "Explain this number": one minute of one KPI as the stream committed it (Gold), recomputed from
 * the Silver events in the lake, the events that made it (with their log position and lake file)
 * and the log records of the minute that were left out, by reason (GET /api/v1/kpis/explain).
 */
export function KpiDrilldown({ target, onMove, onClose }: Props) {
  const { metric, windowStartMs } = target;
  // The events page belongs to one minute of one metric: another minute starts at its first page.
  const minute = `${metric}|${windowStartMs}`;
  const [page, setPage] = useState({ minute, offset: 0 });
  const offset = page.minute === minute ? page.offset : 0;
  const setOffset = (o: number) => setPage({ minute, offset: o });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const key = `${minute}|${offset}`;
  const state = useApiQuery(
    () =>
      apiGet<KpiExplanation>('/api/v1/kpis/explain', {
        metric,
        window_start: new Date(windowStartMs).toISOString(),
        limit: PAGE,
        offset,
      }),
    key,
    0,
  );
  const x =
    state.data?.metric === metric && state.data.windowStart === iso(windowStartMs) ? state.data : undefined;
  const nextMinuteEnded = windowStartMs + 2 * MINUTE_MS <= Date.now();
  return (
    <aside
      className="panel drilldown"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drilldown-title"
      data-testid="kpi-drilldown"
      data-metric={metric}
      data-window-start={iso(windowStartMs)}
      data-state={state.loading ? 'loading' : x !== undefined ? 'ready' : state.error ? 'error' : 'loading'}
    >
      <header className="panel-head drilldown-head">
        <h2 id="drilldown-title">
          {target.label} · {dayAndMinute(windowStartMs)}–{hhmm(windowStartMs + MINUTE_MS)} UTC
        </h2>
        <div className="drilldown-nav">
          <button
            type="button"
            aria-label="Previous minute"
            onClick={() => onMove(windowStartMs - MINUTE_MS)}
          >
            ←
          </button>
          <button
            type="button"
            aria-label="Next minute"
            disabled={!nextMinuteEnded}
            onClick={() => onMove(windowStartMs + MINUTE_MS)}
          >
            →
          </button>
          <button type="button" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </div>
      </header>
      {target.note !== undefined && <p className="drilldown-note">{target.note}</p>}
      {state.error !== undefined && x === undefined && (
        <p className="panel-error" role="alert">
          Could not explain: {state.error.message}
        </p>
      )}
      {x === undefined && state.error === undefined && (
        <div className="skeleton" role="status" aria-label="Loading the explanation" />
      )}
      {x !== undefined && <Explanation x={x} kind={target.kind} onPage={setOffset} />}
    </aside>
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function Explanation({
  x,
  kind,
  onPage,
}: {
  x: KpiExplanation;
  kind: ValueKind;
  onPage: (offset: number) => void;
}) {
  const verdict =
    x.value === null ? 'no Gold row' : Math.abs(x.value - x.recomputed) <= CENT ? 'equal' : 'different';
  const { total, offset, items } = x.events;
  return (
    <>
      <dl className="drilldown-figures">
        <div>
          <dt>Streaming value (Gold)</dt>
          <dd data-testid="drilldown-value">{x.value === null ? '—' : formatValue(x.value, kind)}</dd>
        </div>
        <div>
          <dt>Recomputed from Silver</dt>
          <dd data-testid="drilldown-recomputed">{formatValue(x.recomputed, kind)}</dd>
        </div>
        <div>
          <dt>Check</dt>
          <dd
            className={`drilldown-verdict ${verdict.replaceAll(' ', '-').toLowerCase()}`}
            data-testid="drilldown-verdict"
            data-verdict={verdict}
          >
            {verdict}
          </dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>{x.finalized ? 'finalised' : 'still open to on-time events'}</dd>
        </div>
        <div>
          <dt>Commits</dt>
          <dd data-testid="drilldown-commits" data-count={x.commits.count}>
            {x.commits.count} processor commit{x.commits.count === 1 ? '' : 's'}
            {x.commits.firstCommitAt === null
              ? ''
              : `, ${x.commits.firstCommitAt.slice(11, 23)} to ${(x.commits.lastCommitAt ?? '').slice(11, 23)} UTC`}
          </dd>
        </div>
      </dl>
      {x.commits.items.length > 0 && (
        <details className="drilldown-commits">
          <summary>
            {x.commits.items.length < x.commits.count
              ? `the newest ${x.commits.items.length} commits`
              : `the ${x.commits.items.length} commit${x.commits.items.length === 1 ? '' : 's'}`}{' '}
            and the log ranges they applied
          </summary>
          <ol data-testid="drilldown-commit-list">
            {x.commits.items.map((c) => (
              <li key={c.revision} data-revision={c.revision}>
                #{c.revision} {c.committedAt.slice(11, 23)} UTC:{' '}
                {c.ranges.map((r) => `p${r.partition} [${r.fromOffset}, ${r.toOffset})`).join(', ')}
              </li>
            ))}
          </ol>
        </details>
      )}
      <p className="drilldown-formula">
        <code>{x.formula}</code>
        {Object.entries(x.inputs).map(([name, v]) => (
          <span key={name} className="drilldown-input" data-input={name} data-value={v}>
            {name} = {formatValue(v, name === 'revenue' ? 'money' : 'count')}
          </span>
        ))}
      </p>
      <h3 className="drilldown-sub">
        Contributing events: {total.toLocaleString('en-US')}
        {x.silverVersion !== null && <span className="muted"> · Silver version {x.silverVersion}</span>}
      </h3>
      {total === 0 ? (
        <p className="panel-empty">No Silver event of this metric in the minute.</p>
      ) : (
        <>
          <table className="drilldown-events" data-testid="drilldown-events">
            <thead>
              <tr>
                <th>event id</th>
                <th>type</th>
                <th>event time</th>
                <th>amount</th>
                <th>log position</th>
                <th>lake file</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={`${e.partition}@${e.offset}`} data-event-id={e.eventId}>
                  <td className="mono">{e.eventId}</td>
                  <td>{e.eventType}</td>
                  <td className="mono">{e.eventTime.slice(11, 23)}</td>
                  <td className="num">
                    {e.price === null ? '' : formatValue(e.price * (e.quantity ?? 1), 'money')}
                  </td>
                  <td className="mono">
                    p{e.partition}@{e.offset}
                  </td>
                  <td className="mono drilldown-file" title={e.file}>
                    {e.file.split('/').at(-1)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="drilldown-pager">
            <span>
              {offset + 1}–{offset + items.length} of {total.toLocaleString('en-US')}
            </span>
            <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - PAGE))}>
              Previous events
            </button>
            <button
              type="button"
              disabled={offset + items.length >= total}
              onClick={() => onPage(offset + PAGE)}
            >
              More events
            </button>
          </div>
        </>
      )}
      <h3 className="drilldown-sub">Left out of the minute</h3>
      {x.excluded.byReason.length === 0 ? (
        <p className="panel-empty" data-testid="drilldown-excluded" data-count={0}>
          Nothing: every log record of the minute in the {x.excluded.logRanges} log range(s) read is in
          Silver.
        </p>
      ) : (
        <ul
          className="drilldown-excluded"
          data-testid="drilldown-excluded"
          data-count={x.excluded.byReason.reduce((n, r) => n + r.count, 0)}
        >
          {x.excluded.byReason.map((r) => (
            <li key={r.reason} data-reason={r.reason}>
              <code>{r.reason}</code>: {r.count.toLocaleString('en-US')}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
