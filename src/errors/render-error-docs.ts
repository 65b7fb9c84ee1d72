import { ERROR_REGISTRY } from './registry.js';

/** `docs/errors.md`, generated from the registry (`npm run docs:generate`; a test keeps it in sync). */
export function renderErrorDocs(): string {
  const lines = [
    '# Error codes',
    '',
    'Generated from `src/errors/registry.ts` by `npm run docs:generate`; do not edit by hand.',
    '',
    'Every infrastructure failure is a `ShopError` with a stable `code` (`SHOP_<AREA>_<WHAT>`), a',
    '`canRetry` flag (the same call may succeed later) and the original error as `cause`. Data problems',
    'are never errors: they are quarantine reason codes (see `contract.md`). Codes are never reused.',
    '',
    '| code | retryable | meaning |',
    '|---|---|---|',
  ];
  for (const [code, def] of Object.entries(ERROR_REGISTRY)) {
    lines.push(`| \`${code}\` | ${def.canRetry ? 'yes' : 'no'} | ${def.description.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}
