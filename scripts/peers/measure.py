"""Runs one command and measures its whole process tree, the same way for every engine of the
peers benchmark (shopstream's node process, Spark's Python driver + JVM, DuckDB's Python):

    python measure.py OUT.json -- COMMAND [ARGS...]

- CPU seconds: user + system of every process of the tree, from getrusage(RUSAGE_CHILDREN) after
  all of them were reaped. This process is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so a
  grandchild that its parent never waits for (Spark's JVM) is re-parented here and reaped, and its
  CPU is counted too.
- Peak RSS: the largest sum of Pss (resident memory, shared pages split between their sharers)
  over the live tree, sampled from /proc every 100 ms
  (`peak_tree_rss_mib`, with each process's share at that moment in `peak_tree`), and the largest single process's peak (ru_maxrss, exact).
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
    """Proportional resident memory (Pss) of `root` and its descendants (via /proc/<pid>/task/*/children): {pid: (name, kib)}."""
    parts, stack, seen = {}, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
            # Pss, not Rss: a child forked by the JVM (Hadoop's shell calls) shares all of its
            # parent's pages until it execs; Rss would count them twice, Pss splits them.
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        parts[pid] = (name, int(line.split()[1]))
                        break
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return parts


def main():
    out, sep, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    if sep != "--" or not cmd:
        sys.exit("usage: measure.py OUT.json -- COMMAND [ARGS...]")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    t0 = time.time()
    child = subprocess.Popen(cmd)
    peak = [0, {}]
    done = threading.Event()

    def sample():
        me = os.getpid()
        while not done.is_set():
            parts = tree_rss_kib(me)
            parts.pop(me, None)
            total = sum(kib for _, kib in parts.values())
            if total > peak[0]:
                peak[0], peak[1] = total, parts
            done.wait(0.1)

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
                "peak_tree": {f"{name}[{pid}]": kib / 1024 for pid, (name, kib) in peak[1].items()},
                "max_rss_process_mib": ru.ru_maxrss / 1024,
            },
            f,
        )
    sys.exit(code)


if __name__ == "__main__":
    main()
