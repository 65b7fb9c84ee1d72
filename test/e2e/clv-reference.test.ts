/**
 * shopstream's CLV models against an independent implementation, the Python `lifetimes` package
 * (scripts/clv-reference/: its own venv, pinned versions; a missing package fails the test, never
 * skips it). The CDNOW sample `lifetimes` ships (test/fixtures/cdnow) goes through
 * `shopstream import orders`, `marts build` and `customers clv`; the per-customer summary
 * shopstream stored is fitted again by lifetimes, which also recomputes the summary from the raw
 * transactions. Parameters must agree within 1 % relative, and so must every customer's
 * predictions (expected purchases, P(alive), expected spend, CLV).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openPgliteStore } from '../../src/store/index.js';
import { REPO_ROOT, runCliOk, tempDataDir } from '../helpers/cli.js';

const run = promisify(execFile);
const AS_OF = '1998-06-30';
const T_DAYS = 90;

interface Reference {
  bgnbd: Record<'r' | 'alpha' | 'a' | 'b', number>;
  gammaGamma: Record<'p' | 'q' | 'v', number>;
  customers: Record<
    string,
    Record<'expectedPurchases' | 'probabilityAlive' | 'expectedSpend' | 'clv', number>
  >;
  summary: Record<string, [number, number, number, number]>;
}
interface Ours {
  customer_id: string;
  frequency: number;
  recency_days: number;
  age_days: number;
  avg_repeat_value: number;
  expected_purchases: number;
  probability_alive: number;
  expected_spend: number;
  predicted_clv: number;
}

let data: { dir: string; cleanup: () => Promise<void> };
let ours: Ours[];
let run0: Record<string, number>;
let ref: Reference;

function cdnowToCsv(text: string): { orders: string; transactions: string } {
  const orders = ['order_id,customer_id,order_time,quantity,amount,currency'];
  const tx = ['customer_id,date,amount'];
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .forEach((line, i) => {
      const [, id, ymd, cds, dollars] = line.trim().split(/\s+/);
      const day = `${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}`;
      orders.push(`cd${i},${id},${day}T00:00:00Z,${cds},${dollars},USD`);
      tx.push(`${id},${day},${dollars}`);
    });
  return { orders: orders.join('\n') + '\n', transactions: tx.join('\n') + '\n' };
}

before(async () => {
  data = await tempDataDir('clv-reference');
  const csv = cdnowToCsv(await readFile(join(REPO_ROOT, 'test/fixtures/cdnow/CDNOW_sample.txt'), 'utf8'));
  const ordersFile = join(data.dir, 'cdnow-orders.csv');
  await writeFile(ordersFile, csv.orders);
  await writeFile(join(data.dir, 'transactions.csv'), csv.transactions);
  const opts = { dataDir: data.dir, env: { SHOPSTREAM_CUSTOMERS_PURCHASES_HORIZON_DAYS: String(T_DAYS) } };
  await runCliOk(['import', 'orders', ordersFile, '--json'], opts);
  await runCliOk(['marts', 'build'], opts);
  await runCliOk(['customers', 'clv', '--as-of', AS_OF, '--json'], opts);
  const store = await openPgliteStore({ dataDir: join(data.dir, 'serving') });
  try {
    ours = await store.query<Ours>(`SELECT * FROM mart.customer_clv ORDER BY customer_id`);
    [run0] = (await store.query(`SELECT * FROM mart.clv_runs`)) as [Record<string, number>];
  } finally {
    await store.close();
  }
  const summary = ['customer_id,frequency,recency,T,monetary'];
  for (const c of ours)
    summary.push(`${c.customer_id},${c.frequency},${c.recency_days},${c.age_days},${c.avg_repeat_value}`);
  await writeFile(join(data.dir, 'summary.csv'), summary.join('\n') + '\n');
  const { stdout } = await run('bash', [join(REPO_ROOT, 'scripts/clv-reference/install.sh')], {
    cwd: REPO_ROOT,
  });
  const python = stdout.trim().split('\n').at(-1)!;
  await run(
    python,
    [
      join(REPO_ROOT, 'scripts/clv-reference/fit_reference.py'),
      join(data.dir, 'summary.csv'),
      join(data.dir, 'reference.json'),
      '--transactions',
      join(data.dir, 'transactions.csv'),
      '--as-of',
      AS_OF,
      '--t-days',
      String(T_DAYS),
    ],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  ref = JSON.parse(await readFile(join(data.dir, 'reference.json'), 'utf8')) as Reference;
});

after(() => data?.cleanup());

const within = (ours: number, theirs: number, rel: number, what: string) =>
  assert.ok(
    Math.abs(ours - theirs) <= rel * Math.abs(theirs) + 1e-9,
    `${what}: shopstream ${ours} vs lifetimes ${theirs}`,
  );

describe('CLV against lifetimes on the CDNOW sample', () => {
  it('the summary (x, t_x, T, m) of all 2357 customers equals lifetimes` own', () => {
    assert.equal(ours.length, 2357);
    assert.equal(Object.keys(ref.summary).length, 2357);
    for (const c of ours) {
      const [x, tx, T, m] = ref.summary[c.customer_id]!;
      assert.deepEqual([c.frequency, c.recency_days, c.age_days], [x, tx, T], c.customer_id);
      within(c.avg_repeat_value, m, 1e-9, `${c.customer_id} monetary`);
    }
  });

  it('BG/NBD and Gamma-Gamma parameters agree within 1 % relative', () => {
    const pairs: [string, number, number][] = [
      ['r', run0['bgnbd_r']!, ref.bgnbd.r],
      ['alpha', run0['bgnbd_alpha']!, ref.bgnbd.alpha],
      ['a', run0['bgnbd_a']!, ref.bgnbd.a],
      ['b', run0['bgnbd_b']!, ref.bgnbd.b],
      ['p', run0['gg_p']!, ref.gammaGamma.p],
      ['q', run0['gg_q']!, ref.gammaGamma.q],
      ['v', run0['gg_v']!, ref.gammaGamma.v],
    ];
    console.log(`# ${pairs.map(([k, a, b]) => `${k} ${a.toPrecision(6)}/${b.toPrecision(6)}`).join(', ')}`);
    for (const [k, a, b] of pairs) within(a, b, 0.01, k);
    assert.equal(Boolean(run0['bgnbd_converged']), true);
  });

  it('every customer`s predictions agree within 1 %', () => {
    let worst = 0;
    for (const c of ours) {
      const r = ref.customers[c.customer_id]!;
      const pairs: [string, number, number][] = [
        ['expected purchases', c.expected_purchases, r.expectedPurchases],
        ['P(alive)', c.probability_alive, r.probabilityAlive],
        ['expected spend', c.expected_spend, r.expectedSpend],
        ['CLV', c.predicted_clv, r.clv],
      ];
      for (const [k, a, b] of pairs) {
        within(a, b, 0.01, `${c.customer_id} ${k}`);
        if (Math.abs(b) > 1e-9) worst = Math.max(worst, Math.abs(a - b) / Math.abs(b));
      }
    }
    console.log(
      `# largest relative difference over 2357 customers x 4 predictions: ${worst.toExponential(2)}`,
    );
  });
});
