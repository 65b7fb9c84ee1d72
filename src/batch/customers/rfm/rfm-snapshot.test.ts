import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayNumber, ordersByCustomer } from '../customer-orders.js';
import { TWENTY, TWENTY_AS_OF, twentyCustomerOrders } from '../testing/rfm-twenty-customers.js';
import { quintileScores } from './quintile-scores.js';
import { rfmSnapshot } from './rfm-snapshot.js';
import { DEFAULT_SEGMENT_RULES, parseSegmentRules } from './segment-rules.js';

describe('RFM', () => {
  it('scores and segments the 20 hand-built customers as computed by hand', () => {
    const rows = rfmSnapshot(
      ordersByCustomer(twentyCustomerOrders()),
      dayNumber(TWENTY_AS_OF),
      parseSegmentRules(DEFAULT_SEGMENT_RULES),
    );
    assert.deepEqual(
      rows.map((r) => [
        r.customerId,
        r.recencyDays,
        r.frequency,
        r.monetary,
        `${r.r}${r.f}${r.m}${r.fm} ${r.segment}`,
      ]),
      TWENTY.map((c) => [...c]),
    );
    assert.equal(new Set(rows.map((r) => r.segment)).size, 11, 'every segment occurs');
  });

  it('quintile edges: N/5 customers a score without ties, equal values one score', () => {
    assert.deepEqual(
      [...quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true)],
      [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    );
    assert.deepEqual(
      [...quintileScores([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], false)],
      [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    );
    // 7 customers: edges at 7/5 = 1.4, 2.8, 4.2, 5.6 -> ranks 0-1 | 2 | 3-4 | 5 | 6
    assert.deepEqual([...quintileScores([1, 2, 3, 4, 5, 6, 7], true)], [1, 1, 2, 3, 3, 4, 5]);
    // a tie across an edge takes the score of its first member; the group above starts where it starts
    assert.deepEqual(
      [...quintileScores([1, 2, 2, 2, 3, 4, 5, 6, 7, 8], true)],
      [1, 1, 1, 1, 3, 3, 4, 4, 5, 5],
    );
    assert.deepEqual([...quintileScores([4, 4, 4, 4, 4], true)], [1, 1, 1, 1, 1]);
    assert.deepEqual([...quintileScores([], true)], []);
  });

  it('segment rules: the default covers all 25 cells; a gap or a bad rule is a configuration error', () => {
    const grid = parseSegmentRules(DEFAULT_SEGMENT_RULES);
    assert.equal(grid.names.length, 11);
    assert.equal(grid.grid[0]![0], 'Lost');
    assert.equal(grid.grid[4]![4], 'Champions');
    assert.throws(() => parseSegmentRules('All=R1-5/FM1-4'), /SHOP_CONFIG_INVALID.*R1\/FM5/);
    assert.throws(() => parseSegmentRules('All=R1-6/FM1-5'), /SHOP_CONFIG_INVALID/);
    assert.throws(() => parseSegmentRules('All=R5-1/FM1-5'), /SHOP_CONFIG_INVALID/);
    assert.deepEqual(parseSegmentRules('Best=R5/FM5;Rest=R1-5/FM1-5').names, ['Best', 'Rest']);
  });
});
