import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Builds the dashboard (`npm run build -w web`) when web/dist/index.html is missing. */
export function ensureWebBuild(repoRoot: string): string {
  const dist = join(repoRoot, 'web', 'dist');
  if (existsSync(join(dist, 'index.html'))) return dist;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['run', 'build', '-w', 'web'], { cwd: repoRoot, stdio: 'inherit' });
  if (res.status !== 0 || !existsSync(join(dist, 'index.html')))
    throw new Error('npm run build -w web failed');
  return dist;
}
