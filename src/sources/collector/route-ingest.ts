import type { FastifyRequest } from 'fastify';
import type { IngestPlan } from './ingest-records.js';

/** What a route handler computes from a request: the sender's key, and the plan once it knows the sender. */
export type RouteIngest = (
  request: FastifyRequest,
) => Promise<{ writeKey: string | undefined; plan: (source: string) => IngestPlan }>;
