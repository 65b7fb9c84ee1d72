"""Runs one command and measures its whole process tree, the same way for every engine of the
peers benchmark (shopstream's node process, Spark's Python driver + JVM, DuckDB's Python):

    python measure.py OUT.json -- COMMAND [ARGS...]

- CPU seconds: user + system of every process of the tree, from getrusage(RUSAGE_CHILDREN) after
  all of them were reaped. This process is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so a
  grandchild that its parent never waits for (Spark's JVM) is re-parented here and reaped, and its
  CPU is counted too.
- Peak RSS: the largest sum of VmRSS over the live tree, sampled from /proc every 50 ms
  (`peak_tree_rss_mib`), and the largest single process's peak (ru_maxrss, exact).
- Wall seconds: from spawn to the exit of the last process of the tree.
Writes OUT.json; exits with the command's exit code.
"""

import ctypes
import json
import os
import resource
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36


def tree_rss_kib(root):
    """Sum of VmRSS of `root` and its descendants (via /proc/<pid>/task/*/children)."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def main():
    out, sep, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    if sep != "--" or not cmd:
        sys.exit("usage: measure.py OUT.json -- COMMAND [ARGS...]")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    t0 = time.time()
    child = subprocess.Popen(cmd)
    peak = [0]
    done = threading.Event()

    def sample():
        me = os.getpid()
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kib(me) - tree_rss_self())
            done.wait(0.05)

    def tree_rss_self():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    # Reap every orphan re-parented here (this process is their subreaper).
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    wall = time.time() - t0
    done.set()
    sampler.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        json.dump(
            {
                "exit_code": code,
                "wall_s": wall,
                "cpu_user_s": ru.ru_utime,
                "cpu_system_s": ru.ru_stime,
                "peak_tree_rss_mib": peak[0] / 1024,
                "max_rss_process_mib": ru.ru_maxrss / 1024,
            },
            f,
        )
    sys.exit(code)


if __name__ == "__main__":
    main()
