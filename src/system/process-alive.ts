/**
 * Whether a process with this pid exists on this machine (signal 0 probes without signalling; EPERM
 * means it exists under another user). The lock files of the log, the PGlite folder and lake
 * maintenance use it to tell a live owner from one that crashed.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
