import type { AppendResult, EventLog, ProducerRecord } from '../../../log/event-log.js';
import { ShopError } from '../../../errors/index.js';

/**
 * An EventLog that delegates to a real one but can be switched to fail (`down`) or to hang
 * (`hang`) appends, as a stopped log or a dead broker would. Used by the collector's 503 tests.
 */
export class FlakyEventLog implements EventLog {
  mode: 'up' | 'down' | 'hang' = 'up';
  readonly appended: Array<{ topic: string; records: readonly ProducerRecord[] }> = [];
  private readonly hung: Array<() => void> = [];

  constructor(private readonly inner: EventLog) {}

  get kind(): EventLog['kind'] {
    return this.inner.kind;
  }

  async append(topic: string, records: readonly ProducerRecord[]): Promise<AppendResult> {
    if (this.mode === 'down') throw new ShopError('SHOP_LOG_IO', 'simulated: the log is stopped');
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.hung.push(resolve));
    if (this.mode !== 'up') throw new ShopError('SHOP_LOG_UNAVAILABLE', 'simulated: the log never answered');
    const result = await this.inner.append(topic, records);
    this.appended.push({ topic, records });
    return result;
  }

  /** Releases hung appends (they fail, as a timed-out produce would). */
  releaseHung(): void {
    this.hung.splice(0).forEach((r) => r());
  }

  ensureTopic: EventLog['ensureTopic'] = (spec) => this.inner.ensureTopic(spec);
  listTopics: EventLog['listTopics'] = () => this.inner.listTopics();
  describeTopic: EventLog['describeTopic'] = (topic) => this.inner.describeTopic(topic);
  read: EventLog['read'] = (topic, partition, offset, options) =>
    this.inner.read(topic, partition, offset, options);
  commitGroupOffsets: EventLog['commitGroupOffsets'] = (group, topic, offsets) =>
    this.inner.commitGroupOffsets(group, topic, offsets);
  groupOffsets: EventLog['groupOffsets'] = (group, topic) => this.inner.groupOffsets(group, topic);
  close: EventLog['close'] = () => this.inner.close();
}
