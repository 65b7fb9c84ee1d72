import type { ShopEvent } from '../../contract/event.js';
import type { ValidationResult } from '../../contract/index.js';
import type { LogRecord } from '../../log/event-log.js';
import type { SilverRow } from '../../lake/lake-table.js';
import { maskPii, type PiiMasking } from './pii-masking.js';

export interface SilverRowOptions {
  readonly piiMasking: PiiMasking;
  readonly piiSalt: string;
}

type Valid = Extract<ValidationResult, { valid: true }>;

export function toSilverRow(verdict: Valid, record: LogRecord, options: SilverRowOptions): SilverRow {
  let event = verdict.event;
  if (options.piiMasking !== 'off' && (event.ip_address != null || event.user_agent != null)) {
    event = {
      ...event,
      ip_address: maskPii(event.ip_address, options.piiMasking, options.piiSalt),
      user_agent: maskPii(event.user_agent, options.piiMasking, options.piiSalt),
    };
  }
  return {
    event,
    eventTimeMs: verdict.eventTimeMs,
    ingestTimeMs: verdict.ingestTimeMs,
    driftJson: verdict.drift.length === 0 ? null : driftJson(verdict.event, verdict.drift),
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
}

function driftJson(event: ShopEvent, drift: readonly string[]): string {
  const source = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of drift) out[name] = source[name];
  return JSON.stringify(out);
}
