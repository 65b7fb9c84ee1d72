import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** What scripts/peers/measure.py measured of one command's whole process tree. */
export interface TreeUsage {
  readonly wallS: number;
  /** user + system CPU seconds of every process of the tree (getrusage of reaped children). */
  readonly cpuS: number;
  readonly cpuUserS: number;
  readonly cpuSystemS: number;
  /** Largest sum of the tree's proportional resident memory (Pss), sampled every 100 ms. */
  readonly peakRssMiB: number;
  /** Largest single process's peak resident memory (ru_maxrss). */
  readonly maxRssProcessMiB: number;
}

interface MeasureJson {
  exit_code: number;
  wall_s: number;
  cpu_user_s: number;
  cpu_system_s: number;
  peak_tree_rss_mib: number;
  max_rss_process_mib: number;
}

export interface MeasuredCommand {
  readonly python: string;
  readonly measureScript: string;
  readonly usageFile: string;
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Runs `command` under measure.py (a child subreaper that reaps the whole tree, so the CPU of a
 * grandchild such as Spark's JVM is counted). Resolves with the tree's usage and the command's
 * stderr tail; throws when the command exits non-zero.
 */
export async function runMeasured(m: MeasuredCommand): Promise<{ usage: TreeUsage; stderr: string }> {
  const child = spawn(m.python, [m.measureScript, m.usageFile, '--', ...m.command], {
    env: m.env ?? process.env,
    cwd: m.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${m.command.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`);
  const raw = JSON.parse(await readFile(m.usageFile, 'utf8')) as MeasureJson;
  return {
    usage: {
      wallS: raw.wall_s,
      cpuS: raw.cpu_user_s + raw.cpu_system_s,
      cpuUserS: raw.cpu_user_s,
      cpuSystemS: raw.cpu_system_s,
      peakRssMiB: raw.peak_tree_rss_mib,
      maxRssProcessMiB: raw.max_rss_process_mib,
    },
    stderr,
  };
}

/** Runs a command to its end (not measured) and resolves with its stdout; throws on failure. */
export async function runToEnd(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${code}: ${stderr}`);
  return stdout;
}
