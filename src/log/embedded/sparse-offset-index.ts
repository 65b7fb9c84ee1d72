/**
 * Sparse in-memory index of one segment: the file position of a batch base offset about every
 * `intervalBytes`. Rebuilt on open by scanning batch headers; never persisted.
 */
export class SparseOffsetIndex {
  private readonly offsets: number[] = [];
  private readonly positions: number[] = [];

  constructor(private readonly intervalBytes = 4096) {}

  /** Called for every batch in file order. */
  add(baseOffset: number, position: number): void {
    const last = this.positions.length - 1;
    if (last >= 0 && position - this.positions[last]! < this.intervalBytes) return;
    this.offsets.push(baseOffset);
    this.positions.push(position);
  }

  /** Position of the last indexed batch whose base offset is <= `offset` (0 when none). */
  lookup(offset: number): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! <= offset) {
        found = this.positions[mid]!;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  get entries(): number {
    return this.offsets.length;
  }
}
