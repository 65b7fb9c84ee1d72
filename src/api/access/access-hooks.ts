import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShopError } from '../../errors/index.js';
import { sendApiError } from '../api-error-handler.js';
import { hasRole, presentedKey, sha256Hex, type ApiKeyStore, type ApiRole, type Caller } from './api-keys.js';
import type { ManagedApiKeys } from './managed-api-keys.js';
import type { TokenBucketLimiter } from './token-bucket-limiter.js';

/**
 * What a route requires: `public` (health, docs, dashboard files), `read` (any key, or none when
 * reads are open), or a role: `analyst` (marts, customers), `operator` (jobs, alert
 * acknowledgement), `admin` (keys, audit log). Roles are ordered: a higher one may do all a lower may.
 */
export type RouteAccess = 'public' | 'read' | Exclude<ApiRole, 'viewer'>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    caller: Caller;
    /** The caller's audit name: `config:<role>:<digest prefix>`, `key:<id>`, or `anonymous`. */
    callerActor: string;
  }
}

export interface AccessOptions {
  readonly keys: ApiKeyStore;
  /** Keys of serving.api_keys; undefined = configuration keys only. */
  readonly managedKeys?: ManagedApiKeys;
  /** Called for a refused request to an operator or admin route (the audit log records it). */
  readonly onDenied?: (request: FastifyRequest, required: RouteAccess, code: string) => Promise<void>;
  /** True when reads need no key (`api.readAuth` resolved). */
  readonly openReads: boolean;
  /** Undefined = no rate limit. */
  readonly limiter: TokenBucketLimiter | undefined;
  readonly rateLimitPerMin: number;
  readonly now?: () => number;
}

/**
 * onRequest, in this order: 1. identify the caller from its key (a wrong key is 401 even on open
 * routes, so a typo is never silently anonymous), 2. rate-limit per key digest or else per IP
 * (public routes too, except static dashboard files), 3. check the role the route requires.
 */
export function installAccessControl(app: FastifyInstance, options: AccessOptions): void {
  app.decorateRequest('caller', 'anonymous');
  app.decorateRequest('callerActor', 'anonymous');
  const now = options.now ?? Date.now;
  app.addHook('onRequest', async (request, reply) => {
    const key = presentedKey(request.headers);
    if (key !== undefined) {
      const digest = sha256Hex(key);
      const identity =
        options.keys.identityOf(digest) ?? (await options.managedKeys?.identityOf(digest, now()));
      if (identity === undefined)
        return deny(request, reply, 'SHOP_API_UNAUTHORIZED', 'unknown, revoked or expired API key');
      request.caller = identity.role;
      request.callerActor = identity.actor;
    }
    const access = request.routeOptions.config.access ?? 'read';
    if (options.limiter !== undefined && !request.routeOptions.config.static) {
      const limited = applyRateLimit(request, reply, options, now(), key);
      if (limited) return reply;
    }
    if (access !== 'public' && access !== 'read' && !hasRole(request.caller, access)) {
      const code = request.caller === 'anonymous' ? 'SHOP_API_UNAUTHORIZED' : 'SHOP_API_FORBIDDEN';
      if (access !== 'analyst') await options.onDenied?.(request, access, code);
      return deny(request, reply, code, `this route requires the ${access} role (or higher)`);
    }
    if (access === 'read' && !options.openReads && request.caller === 'anonymous') {
      return deny(request, reply, 'SHOP_API_UNAUTHORIZED', 'an API key is required (x-api-key or Bearer)');
    }
    return undefined;
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Dashboard static files: not rate-limited (a page load fetches many assets). */
    static?: boolean;
  }
}

function applyRateLimit(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AccessOptions,
  nowMs: number,
  key: string | undefined,
): boolean {
  const clientId = key !== undefined && request.caller !== 'anonymous' ? `key:${key}` : `ip:${request.ip}`;
  const result = options.limiter!.take(clientId, nowMs);
  reply.header('x-ratelimit-limit', options.rateLimitPerMin);
  reply.header('x-ratelimit-remaining', result.remaining);
  if (result.allowed) return false;
  reply.header('retry-after', Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  sendApiError(
    request,
    reply,
    new ShopError('SHOP_API_RATE_LIMITED', `more than ${options.rateLimitPerMin} requests per minute`),
  );
  return true;
}

function deny(
  request: FastifyRequest,
  reply: FastifyReply,
  code: 'SHOP_API_UNAUTHORIZED' | 'SHOP_API_FORBIDDEN',
  message: string,
): FastifyReply {
  if (code === 'SHOP_API_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="shopstream"');
  return sendApiError(request, reply, new ShopError(code, message));
}
