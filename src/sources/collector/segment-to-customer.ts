import { eventTimeOf, idOf, objectAt, userIdOf, type SegmentMessage } from './segment-message.js';
import type { MappingContext } from './segment-to-event.js';

/** The topic of customer records (identify, group, alias); key = user_id. */
export const CUSTOMERS_TOPIC = 'ecom.customers.v1';

/**
 * An identify, group or alias message as a customer record for the customer dimension:
 * `{record_type, record_id, user_id, anonymous_id, previous_id, group_id, traits, event_time,
 * ingest_time, source, segment}`. `traits` are the message's traits (identify: `traits`, falling
 * back to `context.traits`; group: the group's traits); `segment` is the original message.
 */
export function segmentToCustomer(msg: SegmentMessage, ctx: MappingContext): Record<string, unknown> {
  const type = msg['type'];
  const traits =
    type === 'alias'
      ? {}
      : msg['traits'] !== undefined
        ? objectAt(msg, 'traits')
        : objectAt(objectAt(msg, 'context'), 'traits');
  return {
    record_type: type,
    record_id: idOf(msg['messageId']) ?? ctx.newId(),
    user_id: userIdOf(msg),
    anonymous_id: idOf(msg['anonymousId']),
    previous_id: idOf(msg['previousId']),
    group_id: idOf(msg['groupId']),
    traits,
    event_time: eventTimeOf(msg, ctx.receivedAtMs),
    ingest_time: new Date(ctx.receivedAtMs).toISOString(),
    source: ctx.source,
    segment: msg,
  };
}
