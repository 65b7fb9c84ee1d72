import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import type { ProducerRecord } from '../event-log.js';
import { partitionForKey } from '../partitioner.js';
import {
  assignPartitions,
  checkRecordSizes,
  encodedRecordBytes,
  planSendRounds,
  recordBytes,
} from './append-plan.js';

const rec = (key: string | null, valueBytes = 10, partition?: number): ProducerRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.alloc(valueBytes),
  ...(partition === undefined ? {} : { partition }),
});

test('keyed records go to partitionForKey, explicit partitions win, key-less ones round-robin', () => {
  let next = 0;
  const roundRobin = () => next++ % 3;
  const records = [rec('user-1'), rec('user-2'), rec(null), rec('user-1', 10, 2), rec(null)];
  assert.deepEqual(assignPartitions('t', records, 3, roundRobin), [
    partitionForKey(Buffer.from('user-1'), 3),
    partitionForKey(Buffer.from('user-2'), 3),
    0,
    2,
    1,
  ]);
});

test('an explicit partition outside the topic is SHOP_LOG_PARTITION_NOT_FOUND (not wrapped modulo)', () => {
  for (const partition of [3, -1, 1.5]) {
    assert.throws(
      () => assignPartitions('t', [rec(null, 1, partition)], 3, () => 0),
      (e) => isShopError(e, 'SHOP_LOG_PARTITION_NOT_FOUND'),
    );
  }
});

test('small appends are one round; a partition over maxBatchBytes spills into later rounds in order', () => {
  const records = Array.from({ length: 6 }, () => rec(null, 100));
  const assigned = [0, 1, 0, 0, 1, 0];
  assert.deepEqual(planSendRounds('t', records, assigned, 10_000), [[0, 1, 2, 3, 4, 5]]);
  const perRecord = recordBytes(records[0]!);
  const rounds = planSendRounds('t', records, assigned, perRecord * 2);
  assert.deepEqual(rounds, [
    [0, 1, 2, 4],
    [3, 5],
  ]);
  const partition0 = rounds.flat().filter((i) => assigned[i] === 0);
  assert.deepEqual(partition0, [0, 2, 3, 5]);
});

test('record size limit counts key, value, headers and 14 bytes of framing', () => {
  const record: ProducerRecord = { key: Buffer.from('ab'), value: Buffer.alloc(100), headers: { h: 'xyz' } };
  assert.equal(encodedRecordBytes(record), 14 + 2 + 100 + 1 + 3);
  checkRecordSizes('t', [record], 120);
  assert.throws(
    () => checkRecordSizes('t', [rec(null, 1), record], 119),
    (e) => isShopError(e, 'SHOP_LOG_RECORD_TOO_LARGE') && e.details['index'] === 1,
  );
});
