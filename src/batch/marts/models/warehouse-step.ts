import type { Relations } from '../mart-model.js';

/** An intermediate relation of the warehouse build (a temp table, never published). */
export interface WarehouseStep {
  readonly name: string;
  sql(r: Relations): string;
}
