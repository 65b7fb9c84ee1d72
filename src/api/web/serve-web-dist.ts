import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ShopError } from '../../errors/index.js';
import { sendApiError } from '../api-error-handler.js';

/**
 * Serves the built dashboard (`web/dist`) at `/`: files by path (no directory listing, no path
 * escaping the folder), `/assets/*` cached as immutable (Vite fingerprints them), and any other
 * GET that is not an API path answered with `index.html` so the single-page app owns it.
 * When the folder has no index.html the page says how to build it.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
const API_PREFIXES = ['/api/', '/kpis', '/alerts', '/health', '/deps', '/docs'];

export function registerWebDist(app: FastifyInstance, webDir: string): void {
  const root = resolve(webDir);
  app.get(
    '/*',
    { schema: { hide: true }, config: { access: 'public', static: true } },
    async (request, reply) => {
      const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (API_PREFIXES.some((p) => path.startsWith(p))) {
        return sendApiError(request, reply, new ShopError('SHOP_API_NOT_FOUND', `no route GET ${path}`));
      }
      const file = await existingFile(root, path);
      if (file !== undefined) {
        const immutable = path.startsWith('/assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(await readFile(file));
      }
      const index = await existingFile(root, '/index.html');
      if (index === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply
        .header('cache-control', 'no-cache')
        .type(TYPES['.html']!)
        .send(await readFile(index));
    },
  );
}

async function existingFile(root: string, urlPath: string): Promise<string | undefined> {
  const candidate = normalize(join(root, urlPath));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>shopstream</title><body style="font-family:sans-serif;background:#0b0f17;color:#e6ebf5">' +
  '<h1>Dashboard not built</h1><p>Run <code>npm run build -w web</code>, then reload. The API is at <a href="/docs" style="color:#60a5fa">/docs</a>.</p>';
