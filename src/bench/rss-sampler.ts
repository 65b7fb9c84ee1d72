/**
 * Samples `process.memoryUsage().rss` every `intervalMs` between start and stop and reports the
 * peak; `maxRssMiB` is the kernel's high-water mark (`resourceUsage().maxRSS`) for the whole process
 * life, which also covers spikes between samples (and everything before start).
 */
export class RssSampler {
  private peakBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): { peakRssMiB: number; maxRssMiB: number } {
    this.sample();
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    return {
      peakRssMiB: Math.round(this.peakBytes / 1024 / 1024),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage().rss);
  }
}
