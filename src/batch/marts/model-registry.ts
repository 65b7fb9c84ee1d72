import { ShopError } from '../../errors/index.js';
import {
  MODEL_NAMES,
  type DayModel,
  type MartModel,
  type ModelName,
  type WarehouseModel,
} from './mart-model.js';
import { dailyAggregations } from './models/daily-aggregations.js';
import { dimChannel, dimDate, dimStore } from './models/dim-calendar-store-channel.js';
import { customerObservationsStep, dimCustomers } from './models/dim-customers.js';
import { dimProducts } from './models/dim-products.js';
import { factOrderLines, orderLinesStep } from './models/fact-order-lines.js';
import { factOrders, orderBaseStep } from './models/fact-orders.js';
import { productAnalytics } from './models/product-analytics.js';
import { sessions } from './models/sessions.js';
import { stagingPurchaseLines, stagingRefundLines } from './models/staging-lines.js';
import type { WarehouseStep } from './models/warehouse-step.js';

/** Every day model, in build order. */
export const DAY_MODELS: readonly DayModel[] = [
  dailyAggregations,
  productAnalytics,
  sessions,
  stagingPurchaseLines,
  stagingRefundLines,
];

/**
 * The warehouse build, in dependency order: intermediate steps (never published) and models.
 * Each entry's SQL reads only the inputs and entries before it.
 */
export const WAREHOUSE_ORDER: ReadonlyArray<WarehouseStep | WarehouseModel> = [
  orderLinesStep,
  orderBaseStep,
  customerObservationsStep,
  dimCustomers,
  factOrderLines,
  factOrders,
  dimProducts,
  dimStore,
  dimChannel,
  dimDate,
];

export const WAREHOUSE_MODELS: readonly WarehouseModel[] = WAREHOUSE_ORDER.filter(
  (s): s is WarehouseModel => 'kind' in s,
);

export const ALL_MODELS: readonly MartModel[] = [...DAY_MODELS, ...WAREHOUSE_MODELS];

const BY_NAME = new Map<string, MartModel>(ALL_MODELS.map((m) => [m.name, m]));

export function modelByName(name: string): MartModel {
  const model = BY_NAME.get(name);
  if (model === undefined)
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `unknown model '${name}' (known: ${MODEL_NAMES.join(', ')})`,
    );
  return model;
}

/** The models asked for plus everything upstream of them (dbt's `+model`); all when none is asked. */
export function withUpstream(names: readonly string[]): Set<ModelName> {
  if (names.length === 0) return new Set(MODEL_NAMES);
  const out = new Set<ModelName>();
  const visit = (name: string): void => {
    const model = modelByName(name);
    if (out.has(model.name)) return;
    out.add(model.name);
    for (const up of model.upstream) visit(up);
  };
  for (const name of names) visit(name);
  return out;
}
