import type { EventLog } from '../log/event-log.js';

/**
 * The log a downstream publisher writes to, got when its first record is sent: `log()` (a caller
 * may open it lazily), then `ensureTopic` once (the caller creates the topic with the processed
 * topics' retention). What it got is kept; a failed open or topic check is not, so the next send
 * asks again.
 */
export function topicLogOnFirstSend(o: {
  log: () => Promise<EventLog>;
  ensureTopic: (log: EventLog) => Promise<void>;
}): () => Promise<EventLog> {
  let ready: Promise<EventLog> | undefined;
  return () =>
    (ready ??= o
      .log()
      .then(async (log) => {
        await o.ensureTopic(log);
        return log;
      })
      .catch((err: unknown) => {
        ready = undefined;
        throw err;
      }));
}
