import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { validateText } from '../../contract/index.js';
import { isShopError } from '../../errors/index.js';
import { createSimulator, DEFAULT_SIMULATOR_OPTIONS, type SimulatorOptions } from './index.js';

const START_MS = Date.UTC(2026, 0, 5, 12);

function options(overrides: Partial<SimulatorOptions>): SimulatorOptions {
  return { ...DEFAULT_SIMULATOR_OPTIONS, startTimeMs: START_MS, count: 20_000, ...overrides };
}

function collect(o: SimulatorOptions): string[] {
  const sim = createSimulator(o);
  const lines: string[] = [];
  while (!sim.done()) for (const r of sim.nextBatch(3_000)) lines.push(r.line);
  return lines;
}

const digest = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');
const FAULTS = { invalidPct: 3, duplicatePct: 2, latePct: 2, outOfOrderPct: 2 };

test('the same seed gives byte-identical output, another seed different output', () => {
  const a = collect(options({ seed: 7, ...FAULTS }));
  const b = collect(options({ seed: 7, ...FAULTS }));
  const c = collect(options({ seed: 8, ...FAULTS }));
  assert.equal(a.length, 20_000);
  assert.equal(digest(a), digest(b));
  assert.notEqual(digest(a), digest(c));
});

test('batch size does not change the stream', () => {
  const sim = createSimulator(options({ seed: 3, ...FAULTS }));
  const lines: string[] = [];
  for (let size = 1; !sim.done(); size = (size * 7) % 997)
    for (const r of sim.nextBatch(size)) lines.push(r.line);
  assert.equal(digest(lines), digest(collect(options({ seed: 3, ...FAULTS }))));
});

test('every clean event is valid; exactly the injected invalid records are invalid, each with one reason', () => {
  const sim = createSimulator(options({ seed: 11, ...FAULTS, count: 30_000 }));
  const reasons = new Map<string, number>();
  let invalid = 0;
  while (!sim.done()) {
    for (const r of sim.nextBatch(5_000)) {
      const v = validateText(r.line);
      if (v.valid) {
        assert.equal(r.key, v.event.user_id);
        continue;
      }
      invalid++;
      assert.equal(v.reasons.length, 1, `${r.line} -> ${v.reasons.join(',')}`);
      reasons.set(v.reasons[0] as string, (reasons.get(v.reasons[0] as string) ?? 0) + 1);
    }
  }
  assert.equal(invalid, sim.stats().invalid);
  for (const code of [
    'missing_event_id',
    'invalid_event_type',
    'missing_user_id',
    'missing_session_id',
    'bad_ingest_time',
    'bad_event_time',
    'product_id_required_for_click_or_cart',
    'add_to_cart_requires_qty_price_currency',
    'purchase_requires_order_qty_price_currency',
    'not_json',
  ]) {
    assert.ok((reasons.get(code) ?? 0) > 20, `rule ${code} broken ${reasons.get(code) ?? 0} times`);
  }
});

test('fault rates land within tolerance of the knobs', () => {
  const sim = createSimulator(
    options({ seed: 5, invalidPct: 4, duplicatePct: 3, latePct: 2, outOfOrderPct: 5, count: 50_000 }),
  );
  while (!sim.done()) sim.nextBatch(10_000);
  const s = sim.stats();
  assert.equal(s.generated, 50_000);
  const pct = (n: number) => (100 * n) / s.generated;
  assert.ok(Math.abs(pct(s.invalid) - 4) < 0.5, `invalid ${pct(s.invalid)}%`);
  assert.ok(Math.abs(pct(s.duplicates) - 3) < 0.5, `duplicates ${pct(s.duplicates)}%`);
  assert.ok(Math.abs(pct(s.late) - 2) < 0.4, `late ${pct(s.late)}%`);
  assert.ok(Math.abs(pct(s.outOfOrder) - 5) < 0.6, `out of order ${pct(s.outOfOrder)}%`);
});

test('duplicates re-send earlier records with the same event_id, some of them much later', () => {
  const lines = collect(options({ seed: 9, duplicatePct: 4, count: 30_000 }));
  const firstSeen = new Map<string, number>();
  let repeats = 0;
  let farRepeats = 0;
  lines.forEach((line, i) => {
    const id = (JSON.parse(line) as { event_id: string }).event_id;
    const first = firstSeen.get(id);
    if (first === undefined) firstSeen.set(id, i);
    else {
      repeats++;
      assert.equal(line, lines[first], 'a duplicate is the earlier record verbatim');
      if (i - first > 5_000) farRepeats++;
    }
  });
  const sim = createSimulator(options({ seed: 9, duplicatePct: 4, count: 30_000 }));
  while (!sim.done()) sim.nextBatch(10_000);
  assert.equal(repeats, sim.stats().duplicates);
  assert.ok(farRepeats > 10, `far repeats ${farRepeats}`);
});

test('late events carry an event_time 10%..100% of lateMaxMs before their ingest_time; others at most 500 ms', () => {
  const lateMaxMs = 120_000;
  const sim = createSimulator(options({ seed: 4, latePct: 5, lateMaxMs }));
  let late = 0;
  while (!sim.done()) {
    for (const r of sim.nextBatch(5_000)) {
      const e = JSON.parse(r.line) as { event_time: string; ingest_time: string };
      const lagMs = Date.parse(e.ingest_time) - Date.parse(e.event_time);
      if (lagMs > 500) {
        late++;
        assert.ok(lagMs >= lateMaxMs * 0.1 && lagMs <= lateMaxMs + 500, `lag ${lagMs}`);
      } else assert.ok(lagMs >= 5, `lag ${lagMs}`);
    }
  }
  assert.equal(late, sim.stats().late);
  assert.ok(late > 500);
});

test('without faults events come in event-time order; out-of-order delivery breaks it locally', () => {
  const times = (lines: string[]) =>
    lines.map((l) => Date.parse((JSON.parse(l) as { event_time: string }).event_time));
  const inversions = (t: number[]) => t.filter((v, i) => i > 0 && v < (t[i - 1] as number)).length;
  assert.equal(inversions(times(collect(options({ seed: 2 })))), 0);
  const shuffled = times(collect(options({ seed: 2, outOfOrderPct: 5, outOfOrderWindowEvents: 50 })));
  assert.ok(inversions(shuffled) > 100);
  const sorted = [...shuffled].sort((a, b) => a - b);
  assert.ok(
    shuffled.every((t, i) => Math.abs(t - (sorted[i] as number)) < 60_000),
    'displacement stays local',
  );
});

test('--duration ends at startTime + duration and delivers every held record', () => {
  const sim = createSimulator(
    options({ count: undefined, durationSec: 120, ratePerSec: 50, trafficShape: 'flat', outOfOrderPct: 10 }),
  );
  const lines: string[] = [];
  while (!sim.done()) for (const r of sim.nextBatch(1_000)) lines.push(r.line);
  const maxTime = Math.max(
    ...lines.map((l) => Date.parse((JSON.parse(l) as { event_time: string }).event_time)),
  );
  assert.ok(maxTime < START_MS + 120_000);
  assert.ok(Math.abs(lines.length - 6_000) < 600, `${lines.length} events in 120 s at 50/s`);
  assert.equal(sim.stats().generated, lines.length);
});

test('realtime mode hands out only what the clock has reached', () => {
  let nowMs = START_MS;
  const sim = createSimulator(
    options({
      count: undefined,
      mode: 'realtime',
      ratePerSec: 100,
      trafficShape: 'flat',
      nowMs: () => nowMs,
    }),
  );
  let total = 0;
  for (let second = 1; second <= 30; second++) {
    nowMs += 1000;
    for (const r of sim.nextBatch(100_000)) {
      total++;
      assert.ok(Date.parse((JSON.parse(r.line) as { event_time: string }).event_time) <= nowMs);
    }
  }
  assert.equal(sim.nextBatch(100_000).length, 0, 'nothing more is due until the clock moves');
  assert.ok(Math.abs(total - 3_000) < 300, `${total} events in 30 s at 100/s`);
  assert.equal(sim.done(), false);
});

test('out-of-range options are rejected with SHOP_SIM_BAD_OPTION', () => {
  for (const bad of [
    { invalidPct: 101 },
    { ratePerSec: 0 },
    { duplicatePct: Number.NaN },
    { products: 0 },
    { count: -1 },
    { scenarioDurationSec: -5 },
  ]) {
    assert.throws(
      () => createSimulator(options(bad)),
      (err: unknown) => isShopError(err, 'SHOP_SIM_BAD_OPTION'),
      JSON.stringify(bad),
    );
  }
});
