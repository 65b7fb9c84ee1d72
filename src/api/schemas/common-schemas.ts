import { Type, type TSchema } from '@sinclair/typebox';

/** Shared TypeBox schemas of the API. Every timestamp is a UTC ISO-8601 string ending in `Z`. */
export const IsoTime = Type.String({ description: 'UTC ISO-8601 timestamp, e.g. 2026-01-24T13:05:00.000Z' });

/** `from`/`to` accept ISO-8601 or epoch milliseconds. */
const TimeParam = Type.String({ description: 'ISO-8601 time or epoch milliseconds', maxLength: 40 });

export const Point = Type.Object({ ts: IsoTime, value: Type.Number() });

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Registry code, e.g. SHOP_API_BAD_REQUEST' }),
    message: Type.String(),
    canRetry: Type.Boolean(),
    requestId: Type.String(),
  },
  { $id: 'ApiError' },
);

export const Grain = Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
  default: 'minute',
});

export const DimensionFilters = {
  channel: Type.Optional(
    Type.String({ maxLength: 64, description: 'Only events of this channel (web, app, store).' }),
  ),
  category: Type.Optional(
    Type.String({ maxLength: 128, description: 'Only events of this product category.' }),
  ),
  store: Type.Optional(Type.String({ maxLength: 128, description: 'Only events of this store id.' })),
};

export const RangeQuery = {
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
};

/** Time travel of a lake-backed route: the Delta version of the table it reads, or an instant. */
export const LakeAsOfQuery = {
  asOfVersion: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Read the lake table as of this Delta version (see `shopstream lake history`).',
    }),
  ),
  asOfTime: Type.Optional(
    Type.String({
      maxLength: 40,
      description:
        'Read the lake table as it was at this instant (ISO-8601 or epoch ms). Not with asOfVersion.',
    }),
  ),
};

export const LakeVersionRead = Type.Union([Type.Integer(), Type.Null()], {
  description: 'The Delta version of the lake table read; null when the table had no commit yet',
});

/** Error responses every route may give; merged into each route's `response`. */
export function withErrors(ok: TSchema, codes: number[] = [400, 401, 429, 500]): Record<number, TSchema> {
  const out: Record<number, TSchema> = { 200: ok };
  for (const code of codes) out[code] = Type.Ref('ApiError');
  return out;
}
