/** Wakes long-polling readers of a partition when an append lands (same process). */
export class AppendNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Resolves on the next notify(key), after `timeoutMs`, or on wakeAll(), whichever comes first. */
  wait(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  notify(key: string): void {
    for (const done of [...(this.waiters.get(key) ?? [])]) done();
  }

  wakeAll(): void {
    for (const key of [...this.waiters.keys()]) this.notify(key);
  }
}
