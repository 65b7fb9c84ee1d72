import type { ModelName, ModelTest } from './mart-model.js';
import { ident, literal, type MartWorkspace } from './mart-workspace.js';

/** The verdict of one test on one computed relation (a day partition, or a warehouse table). */
export interface ModelTestResult {
  readonly model: ModelName;
  /** e.g. `unique(date, category, event_type)`, `relationships(customer_key -> dim_customers.customer_key)`. */
  readonly test: string;
  readonly kind: ModelTest['kind'];
  /** Offending rows (unique: duplicated key values). */
  readonly failing: number;
  /** The partition tested, or `*`. */
  readonly partition: string;
}

export function testName(t: ModelTest): string {
  switch (t.kind) {
    case 'unique':
    case 'not_null':
      return `${t.kind}(${t.columns.join(', ')})`;
    case 'accepted_values':
      return `accepted_values(${t.column})`;
    case 'relationships':
      return `relationships(${t.column} -> ${t.to}.${t.toColumn})`;
  }
}

/** The SQL counting a test's offending rows in `rel`; `target` resolves a relationship's model. */
function failingSql(t: ModelTest, rel: string, target: (m: ModelName) => string | undefined): string | null {
  switch (t.kind) {
    case 'unique': {
      const cols = t.columns.map(ident).join(', ');
      return `SELECT count(*) AS n FROM (SELECT ${cols} FROM ${rel} GROUP BY ${cols} HAVING count(*) > 1)`;
    }
    case 'not_null':
      return `SELECT count(*) AS n FROM ${rel} WHERE ${t.columns.map((c) => `${ident(c)} IS NULL`).join(' OR ')}`;
    case 'accepted_values':
      return `SELECT count(*) AS n FROM ${rel} WHERE ${ident(t.column)} IS NOT NULL
        AND ${ident(t.column)} NOT IN (${t.values.map(literal).join(', ')})`;
    case 'relationships': {
      const to = target(t.to);
      if (to === undefined) return null;
      return `SELECT count(*) AS n FROM ${rel} a WHERE a.${ident(t.column)} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ${to} b WHERE b.${ident(t.toColumn)} = a.${ident(t.column)})`;
    }
  }
}

/**
 * Runs the model's tests on relation `rel` (values in accepted_values come from code, never from
 * data). A relationship whose target model is not computed in this build is not run.
 */
export async function runModelTests(
  ws: MartWorkspace,
  model: { readonly name: ModelName; readonly tests: readonly ModelTest[] },
  rel: string,
  partition: string,
  target: (m: ModelName) => string | undefined,
): Promise<ModelTestResult[]> {
  const out: ModelTestResult[] = [];
  for (const t of model.tests) {
    const sql = failingSql(t, rel, target);
    if (sql === null) continue;
    const [row] = await ws.query(sql);
    out.push({
      model: model.name,
      test: testName(t),
      kind: t.kind,
      failing: Number(row?.['n'] ?? 0),
      partition,
    });
  }
  return out;
}
