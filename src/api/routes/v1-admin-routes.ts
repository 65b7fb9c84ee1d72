import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { audited, readAudit } from '../../audit/index.js';
import { API_ROLES } from '../access/api-keys.js';
import { auditCaller } from '../access/audit-caller.js';
import {
  createManagedKey,
  listManagedKeys,
  revokeManagedKey,
  rotateManagedKey,
} from '../access/managed-api-keys.js';
import type { RouteContext } from '../route-context.js';
import { IsoTime, RangeQuery, withErrors } from '../schemas/common-schemas.js';
import { parseRange } from '../time-range.js';

const Role = Type.Union(API_ROLES.map((r) => Type.Literal(r)));
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
const KeyRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: IsoTime,
  createdBy: Type.String(),
  expiresAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
  rotatedFrom: Nullable(Type.String()),
});
const Created = Type.Object({
  key: Type.String({ description: 'The plain key: shown once, stored only as a sha256 digest' }),
  record: KeyRecord,
});
const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Role,
    expiresInDays: Type.Optional(Type.Number({ minimum: 0.001, maximum: 3650 })),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const AuditQuery = Type.Object({
  ...RangeQuery,
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
});
const AuditRowSchema = Type.Object({
  id: Type.Number(),
  at: IsoTime,
  actor: Type.String(),
  role: Type.String(),
  action: Type.String(),
  target: Nullable(Type.String()),
  source: Type.String(),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
const DAY_MS = 86_400_000;
const ERRORS = [400, 401, 403, 404, 413, 429, 500];

/**
 * `/api/v1/admin/*` (admin keys only): API keys with roles, expiry, rotation and revocation, and
 * the audit log, which has read routes only. Every change is audited.
 */
export function registerV1AdminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const admin = { config: { access: 'admin' as const } };
  const tags = ['admin'];
  app.get(
    '/api/v1/admin/keys',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Managed API keys (never the keys)',
        response: withErrors(Type.Object({ keys: Type.Array(KeyRecord) }), ERRORS),
      },
    },
    async () => ({ keys: await listManagedKeys(ctx.store) }),
  );
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/admin/keys',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Create an API key; the key is in the answer only',
        body: CreateBody,
        response: withErrors(Created, ERRORS),
      },
    },
    async (req) => {
      const nowMs = ctx.now();
      const { name, role, expiresInDays } = req.body;
      const expiresAtMs = expiresInDays === undefined ? undefined : nowMs + expiresInDays * DAY_MS;
      const created = await audited(
        ctx.store,
        { ...auditCaller(req), action: 'key.create', target: name, details: { role } },
        () => createManagedKey(ctx.store, { name, role, expiresAtMs, createdBy: req.callerActor }, nowMs),
      );
      ctx.managedKeys.invalidate();
      return created;
    },
  );
  app.post<{ Params: Static<typeof KeyParams> }>(
    '/api/v1/admin/keys/:id/revoke',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Revoke a key at once (idempotent)',
        params: KeyParams,
        response: withErrors(Type.Object({ key: KeyRecord }), ERRORS),
      },
    },
    async (req) => {
      const key = await audited(
        ctx.store,
        { ...auditCaller(req), action: 'key.revoke', target: req.params.id },
        () => revokeManagedKey(ctx.store, req.params.id, ctx.now()),
      );
      ctx.managedKeys.invalidate();
      return { key };
    },
  );
  app.post<{ Params: Static<typeof KeyParams> }>(
    '/api/v1/admin/keys/:id/rotate',
    {
      ...admin,
      schema: {
        tags,
        summary: 'A successor key; the old one expires after api.keyRotationGraceMs',
        params: KeyParams,
        response: withErrors(Created, ERRORS),
      },
    },
    async (req) => {
      const o = { graceMs: ctx.api.keyRotationGraceMs, by: req.callerActor, nowMs: ctx.now() };
      const created = await audited(
        ctx.store,
        { ...auditCaller(req), action: 'key.rotate', target: req.params.id },
        () => rotateManagedKey(ctx.store, req.params.id, o),
      );
      ctx.managedKeys.invalidate();
      return created;
    },
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/admin/audit',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The audit log, newest first (read-only: no route changes it)',
        querystring: AuditQuery,
        response: withErrors(Type.Object({ entries: Type.Array(AuditRowSchema) }), ERRORS),
      },
    },
    async (req) => {
      const q = req.query;
      const range = q.from === undefined && q.to === undefined ? {} : parseRange(q, 30 * DAY_MS, ctx.now());
      return {
        entries: await readAudit(ctx.store, { ...range, action: q.action, actor: q.actor, limit: q.limit }),
      };
    },
  );
}
