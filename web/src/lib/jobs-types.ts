/** The answers of /api/v1/jobs (src/api/routes/v1-jobs-routes.ts). */
export interface JobRun {
  runId: string;
  asset: string;
  partition: string;
  status: string;
  attempt: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rowsWritten: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  upstreamVersions: Record<string, string>;
}

export interface JobAsset {
  key: string;
  kind: string;
  description: string;
  owner: string;
  partitioning: string;
  upstream: string[];
  schedule: string;
  lastStatus: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  freshness: 'fresh' | 'late' | 'unknown';
  queued: number;
  running: number;
  recentErrors: {
    partition: string;
    attempt: number;
    at: string;
    code: string | null;
    message: string | null;
  }[];
}

export interface JobsOverview {
  scheduler: { holder: string; acquiredAt: string; expiresAt: string; live: boolean } | null;
  assets: JobAsset[];
}
