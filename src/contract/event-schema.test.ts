import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { CONTRACT_SCHEMA_PATH, EventSchema, renderContractSchema } from './event-schema.js';
import { REASON_CODES } from './reason-codes.js';

test(`${CONTRACT_SCHEMA_PATH} is in sync with event-schema.ts (run npm run docs:contract)`, () => {
  assert.equal(readFileSync(CONTRACT_SCHEMA_PATH, 'utf8'), renderContractSchema());
});

test('docs/contract.md documents every reason code', () => {
  const doc = readFileSync('docs/contract.md', 'utf8');
  assert.deepEqual(
    REASON_CODES.filter((code) => !doc.includes(`\`${code}\``)),
    [],
  );
});

const examples = readFileSync('test/fixtures/contract/reference-contract-examples.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as { case: string; expected: string; event: Record<string, unknown> });

test('the schema accepts every valid reference example, with and without optional fields', () => {
  for (const c of examples.filter((x) => x.expected === 'silver')) {
    assert.ok(Value.Check(EventSchema, c.event), c.case);
    assert.ok(
      Value.Check(EventSchema, { ...c.event, channel: 'store', store_id: 's1', drift_field: 1 }),
      c.case,
    );
  }
});

test('the schema rejects structural violations the validator rejects', () => {
  const base = examples[0]!.event;
  const broken: Record<string, unknown>[] = [
    { ...base, event_type: 'nope' },
    { ...base, event_time: '2026-01-24T13:05:12.123' },
    { ...base, event_version: 2 },
    { ...base, channel: 'tv' },
    { ...base, currency: 'eur' },
    { ...base, user_id: 7 },
    { ...base, quantity: 1.5 },
  ];
  for (const event of broken) assert.equal(Value.Check(EventSchema, event), false, JSON.stringify(event));
});
