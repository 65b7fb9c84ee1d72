import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ShopError } from '../../errors/index.js';
import type { ProducerRecord } from '../../log/event-log.js';
import { shopTracer } from '../../observability/tracing.js';
import {
  failSpan,
  formatTraceparent,
  parseTraceparent,
  TRACEPARENT_HEADER,
} from '../../observability/trace-context.js';
import type { IngestPlan } from './ingest-records.js';

/** The trace of one collector request: `collector.ingest` and a child span per step. */
export interface RequestTrace {
  readonly span: Span;
  /** Runs one step of the request as a child span. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * The plan with this request's `traceparent` on every record, so the processor's batch spans
   * link back to it; the plan itself when the request is not traced.
   */
  carriedBy(plan: IngestPlan): IngestPlan;
  /** Ends the request's span with the reply's status (and the error's code); returns the reply. */
  answered(reply: FastifyReply, err?: ShopError): FastifyReply;
}

/**
 * Starts the span of a collector request, as a child of the caller's span when the request
 * carries a W3C `traceparent` header. With tracing off every method is a pass-through.
 */
export function requestTrace(request: FastifyRequest): RequestTrace {
  const tracer = shopTracer();
  const header = request.headers[TRACEPARENT_HEADER];
  const remote = parseTraceparent(typeof header === 'string' ? header : undefined);
  const parent = remote === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote);
  const span = tracer.startSpan(
    'collector.ingest',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'http.route': request.routeOptions.url ?? request.url,
        'http.request.body.size': Number(request.headers['content-length'] ?? 0),
      },
    },
    parent,
  );
  if (!span.isRecording()) return untraced(span);
  const ctx: Context = trace.setSpan(ROOT_CONTEXT, span);
  const traceparent = formatTraceparent(span.spanContext());
  return {
    span,
    async step(name, fn) {
      const child = tracer.startSpan(name, undefined, ctx);
      try {
        return await fn();
      } catch (err) {
        failSpan(child, err);
        throw err;
      } finally {
        child.end();
      }
    },
    carriedBy(plan) {
      const withHeader = (r: ProducerRecord): ProducerRecord => ({
        ...r,
        headers: { ...r.headers, [TRACEPARENT_HEADER]: traceparent },
      });
      return {
        ...plan,
        byTopic: new Map([...plan.byTopic].map(([topic, records]) => [topic, records.map(withHeader)])),
      };
    },
    answered(reply, err) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (err !== undefined) {
        span.setAttribute('error.type', err.code);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: err.code });
      }
      span.end();
      return reply;
    },
  };
}

function untraced(span: Span): RequestTrace {
  return {
    span,
    step: (_name, fn) => fn(),
    carriedBy: (plan) => plan,
    answered: (reply) => reply,
  };
}
