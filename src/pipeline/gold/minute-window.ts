/** One-minute tumbling event-time windows, UTC: [start, start + 60 s). */
export const WINDOW_MS = 60_000;

/** Start of the window holding `eventTimeMs` (`…:59.999` -> that minute, `:00.000` -> the next). */
export function windowStartOf(eventTimeMs: number): number {
  return eventTimeMs - (((eventTimeMs % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
}
