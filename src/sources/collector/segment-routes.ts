import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShopError } from '../../errors/index.js';
import type { RouteIngest } from './route-ingest.js';
import type { CollectorOptions } from './collector-options.js';
import { planSegment } from './ingest-records.js';
import { decodeBody, isJsonLike, parseJsonDocument } from './request-body.js';
import { isObject, type JsonObject } from './segment-message.js';
import { basicAuthUser } from './write-key-resolver.js';

type Handler = (
  ingest: RouteIngest,
) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

const SINGLE_MESSAGE_TYPES = ['track', 'page', 'identify', 'screen', 'group', 'alias'] as const;

/** Every Segment-compatible path (`/v1/import` is Segment's older name of `/v1/batch`). */
export const SEGMENT_PATHS: readonly string[] = [
  ...SINGLE_MESSAGE_TYPES.map((t) => `/v1/${t}`),
  '/v1/batch',
  '/v1/import',
];

export interface SegmentRouteClock {
  readonly now: () => number;
  readonly newId: () => string;
}

/**
 * The Segment HTTP tracking API (also spoken by RudderStack's SDKs): `/v1/<type>` with one message
 * (its type is the path's), `/v1/batch` with `{ batch: [...], context?, integrations?, sentAt? }`.
 * The write key is the HTTP Basic user name, else `writeKey` in the body. Bodies are JSON or
 * text/plain JSON, optionally gzip-compressed, at most maxBatchBytes decompressed.
 */
export function registerSegmentRoutes(
  app: FastifyInstance,
  options: CollectorOptions,
  clock: SegmentRouteClock,
  handle: Handler,
): void {
  const limits = { maxEventBytes: options.maxEventBytes, maxBatchEvents: options.maxBatchEvents };
  const route = (
    path: string,
    messagesOf: (body: JsonObject) => { messages: unknown[]; batch: JsonObject },
  ) =>
    app.post(
      path,
      { bodyLimit: options.maxBatchBytes },
      handle(async (request) => {
        const body = await segmentBody(request, options.maxBatchBytes);
        const { messages, batch } = messagesOf(body);
        const receivedAtMs = clock.now();
        return {
          writeKey: basicAuthUser(request.headers.authorization) ?? writeKeyIn(body),
          plan: (source: string) =>
            planSegment(messages, batch, { receivedAtMs, source, newId: clock.newId }, limits),
        };
      }),
    );
  for (const type of SINGLE_MESSAGE_TYPES)
    route(`/v1/${type}`, (body) => ({ messages: [{ ...body, type }], batch: {} }));
  for (const path of ['/v1/batch', '/v1/import']) {
    route(path, (body) => {
      const batch = body['batch'];
      if (!Array.isArray(batch))
        throw new ShopError('SHOP_COLLECTOR_BAD_BODY', 'a batch body needs a `batch` array');
      return { messages: batch, batch: body };
    });
  }
}

async function segmentBody(request: FastifyRequest, maxBytes: number): Promise<JsonObject> {
  if (!isJsonLike(request.headers['content-type'])) {
    throw new ShopError(
      'SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE',
      'Segment endpoints read application/json or text/plain JSON',
    );
  }
  const document = parseJsonDocument(
    await decodeBody(request.body, request.headers['content-encoding'], maxBytes),
  );
  if (!isObject(document)) throw new ShopError('SHOP_COLLECTOR_BAD_BODY', 'the body must be a JSON object');
  return document;
}

function writeKeyIn(body: JsonObject): string | undefined {
  const key = body['writeKey'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}
