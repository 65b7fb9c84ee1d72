import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ShopError } from '../../errors/index.js';

/** libpq's sslmode values shopstream supports (`prefer`/`allow` would silently fall back to plaintext). */
export type PgSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface PgSslSettings {
  /** '' = the URL decides (`?sslmode=`, parsed by the pg driver), else plaintext. */
  readonly sslMode: PgSslMode | '';
  readonly sslCaFile: string;
  readonly sslCertFile: string;
  readonly sslKeyFile: string;
}

/**
 * The pg driver's `ssl` option for the settings, with libpq's meaning of each mode:
 * - `require`: encrypted, the certificate is not checked (with a CA file: as verify-ca, like libpq);
 * - `verify-ca`: the chain must lead to sslCaFile; the host name is not checked;
 * - `verify-full`: chain (sslCaFile, else the system CAs) and host name.
 * undefined = leave it to the URL. Files are read here; SHOP_CONFIG_INVALID when one cannot be
 * read, a mode needs a CA it lacks, or the URL sets ssl parameters of its own.
 */
export function pgSslOptions(url: string, s: PgSslSettings): ConnectionOptions | false | undefined {
  const files = [s.sslCaFile, s.sslCertFile, s.sslKeyFile];
  if (s.sslMode === '') {
    if (files.some((f) => f !== '')) invalid('store.sslCaFile/sslCertFile/sslKeyFile need store.sslMode');
    return undefined;
  }
  if (/[?&]ssl/i.test(url)) invalid('store.sslMode is set: remove the ssl parameters from store.url');
  if (s.sslMode === 'disable') return false;
  if ((s.sslCertFile === '') !== (s.sslKeyFile === ''))
    invalid('store.sslCertFile and store.sslKeyFile go together');
  if (s.sslMode === 'verify-ca' && s.sslCaFile === '')
    invalid('store.sslMode=verify-ca needs store.sslCaFile');
  const ca = read('store.sslCaFile', s.sslCaFile);
  const cert = read('store.sslCertFile', s.sslCertFile);
  const key = read('store.sslKeyFile', s.sslKeyFile);
  const client = { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
  if (s.sslMode === 'require' && ca === undefined) return { rejectUnauthorized: false, ...client };
  const chainOnly = s.sslMode !== 'verify-full';
  return {
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    ...(chainOnly ? { checkServerIdentity: () => undefined } : {}),
    ...client,
  };
}

function read(field: string, path: string): string | undefined {
  if (path === '') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ShopError('SHOP_CONFIG_INVALID', `${field}: cannot read ${path}`, {
      cause: err,
      details: { field, path },
    });
  }
}

function invalid(message: string): never {
  throw new ShopError('SHOP_CONFIG_INVALID', message);
}
