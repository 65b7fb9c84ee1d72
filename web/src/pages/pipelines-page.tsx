import { useState } from 'react';
import { apiGet } from '../lib/api-client.js';
import type { JobAsset, JobRun, JobsOverview } from '../lib/jobs-types.js';
import { useApiQuery } from '../hooks/use-api-query.js';
import { Panel } from '../components/panel.js';
import '../trends.css';
import { BatchPageHeader } from '../components/batch-page-header.js';

/** Dependency depth of each asset: 0 for roots, else 1 + the deepest upstream. */
function depths(assets: readonly JobAsset[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of assets) out.set(a.key, Math.max(-1, ...a.upstream.map((u) => out.get(u) ?? 0)) + 1);
  return out;
}

function AssetGraph({
  assets,
  selected,
  onSelect,
}: {
  assets: JobAsset[];
  selected: string;
  onSelect: (k: string) => void;
}) {
  const depth = depths(assets);
  const columns = [...new Set(depth.values())].sort((a, b) => a - b);
  return (
    <div className="stat-grid" role="list" aria-label="Asset graph">
      {columns.map((c) => (
        <div key={c} className="graph-column">
          {assets
            .filter((a) => depth.get(a.key) === c)
            .map((a) => (
              <button
                key={a.key}
                type="button"
                role="listitem"
                className={`stat graph-node ${a.key === selected ? 'active' : ''}`}
                data-asset={a.key}
                data-status={a.lastStatus ?? 'never'}
                data-freshness={a.freshness}
                onClick={() => onSelect(a.key)}
                title={a.description}
              >
                <span className="stat-value">{a.key}</span>
                <span className="stat-label">
                  {a.kind === 'source' ? 'source' : `last ${a.lastStatus ?? 'never'}`} · {a.freshness}
                </span>
                <span className="stat-label">
                  {a.upstream.length === 0 ? 'no upstream' : `reads ${a.upstream.join(', ')}`} · {a.schedule}
                </span>
              </button>
            ))}
        </div>
      ))}
    </div>
  );
}

const runCells = (r: JobRun) => [
  r.startedAt.replace('T', ' ').slice(0, 19),
  r.partition || '-',
  `#${r.attempt}`,
  r.status,
  r.durationMs === null ? '' : `${r.durationMs} ms`,
  r.rowsWritten ?? '',
  r.trigger,
  r.errorCode ?? '',
];

/** The orchestrator: asset graph with freshness and last status, run history, failures. */
export function PipelinesPage() {
  const [refresh, setRefresh] = useState(0);
  const overview = useApiQuery(() => apiGet<JobsOverview>('/api/v1/jobs'), 'jobs', refresh);
  const assets = overview.data?.assets ?? [];
  const [picked, setPicked] = useState('');
  const selected = picked || (assets.find((a) => a.kind === 'materialised')?.key ?? '');
  const runs = useApiQuery(
    () =>
      selected === ''
        ? Promise.resolve({ runs: [] })
        : apiGet<{ runs: JobRun[] }>(`/api/v1/jobs/${encodeURIComponent(selected)}/runs`, { limit: 50 }),
    selected,
    refresh,
  );
  const failures = assets.flatMap((a) => a.recentErrors.map((e) => ({ asset: a.key, ...e })));
  return (
    <div className="app trends" data-testid="pipelines-page">
      <BatchPageHeader
        title="pipelines"
        subtitle={
          <span className="muted" data-testid="scheduler">
            {overview.data?.scheduler
              ? `scheduler ${overview.data.scheduler.holder} ${overview.data.scheduler.live ? 'live' : 'expired'}`
              : 'no active scheduler'}
          </span>
        }
        onRefresh={() => setRefresh((r) => r + 1)}
      />
      <main className="grid">
        <Panel
          id="pipeline-graph"
          title="Asset graph"
          state={overview}
          className="span-12"
          isEmpty={(o) => o.assets.length === 0}
        >
          {(o) => <AssetGraph assets={o.assets} selected={selected} onSelect={setPicked} />}
        </Panel>
        <Panel
          id="pipeline-runs"
          title={`Runs of ${selected}`}
          state={runs}
          className="span-8"
          isEmpty={(r) => r.runs.length === 0}
          emptyText="No runs yet."
        >
          {(r) => (
            <table className="table">
              <thead>
                <tr>
                  {['started', 'partition', 'attempt', 'status', 'duration', 'rows', 'trigger', 'error'].map(
                    (h) => (
                      <th key={h}>{h}</th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody>
                {r.runs.map((run) => (
                  <tr key={run.runId} data-run={run.runId} data-status={run.status}>
                    {runCells(run).map((c, i) => (
                      <td key={i}>{c}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
        <Panel
          id="pipeline-failures"
          title="Failures"
          state={overview}
          className="span-4"
          isEmpty={() => failures.length === 0}
          emptyText="No failures."
        >
          {() => (
            <ul className="list">
              {failures.map((f) => (
                <li key={`${f.asset}|${f.partition}|${f.attempt}|${f.at}`} data-failure={f.asset}>
                  <strong>{f.asset}</strong> [{f.partition || '-'}] #{f.attempt} {f.code}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </main>
    </div>
  );
}
