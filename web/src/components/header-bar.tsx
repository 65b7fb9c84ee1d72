import { RANGES, type GrainChoice, type RangeId } from '../lib/time-range.js';

interface Props {
  range: RangeId;
  grain: GrainChoice;
  channel: string;
  connected: boolean;
  lastUpdateAt: number | undefined;
  onRange: (r: RangeId) => void;
  onGrain: (g: GrainChoice) => void;
  onChannel: (c: string) => void;
  keyForm: React.ReactNode;
}

export function HeaderBar(p: Props) {
  return (
    <header className="topbar">
      <div className="brand">
        <h1>shopstream</h1>
        <span className={`live ${p.connected ? 'on' : 'off'}`} role="status" data-testid="live-status">
          <span className="dot" aria-hidden="true" />
          {p.connected ? 'Live' : 'Reconnecting…'}
          {p.lastUpdateAt !== undefined && (
            <span className="muted" data-testid="last-update">
              {' '}
              · updated {new Date(p.lastUpdateAt).toISOString().slice(11, 19)}Z
            </span>
          )}
        </span>
      </div>
      <div className="controls">
        <div className="seg" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button
              key={r.id}
              type="button"
              aria-pressed={p.range === r.id}
              className={p.range === r.id ? 'active' : ''}
              onClick={() => p.onRange(r.id)}
            >
              {r.label}
            </button>
          ))}
        </div>
        <label>
          <span className="sr-only">Grain</span>
          <select
            value={p.grain}
            onChange={(e) => p.onGrain(e.target.value as GrainChoice)}
            aria-label="Grain"
          >
            <option value="auto">auto grain</option>
            <option value="minute">per minute</option>
            <option value="hour">per hour</option>
            <option value="day">per day</option>
          </select>
        </label>
        <label>
          <span className="sr-only">Channel</span>
          <select value={p.channel} onChange={(e) => p.onChannel(e.target.value)} aria-label="Channel">
            <option value="">all channels</option>
            <option value="web">web</option>
            <option value="app">app</option>
            <option value="store">store</option>
          </select>
        </label>
        {p.keyForm}
      </div>
    </header>
  );
}
