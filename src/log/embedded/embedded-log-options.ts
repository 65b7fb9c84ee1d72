import type { TruncateEvent } from './partition-log.js';

export interface EmbeddedLogOptions {
  /** The log folder (`<dataDir>/log`): `LOCK`, `topics/<topic>/<partition>/*.log`, `groups/`. */
  readonly dir: string;
  /** `write` takes the folder lock and repairs torn tails; `read` takes no lock and changes nothing. */
  readonly mode: 'write' | 'read';
  /** `always`: an append resolves after fsync; `interval`: fsync every fsyncIntervalMs; `never`: the OS decides. */
  readonly fsync: 'always' | 'interval' | 'never';
  readonly fsyncIntervalMs: number;
  /** Roll to a new segment file once the active one would pass this size. */
  readonly segmentBytes: number;
  /** Largest encoded record (key + value + headers + 14 bytes of framing). */
  readonly maxRecordBytes: number;
  /** Told about each torn tail cut off on open (the default writes a line to stderr). */
  readonly onTruncate?: (event: TruncateEvent) => void;
}

export function defaultTruncateReporter(event: TruncateEvent): void {
  process.stderr.write(
    `warn SHOP_LOG torn tail truncated: ${event.path} cut to ${event.validBytes} bytes ` +
      `(${event.truncatedBytes} bytes dropped: ${event.reason})\n`,
  );
}
