import { ERROR_REGISTRY, type ErrorCode } from './registry.js';

/**
 * The one exception type of shopstream. Exceptions are for infrastructure (disk, broker, database,
 * misconfiguration); data problems are values (see contract/ reason codes), never exceptions.
 * `canRetry` tells the caller whether the same call may succeed later (a broker restarting) or never
 * will (a bad configuration value).
 */
export class ShopError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(`${code}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShopError';
    this.code = code;
    this.canRetry = ERROR_REGISTRY[code].canRetry;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export function isShopError(err: unknown, code?: ErrorCode): err is ShopError {
  return err instanceof ShopError && (code === undefined || err.code === code);
}
