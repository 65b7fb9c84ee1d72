import { setTimeout as sleep } from 'node:timers/promises';
import { figure, rate, type BenchScenario } from '../bench-result.js';
import { LivePipeline } from '../live-pipeline.js';
import type { CommitLag } from '../ingest-time-tracker.js';

const POLL_MS = 100;

/**
 * `catch-up`: under steady realtime load, the processor runs warmupS, is stopped for outageS
 * (the backlog grows in the log) and restarted as a new owner. Catch-up time = restart until the
 * first commit whose every event was visible within the recovery threshold of its ingest
 * reference. Threshold = recoveredFreshnessMs (1 s), or the slowest commit of the warm-up (after
 * its first two) when the pipeline is slower than that even without an outage: then "recovered"
 * means "back to its steady state" and `thresholdIsBound` is 0. Gives up (failed) after
 * max(30 s, 1.5 x outageS).
 */
export const catchUpScenario: BenchScenario = {
  name: 'catch-up',
  description: 'processor outage under steady load: time until freshness is back under the bound',
  async run(ctx) {
    const { warmupS, outageS, recoveredFreshnessMs, ratePerSec } = ctx.options;
    const live = await LivePipeline.open(ctx);
    const trafficStop = new AbortController();
    const before = new AbortController();
    const after = new AbortController();
    try {
      const traffic = live.runTraffic(ctx, trafficStop.signal);
      ctx.progress(`${ratePerSec} events/s; processor runs ${warmupS} s, then stops for ${outageS} s`);
      const first = live.runProcessor(before.signal);
      await sleep(warmupS * 1000);
      before.abort();
      await first;
      await outage(ctx.progress, outageS, () => live.appended);
      const restartAtMs = Date.now();
      const committedAtRestart = live.tracker.committedRecords;
      const backlog = live.appended - committedAtRestart;
      const commitsBefore = live.tracker.commits.length;
      const steadyLagMs = Math.max(0, ...live.tracker.commits.slice(2).map((c) => c.maxLagMs));
      const thresholdMs = Math.max(recoveredFreshnessMs, steadyLagMs);
      ctx.progress(`restarting the processor with ${backlog} events waiting`);
      const second = live.runProcessor(after.signal);
      const timeoutMs = Math.max(30_000, 1.5 * outageS * 1000);
      const recovered = await firstFreshCommit(live, commitsBefore, thresholdMs, restartAtMs + timeoutMs);
      after.abort();
      trafficStop.abort();
      await Promise.all([second, traffic]);
      if (recovered === undefined)
        throw new Error(`freshness not back under ${thresholdMs} ms within ${timeoutMs} ms of the restart`);
      const catchUpMs = recovered.commit.committedAtMs - restartAtMs;
      const caughtUp = recovered.committedRecords - committedAtRestart;
      const firstAfter = live.tracker.commits[commitsBefore];
      return {
        status: 'ok',
        figures: [
          figure('catchUp', catchUpMs / 1000, 's'),
          figure('backlogAtRestart', backlog, 'count'),
          rate('catchUpEvents/s', (caughtUp * 1000) / Math.max(1, catchUpMs)),
          figure('firstCommitMaxLag', firstAfter?.maxLagMs ?? 0, 'ms'),
          figure('recoveryThreshold', thresholdMs, 'ms'),
          figure('thresholdIsBound', thresholdMs === recoveredFreshnessMs ? 1 : 0, 'count'),
          figure('steadyMaxLag', steadyLagMs, 'ms'),
        ],
        details: {
          warmupS,
          outageS,
          recoveredFreshnessMs,
          ratePerSec,
          commitsToRecover: live.tracker.commits.length - commitsBefore,
        },
      };
    } finally {
      trafficStop.abort();
      before.abort();
      after.abort();
      await live.close();
    }
  },
};

async function outage(progress: (m: string) => void, outageS: number, appended: () => number): Promise<void> {
  const endMs = Date.now() + outageS * 1000;
  while (Date.now() < endMs) {
    await sleep(Math.min(10_000, endMs - Date.now()));
    progress(
      `processor down, ${Math.max(0, Math.round((endMs - Date.now()) / 1000))} s left, ${appended()} appended`,
    );
  }
}

/** The first commit at index >= from whose slowest event met the bound, with records committed through it. */
async function firstFreshCommit(
  live: LivePipeline,
  from: number,
  boundMs: number,
  deadlineMs: number,
): Promise<{ commit: CommitLag; committedRecords: number } | undefined> {
  for (let i = from; Date.now() < deadlineMs;) {
    const commits = live.tracker.commits;
    for (; i < commits.length; i++) {
      if (commits[i]!.maxLagMs <= boundMs) {
        const committedRecords = commits.slice(0, i + 1).reduce((sum, c) => sum + c.records, 0);
        return { commit: commits[i]!, committedRecords };
      }
    }
    await sleep(POLL_MS);
  }
  return undefined;
}
