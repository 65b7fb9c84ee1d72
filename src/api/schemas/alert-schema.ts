import { Type } from '@sinclair/typebox';
import { IsoTime } from './common-schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) =>
  Type.Union([t, Type.Null()]);

/** A `serving.alerts` row; id is `<rule>:<metric>:<window_start>`. */
export const AlertSchema = Type.Object({
  id: Type.String(),
  rule: Type.String(),
  metric: Type.String(),
  window_start: IsoTime,
  severity: Type.String({ description: 'warning | critical' }),
  status: Type.String({ description: 'open | acknowledged | resolved' }),
  value: Nullable(Type.Number()),
  baseline: Nullable(Type.Number()),
  z_score: Nullable(Type.Number()),
  message: Type.String(),
  created_at: IsoTime,
  updated_at: Nullable(IsoTime),
  acknowledged_at: Nullable(IsoTime),
  acknowledged_by: Nullable(Type.String()),
  resolved_at: Nullable(IsoTime),
  details: Type.Unknown(),
});
