import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteStore, type ServingStore } from '../../store/index.js';
import {
  claimFreePartitions,
  leaveGroup,
  liveMembers,
  releasePartitions,
  renewLease,
} from './membership-table.js';

const TOPIC = 'ecom.events.raw.v1';
const a = { group: 'g', memberId: 'a' };
const b = { group: 'g', memberId: 'b' };

describe('membership table', () => {
  let dir: string;
  let store: ServingStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shopstream-membership-'));
    store = await openPgliteStore({ dataDir: dir });
    await store.migrate();
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a live member keeps its partitions; a released or expired one gives them up, with a new epoch', async () => {
    assert.deepEqual(await renewLease(store, a, 60_000), ['a']);
    const first = await claimFreePartitions(store, a, TOPIC, [0, 1]);
    assert.deepEqual([...first.keys()], [0, 1]);
    assert.equal(first.get(0)!.epoch, 1);

    assert.deepEqual(await renewLease(store, b, 60_000), ['a', 'b']);
    assert.equal(
      (await claimFreePartitions(store, b, TOPIC, [1])).size,
      0,
      'a is live and has not released partition 1',
    );

    await releasePartitions(store, a, TOPIC, new Map([[1, first.get(1)!.epoch]]));
    const taken = await claimFreePartitions(store, b, TOPIC, [1]);
    assert.equal(taken.get(1)!.epoch, 2, 'the claim fences the previous owner');

    await renewLease(store, a, 1);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await liveMembers(store, 'g'), ['b'], 'a lease that is not renewed expires');
    assert.equal(
      (await claimFreePartitions(store, b, TOPIC, [0])).get(0)!.epoch,
      2,
      "a dead member's partition is free",
    );
  });

  it('a release with a stale epoch does not free a partition someone else claimed since', async () => {
    await renewLease(store, a, 60_000);
    await releasePartitions(store, b, TOPIC, new Map([[0, 1]]));
    assert.equal(
      (await claimFreePartitions(store, a, TOPIC, [0])).size,
      0,
      'b still owns 0 (its release named an old epoch)',
    );
    await leaveGroup(store, b);
    assert.deepEqual(await liveMembers(store, 'g'), ['a']);
    assert.equal(
      (await claimFreePartitions(store, a, TOPIC, [0])).get(0)!.epoch,
      3,
      'a member that left frees its partitions',
    );
  });
});
