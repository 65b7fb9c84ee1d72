import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './measured-run.js';

/** Where the peers' scripts and runtimes are: scripts/peers/ and the venv that install.sh made. */
export interface PeerTools {
  readonly scriptsDir: string;
  readonly python: string;
  readonly javaHome: string;
}

/** The checkout's scripts/peers folder: searched upwards from this file (sources or dist). */
export function peersScriptsDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'scripts', 'peers');
    if (existsSync(join(candidate, 'install.sh'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The peers' tools, or why they cannot run (no scripts, no Java 17+, no venv with pyspark and
 * duckdb): `install.sh check` prints the reason.
 */
export async function findPeerTools(): Promise<PeerTools | { readonly missing: string }> {
  const scriptsDir = peersScriptsDir();
  if (scriptsDir === undefined) return { missing: 'scripts/peers/ not found beside this build' };
  const install = join(scriptsDir, 'install.sh');
  try {
    await runToEnd('bash', [install, 'check']);
    const python = (await runToEnd('bash', [install, 'python'])).trim();
    const javaHome = (await runToEnd('bash', [install, 'java-home'])).trim();
    return { scriptsDir, python, javaHome };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const reason = /error: (.*)/.exec(text)?.[1] ?? text;
    return { missing: reason.trim() };
  }
}
