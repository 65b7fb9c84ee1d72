export { ERROR_REGISTRY, type ErrorCode, type ErrorDefinition } from './registry.js';
export { ShopError, isShopError } from './shop-error.js';
