import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (tests run from it). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
}

/** Environment of a CLI child: this process's, minus SHOPSTREAM_* config, plus `env`. */
function childEnv(env: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('SHOPSTREAM_') || k.startsWith('SHOPSTREAM_TEST_')) out[k] = v;
  }
  return { ...out, ...env };
}

/** Starts `shopstream --data-dir <dataDir> ...args` from the TypeScript sources. */
export function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', '--data-dir', options.dataDir, ...args],
    {
      cwd: REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
}

/** Runs the CLI to completion and collects its output. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(options.input ?? '');
  return new Promise((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI and throws with its stderr when it does not exit 0. */
export async function runCliOk(args: readonly string[], options: CliOptions): Promise<string> {
  const result = await runCli(args, options);
  if (result.code !== 0)
    throw new Error(`shopstream ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A fresh temporary data dir, removed by the returned cleanup. */
export async function tempDataDir(label: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `shopstream-${label}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Parses JSON-lines output. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** A running `shopstream start`: its base URL, and a clean stop (SIGTERM, then its exit code). */
export interface StartedCli {
  readonly base: string;
  readonly child: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * Spawns `shopstream start ...args` and waits (up to a minute) for the dashboard URL it prints;
 * if the URL never comes, the child is stopped and the error shows what it printed.
 */
export async function startCli(args: readonly string[], options: CliOptions): Promise<StartedCli> {
  const child = spawnCli(['start', ...args], options);
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.resume();
  const closed = new Promise<number | null>((resolveClose) =>
    child.once('close', (code) => resolveClose(code)),
  );
  const stop = async (): Promise<number | null> => {
    child.kill('SIGTERM');
    return closed;
  };
  let base = '';
  for (let i = 0; i < 600 && base === '' && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    base = /dashboard (http:\/\/\S+?)\/ /.exec(stdout)?.[1] ?? '';
  }
  if (base === '') {
    await stop();
    throw new Error(`start did not print its URL: ${stdout}`);
  }
  return { base, child, stop };
}
