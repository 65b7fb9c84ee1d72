import type { TObject, TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema.js';

const ENV_PREFIX = 'SHOPSTREAM_';
const toEnvName = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function typeOf(schema: TSchema): string {
  if (Array.isArray(schema.anyOf))
    return (schema.anyOf as TSchema[]).map((s) => JSON.stringify(s.const)).join(' \\| ');
  return String(schema.type);
}

function row(path: string, env: string, schema: TSchema): string {
  const def = JSON.stringify(schema.default);
  const desc = String(schema.description ?? '').replace(/\|/g, '\\|');
  return `| \`${path}\` | \`${env}\` | ${typeOf(schema)} | \`${def}\` | ${desc} |`;
}

/** `docs/configuration.md`, generated from the schema (`npm run docs:generate`; a test keeps it in sync). */
export function renderConfigDocs(): string {
  const lines = [
    '# Configuration',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs:generate`; do not edit by hand.',
    '',
    'Sources, lowest precedence first: defaults, the JSON file given with `--config`, `SHOPSTREAM_*`',
    'environment variables, command-line flags (`--data-dir`). Unknown keys are rejected; the result is',
    'frozen. `shopstream config print` shows the effective configuration.',
    '',
  ];
  const top: string[] = [];
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    if (schema.type !== 'object') {
      top.push(row(key, ENV_PREFIX + toEnvName(key), schema));
      continue;
    }
    lines.push(`## \`${key}\``, '', String(schema.description ?? ''), '');
    lines.push('| key | environment variable | type | default | description |', '|---|---|---|---|---|');
    for (const [field, child] of Object.entries((schema as TObject).properties)) {
      lines.push(row(`${key}.${field}`, ENV_PREFIX + toEnvName(key) + '_' + toEnvName(field), child));
    }
    lines.push('');
  }
  lines.splice(
    8,
    0,
    '## Top level',
    '',
    '| key | environment variable | type | default | description |',
    '|---|---|---|---|---|',
    ...top,
    '',
  );
  return lines.join('\n');
}
