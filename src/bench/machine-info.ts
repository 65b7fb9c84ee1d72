import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryMiB: number;
  readonly freeMemoryMiB: number;
  /** 1, 5 and 15-minute load averages when the run started (others may share the machine). */
  readonly loadAverage: readonly number[];
  readonly platform: string;
  readonly nodeVersion: string;
}

export interface GitInfo {
  /** HEAD commit, null outside a git checkout. */
  readonly commit: string | null;
  /** True when tracked files differ from HEAD. */
  readonly dirty: boolean | null;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    totalMemoryMiB: Math.round(totalmem() / 1024 / 1024),
    freeMemoryMiB: Math.round(freemem() / 1024 / 1024),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    platform: `${platform()} ${release()}`,
    nodeVersion: process.version,
  };
}

/** Commit and dirtiness of the checkout in `cwd`; nulls when git is missing or it is no checkout. */
export function gitInfo(cwd: string): GitInfo {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}
