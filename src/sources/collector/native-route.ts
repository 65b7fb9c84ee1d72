import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShopError } from '../../errors/index.js';
import type { RouteIngest } from './route-ingest.js';
import type { CollectorOptions } from './collector-options.js';
import { planNativeJson, planNdjson } from './ingest-records.js';
import { decodeBody, isJsonLike, isNdjson, parseJsonDocument, parseNdjson } from './request-body.js';
import { basicAuthUser } from './write-key-resolver.js';

type Handler = (
  ingest: RouteIngest,
) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * `POST /v1/events`: contract-v1 events as one JSON object, a JSON array, or NDJSON
 * (`application/x-ndjson`). Events are appended exactly as sent (NDJSON lines byte for byte); the
 * processor validates them. A request is all or nothing: one unparseable line refuses it whole.
 */
export function registerNativeRoute(app: FastifyInstance, options: CollectorOptions, handle: Handler): void {
  app.post(
    '/v1/events',
    { bodyLimit: options.maxNativeBodyBytes },
    handle(async (request) => {
      const body = await decodeBody(
        request.body,
        request.headers['content-encoding'],
        options.maxNativeBodyBytes,
      );
      const contentType = request.headers['content-type'];
      const limits = { maxEventBytes: options.maxEventBytes, maxBatchEvents: options.maxBatchEvents };
      let plan;
      if (isNdjson(contentType)) plan = planNdjson(parseNdjson(body, options.maxBatchEvents), limits);
      else if (isJsonLike(contentType)) plan = planNativeJson(parseJsonDocument(body), limits);
      else
        throw new ShopError(
          'SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE',
          'POST /v1/events reads application/json, text/plain (JSON) or application/x-ndjson',
        );
      return { writeKey: basicAuthUser(request.headers.authorization), plan: () => plan };
    }),
  );
}
