import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { IsoTime, RangeQuery, withErrors } from '../schemas/common-schemas.js';
import { iso, parseRange } from '../time-range.js';
import { recentOrders, topProducts } from '../queries/commerce-queries.js';
import type { RouteContext } from '../route-context.js';

const DEFAULT_SPAN_MS = 60 * 60_000;
const TopQuery = Type.Object({
  ...RangeQuery,
  by: Type.Union([Type.Literal('revenue'), Type.Literal('units')], { default: 'revenue' }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  category: Type.Optional(Type.String({ maxLength: 128 })),
});
const TopProduct = Type.Object({
  productId: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  revenue: Type.Number(),
  units: Type.Number(),
  clicks: Type.Number(),
  carts: Type.Number(),
});
const OrdersQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 25 }) });
const Order = Type.Object({
  orderId: Type.String(),
  ts: IsoTime,
  userId: Type.String(),
  productId: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Number(),
  amount: Type.Number({ description: 'price × quantity of the purchase line' }),
  currency: Type.Union([Type.String(), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()]),
  storeId: Type.Union([Type.String(), Type.Null()]),
});

export function registerV1CommerceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: Static<typeof TopQuery> }>(
    '/api/v1/products/top',
    {
      schema: {
        tags: ['v1'],
        summary: 'Top products by revenue or units over a range',
        querystring: TopQuery,
        response: withErrors(
          Type.Object({ from: IsoTime, to: IsoTime, by: Type.String(), products: Type.Array(TopProduct) }),
        ),
      },
    },
    async (req) => {
      const { fromMs, toMs } = parseRange(req.query, DEFAULT_SPAN_MS, ctx.now());
      const products = await topProducts(ctx.store, { ...req.query, fromMs, toMs });
      return { from: iso(fromMs), to: iso(toMs), by: req.query.by, products };
    },
  );

  app.get<{ Querystring: Static<typeof OrdersQuery> }>(
    '/api/v1/orders/recent',
    {
      schema: {
        tags: ['v1'],
        summary:
          'Live order feed: the newest purchase lines by event time (userId masked per processor.piiMasking)',
        querystring: OrdersQuery,
        response: withErrors(Type.Object({ orders: Type.Array(Order) })),
      },
    },
    async (req) => ({
      orders: (await recentOrders(ctx.store, req.query.limit)).map((o) => ({
        ...o,
        userId: ctx.maskUserId(o.userId),
      })),
    }),
  );
}
