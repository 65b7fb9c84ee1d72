import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveFile } from '../../lake/index.js';
import { LakeResultCache } from './lake-result-cache.js';

const file = (path: string, bytes = 10): LiveFile => ({
  path,
  tablePath: path,
  rows: 1,
  partition: 0,
  fromOffset: 0,
  toOffset: 1,
  hour: 1,
  bytes,
});

describe('lake result cache', () => {
  it('answers the same query over the same files once, and recomputes when the files change', async () => {
    const cache = new LakeResultCache<number>(2);
    let computed = 0;
    const compute = async () => ++computed;
    assert.equal(await cache.get('q', [1, 2], [file('a')], compute), 1);
    assert.equal(await cache.get('q', [1, 2], [file('a')], compute), 1);
    assert.equal(await cache.get('q', [1, 3], [file('a')], compute), 2, 'other parameters');
    assert.equal(await cache.get('q', [1, 2], [file('a'), file('b')], compute), 3, 'a new file');
    assert.equal(cache.size, 2, 'bounded');
  });
});
