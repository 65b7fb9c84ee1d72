import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the dashboard (`npm run build -w web`) when web/dist/index.html is missing or older than
 * a source of it (web/src, web/index.html, web/vite.config.ts), so a test never drives a stale build.
 */
export function ensureWebBuild(repoRoot: string): string {
  const web = join(repoRoot, 'web');
  const dist = join(web, 'dist');
  const built = join(dist, 'index.html');
  const sources = [join(web, 'index.html'), join(web, 'vite.config.ts'), ...filesUnder(join(web, 'src'))];
  if (existsSync(built) && Math.max(...sources.map(mtimeMs)) <= mtimeMs(built)) return dist;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['run', 'build', '-w', 'web'], { cwd: repoRoot, stdio: 'inherit' });
  if (res.status !== 0 || !existsSync(built)) throw new Error('npm run build -w web failed');
  return dist;
}

const mtimeMs = (path: string): number => statSync(path).mtimeMs;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}
