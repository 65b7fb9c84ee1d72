/**
 * What `shopstream import customers|products|orders` accepts (docs/import.md): the target fields
 * of each entity, their types and rules, and the natural key that makes a re-import idempotent.
 * An order row is one order line; line_key = coalesce(line_id, product_id, '') keys it in its order.
 */
export const ENTITIES = ['customers', 'products', 'orders'] as const;
export type EntityName = (typeof ENTITIES)[number];

export type FieldType = 'text' | 'timestamp' | 'integer' | 'money';

export interface ImportField {
  readonly name: string;
  readonly type: FieldType;
  /** missing_<name> when absent or empty. */
  readonly required?: boolean;
  /** Used when the value is absent or empty (before the rules apply). */
  readonly default?: string;
  /** integer and money: the smallest valid value (else bad_<name>). */
  readonly min?: number;
}

export interface EntitySpec {
  readonly name: EntityName;
  /** The serving-DB table of the valid rows. */
  readonly table: 'import_customers' | 'import_products' | 'import_order_lines';
  readonly fields: readonly ImportField[];
  /** Columns of the natural key (after derivation). */
  readonly key: readonly string[];
}

const text = (name: string, required = false): ImportField => ({ name, type: 'text', required });

export const ENTITY_SPECS: Readonly<Record<EntityName, EntitySpec>> = {
  customers: {
    name: 'customers',
    table: 'import_customers',
    key: ['customer_id'],
    fields: [text('customer_id', true), text('country'), { name: 'created_at', type: 'timestamp' }],
  },
  products: {
    name: 'products',
    table: 'import_products',
    key: ['product_id'],
    fields: [
      text('product_id', true),
      text('name'),
      text('category'),
      { name: 'price', type: 'money', min: 0 },
      text('currency'),
      { name: 'created_at', type: 'timestamp' },
    ],
  },
  orders: {
    name: 'orders',
    table: 'import_order_lines',
    key: ['order_id', 'line_key'],
    fields: [
      text('order_id', true),
      text('customer_id', true),
      { name: 'order_time', type: 'timestamp', required: true },
      text('product_id'),
      text('line_id'),
      { name: 'quantity', type: 'integer', default: '1', min: 1 },
      { name: 'price', type: 'money', min: 0 },
      { name: 'amount', type: 'money', min: 0 },
      text('currency'),
      text('channel'),
      text('store_id'),
      { name: 'refund_amount', type: 'money', default: '0', min: 0 },
    ],
  },
};

export const isEntity = (value: string): value is EntityName =>
  (ENTITIES as readonly string[]).includes(value);
