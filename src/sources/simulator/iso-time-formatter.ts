const MS_SUFFIX: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + 'Z');

/**
 * `new Date(ms).toISOString()` for years 0..9999, with the second prefix cached: consecutive
 * events mostly share a second, so most calls cost one table lookup and one concatenation.
 */
export class IsoTimeFormatter {
  private second = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.prefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    return this.prefix + (MS_SUFFIX[ms - second * 1000] as string);
  }
}

/** Uncached form for the rare paths (invalid events, tests). */
export function formatIsoMs(ms: number): string {
  return new Date(ms).toISOString();
}
