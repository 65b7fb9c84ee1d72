/** Conformance cases of the lake positions (flushes by size and age, fenced like Gold commits). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShopError } from '../../src/errors/index.js';
import {
  claimPartitions,
  commitGoldBatch,
  commitLakePositions,
  readPositions,
  type ServingStore,
} from '../../src/store/index.js';
import { TOPIC, goldBatch } from './serving-store-fixtures.js';

const STREAM_TIME = Date.parse('2026-01-24T13:05:00.000Z');

async function lakeOf(store: ServingStore, partition: number) {
  const row = (await readPositions(store, TOPIC)).find((p) => p.partition === partition);
  return { lake: row?.lakeNextOffset, gold: row?.nextOffset, time: row?.lakeStreamTime?.getTime() ?? null };
}

export function lakePositionConformance(store: () => ServingStore): void {
  test('lake positions start at 0, stay behind Gold until a flush records them', async () => {
    const claims = await claimPartitions(store(), { topic: TOPIC, partitions: [0, 1], owner: 'p' });
    const epoch = claims.get(0)!.epoch;
    await commitGoldBatch(
      store(),
      goldBatch({ epochs: { 0: epoch }, fromOffsets: { 0: 0 }, toOffsets: { 0: 40 }, counters: [] }),
    );
    assert.deepEqual(await lakeOf(store(), 0), { lake: 0, gold: 40, time: null });
    await commitLakePositions(store(), TOPIC, [
      { partition: 0, epoch, fromOffset: 0, nextOffset: 25, streamTimeMs: STREAM_TIME },
    ]);
    assert.deepEqual(await lakeOf(store(), 0), { lake: 25, gold: 40, time: STREAM_TIME });
  });

  test('a replayed flush (same fromOffset) and a zombie flush (stale epoch) are fenced and change nothing', async () => {
    const claims = await claimPartitions(store(), { topic: TOPIC, partitions: [0, 1], owner: 'p' });
    const [e0, e1] = [claims.get(0)!.epoch, claims.get(1)!.epoch];
    const flush = { partition: 0, epoch: e0, fromOffset: 0, nextOffset: 10, streamTimeMs: STREAM_TIME };
    await commitLakePositions(store(), TOPIC, [flush]);
    await assert.rejects(
      commitLakePositions(store(), TOPIC, [flush]),
      (err) => isShopError(err, 'SHOP_STORE_FENCED') && err.details['reason'] === 'offset_mismatch',
    );
    await claimPartitions(store(), { topic: TOPIC, partitions: [1], owner: 'other' });
    await assert.rejects(
      commitLakePositions(store(), TOPIC, [
        { partition: 0, epoch: e0, fromOffset: 10, nextOffset: 20, streamTimeMs: null },
        { partition: 1, epoch: e1, fromOffset: 0, nextOffset: 5, streamTimeMs: null },
      ]),
      (err) => isShopError(err, 'SHOP_STORE_FENCED') && err.details['reason'] === 'stale_epoch',
    );
    assert.equal((await lakeOf(store(), 0)).lake, 10, 'all or nothing: partition 0 did not move either');
    assert.equal((await lakeOf(store(), 1)).lake, 0);
  });
}
