import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { UuidMinuteTable } from './uuid-minute-table.js';

test('holds only canonical lowercase UUIDs', () => {
  const table = new UuidMinuteTable();
  assert.equal(table.add('0f8fad5b-d9cb-469f-a165-70867728950e', 1), 'added');
  assert.equal(table.add('0f8fad5b-d9cb-469f-a165-70867728950e', 2), 'present');
  for (const id of [
    '0F8FAD5B-D9CB-469F-A165-70867728950E',
    '0f8fad5bd9cb469fa16570867728950e',
    '0f8fad5b-d9cb-469f-a165-70867728950',
    '0f8fad5b-d9cb-469f-a165-70867728950g',
    '0f8fad5b_d9cb-469f-a165-70867728950e',
    '0f8fad5b-d9cb-469f-a165-70867728950\u00e9',
    '',
  ])
    assert.equal(table.add(id, 1), 'not_uuid', id);
  assert.equal(table.size, 1);
});

test('stays exact through growth, tombstones and rehashes, at about 20-60 bytes per id', () => {
  const table = new UuidMinuteTable();
  const ids = Array.from({ length: 200_000 }, () => randomUUID());
  // Time-ordered ids (UUIDv7-like: equal leading words) must spread too.
  const v7 = Array.from(
    { length: 20_000 },
    (_, i) => `01890a5d-ac96-774b-bcce-${i.toString(16).padStart(12, '0')}`,
  );
  ids.forEach((id, i) => assert.equal(table.add(id, i % 100), 'added'));
  v7.forEach((id) => assert.equal(table.add(id, 100), 'added'));
  assert.equal(table.size, 220_000);
  assert.ok(table.bytes / table.size <= 60, `${table.bytes / table.size} bytes per id`);
  for (let round = 0; round < 100; round += 10) {
    const removed = table.removeMinutesBefore(round + 10);
    assert.equal(removed, 20_000, `round ${round}`);
    // Present ids are still found past the tombstones; removed ones can be added again.
    for (let i = 0; i < ids.length; i += 97) {
      const minute = i % 100;
      const justRemoved = minute >= round && minute < round + 10;
      // Removed in this round: added again (tagged 1000, so later rounds keep it); else present.
      assert.equal(table.add(ids[i]!, justRemoved ? 1_000 : minute), justRemoved ? 'added' : 'present');
    }
    table.removeMinutesBefore(round + 10); // the re-added ones are tagged 1000: not removed
  }
  v7.forEach((id) => assert.equal(table.add(id, 100), 'present'));
  const left = table.size;
  assert.equal(table.removeMinutesBefore(2_000), left);
  assert.equal(table.size, 0);
  assert.ok(table.bytes <= 1024 * 20, 'a table emptied by removal shrinks back');
});

test('takeMinutesBefore hands over exactly the ids of the due minutes, with their minutes', () => {
  const table = new UuidMinuteTable();
  const ids = Array.from({ length: 30_000 }, () => randomUUID());
  ids.forEach((id, i) => assert.equal(table.add(id, i % 30), 'added'));
  const taken = table.takeMinutesBefore(10);
  assert.equal(taken.length, 10_000 * 5);
  assert.equal(table.size, 20_000);
  const minutes = new Map<number, number>();
  for (let at = 4; at < taken.length; at += 5) minutes.set(taken[at]!, (minutes.get(taken[at]!) ?? 0) + 1);
  assert.deepEqual(
    [...minutes.keys()].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.ok([...minutes.values()].every((n) => n === 1_000));
  ids.forEach((id, i) => assert.equal(table.add(id, 99), i % 30 < 10 ? 'added' : 'present'));
  assert.equal(table.takeMinutesBefore(0).length, 0);
});
