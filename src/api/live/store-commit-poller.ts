import type { ApiStore } from '../queries/api-store.js';
import type { LiveFeed } from './live-feed.js';

/**
 * The LiveFeed source of a standalone API process (distributed mode): every `intervalMs` it asks
 * the store which windows changed since the last look (`serving.kpi_window.last_commit_at`) and
 * which alerts were created or updated (`serving.alerts.updated_at`), and publishes them. Cursors
 * are kept as the database's own timestamp text, so microsecond precision never replays a window.
 * History before the poller starts is not replayed. A failed poll is reported and retried next tick.
 */
export interface StorePollerOptions {
  readonly intervalMs: number;
  readonly onError: (err: unknown) => void;
}

export function startStoreCommitPoller(
  store: ApiStore,
  feed: LiveFeed,
  options: StorePollerOptions,
): () => Promise<void> {
  let windowCursor: string | null = null;
  let alertCursor: string | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const init = async () => {
    const rows = await store.query<{ w: string | null; a: string | null }>(
      `SELECT (SELECT max(last_commit_at)::text FROM serving.kpi_window) AS w, (SELECT max(updated_at)::text FROM serving.alerts) AS a`,
    );
    windowCursor = rows[0]?.w ?? '-infinity';
    alertCursor = rows[0]?.a ?? '-infinity';
  };

  const poll = async () => {
    if (windowCursor === null) return init();
    const windows = await store.query<{ ms: number; c: string }>(
      `SELECT (extract(epoch FROM window_start) * 1000)::float8 AS ms, last_commit_at::text AS c, last_commit_at
         FROM serving.kpi_window WHERE last_commit_at > $1::timestamptz ORDER BY last_commit_at DESC LIMIT 200`,
      [windowCursor],
    );
    if (windows.length > 0) {
      windowCursor = windows[0]!.c;
      feed.publishCommit({ windowsTouched: windows.map((w) => Number(w.ms)), committedAt: Date.now() });
    }
    const alerts = await store.query<{ id: string; c: string }>(
      `SELECT id, updated_at::text AS c, updated_at FROM serving.alerts WHERE updated_at > $1::timestamptz ORDER BY updated_at LIMIT 100`,
      [alertCursor],
    );
    for (const a of alerts) feed.publishAlert({ id: a.id });
    if (alerts.length > 0) alertCursor = alerts[alerts.length - 1]!.c;
    return undefined;
  };

  const timer = setInterval(() => {
    running = running.then(() => (stopped ? undefined : poll())).catch(options.onError);
  }, options.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
