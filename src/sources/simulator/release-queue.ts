/**
 * Min-heap of held-back items keyed by the output sequence number at which they are due.
 * Ties leave in insertion order (a sequence number breaks them), so the output is deterministic.
 */
export class ReleaseQueue<T> {
  private readonly heap: Array<{ readonly dueSeq: number; readonly order: number; readonly item: T }> = [];
  private inserted = 0;

  get size(): number {
    return this.heap.length;
  }

  hold(item: T, dueSeq: number): void {
    const h = this.heap;
    h.push({ dueSeq, order: this.inserted++, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest item if it is due at `seq` (dueSeq <= seq), removed; else undefined. */
  releaseDue(seq: number): T | undefined {
    const top = this.heap[0];
    return top !== undefined && top.dueSeq <= seq ? this.pop() : undefined;
  }

  /** The earliest item regardless of due time, removed; undefined when empty. */
  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined) return undefined;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown();
    }
    return top.item;
  }

  private siftDown(): void {
    const n = this.heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.dueSeq < y.dueSeq || (x.dueSeq === y.dueSeq && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const t = h[a]!;
    h[a] = h[b]!;
    h[b] = t;
  }
}
