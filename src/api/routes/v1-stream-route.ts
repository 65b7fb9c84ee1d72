import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { withErrors } from '../schemas/common-schemas.js';
import type { KpiBroadcaster, StreamEvent } from '../live/kpi-broadcaster.js';

/**
 * `GET /api/v1/stream`: Server-Sent Events. On connect a `hello` event; then `kpis` after every
 * commit (`{committedAt, windows:[{ts, metrics}]}`, the touched windows as `/api/v1/kpis` would
 * return them at minute grain) and `alert` when an alert is raised or changes (`{alert}`, the
 * `/alerts` shape). A comment line every heartbeat keeps proxies from closing the connection.
 */
export function registerV1StreamRoute(
  app: FastifyInstance,
  broadcaster: KpiBroadcaster,
  heartbeatMs: number,
): void {
  app.get(
    '/api/v1/stream',
    {
      schema: {
        tags: ['v1'],
        summary: 'Live KPI updates and alerts as Server-Sent Events (text/event-stream)',
        produces: ['text/event-stream'],
        response: withErrors(
          Type.String({ description: 'event-stream: events `hello`, `kpis`, `alert`' }),
          [401, 429],
        ),
      },
    },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const write = (e: StreamEvent) => raw.write(`event: ${e.event}\ndata: ${e.data}\n\n`);
      raw.write(
        `retry: 1000\nevent: hello\ndata: ${JSON.stringify({ serverTime: new Date().toISOString() })}\n\n`,
      );
      const remove = broadcaster.addClient(write);
      const heartbeat = setInterval(() => raw.write(`: heartbeat\n\n`), heartbeatMs);
      const end = () => {
        clearInterval(heartbeat);
        remove();
      };
      request.raw.on('close', end);
      raw.on('error', end);
    },
  );
}
