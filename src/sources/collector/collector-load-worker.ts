import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * Loopback load generator of measure-collector-throughput (runs in a child process so the
 * collector's event loop and core are not shared): `connections` keep-alive clients each POST one batch at
 * a time until `durationMs` ran out; reports accepted events and every request latency.
 */
export interface LoadWorkerInput {
  readonly port: number;
  readonly durationMs: number;
  readonly batchSize: number;
  readonly connections: number;
  readonly format: 'ndjson' | 'segment';
}

export interface LoadWorkerResult {
  readonly acceptedEvents: number;
  readonly requests: number;
  readonly failedRequests: number;
  readonly latenciesMs: number[];
  readonly elapsedMs: number;
}

const BODY_VARIANTS = 32;

function nativeEvent(i: number, nowIso: string): Record<string, unknown> {
  const user = `u${i % 5000}`;
  const purchase = i % 20 === 0;
  return {
    event_id: randomUUID(),
    event_version: 1,
    event_type: purchase ? 'purchase' : 'click',
    event_time: nowIso,
    ingest_time: nowIso,
    user_id: user,
    session_id: `${user}-s`,
    product_id: purchase ? null : `p${i % 2000}`,
    quantity: purchase ? 1 : null,
    price: purchase ? 42.5 : null,
    currency: purchase ? 'EUR' : null,
    order_id: purchase ? `o${i}` : null,
    source: 'bench',
    channel: 'web',
  };
}

function segmentMessage(i: number, nowIso: string): Record<string, unknown> {
  return {
    type: 'track',
    event: 'Product Clicked',
    messageId: randomUUID(),
    anonymousId: `a${i % 5000}`,
    timestamp: nowIso,
    properties: { product_id: `p${i % 2000}`, category: 'shoes' },
  };
}

function bodies(input: LoadWorkerInput): Buffer[] {
  const nowIso = new Date().toISOString();
  return Array.from({ length: BODY_VARIANTS }, (_, v) => {
    const ids = Array.from({ length: input.batchSize }, (_, j) => v * input.batchSize + j);
    if (input.format === 'ndjson')
      return Buffer.from(ids.map((i) => JSON.stringify(nativeEvent(i, nowIso))).join('\n') + '\n');
    return Buffer.from(JSON.stringify({ batch: ids.map((i) => segmentMessage(i, nowIso)), sentAt: nowIso }));
  });
}

function post(agent: Agent, input: LoadWorkerInput, body: Buffer): Promise<number> {
  const path = input.format === 'ndjson' ? '/v1/events' : '/v1/batch';
  const contentType = input.format === 'ndjson' ? 'application/x-ndjson' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: input.port,
        method: 'POST',
        path,
        agent,
        headers: { 'content-type': contentType, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function run(input: LoadWorkerInput): Promise<LoadWorkerResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: input.connections });
  const payloads = bodies(input);
  const latenciesMs: number[] = [];
  let accepted = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + input.durationMs;
  const client = async (c: number): Promise<void> => {
    for (let n = c; performance.now() < deadline; n += input.connections) {
      const t0 = performance.now();
      const status = await post(agent, input, payloads[n % BODY_VARIANTS]!).catch(() => 0);
      latenciesMs.push(performance.now() - t0);
      if (status === 200) accepted += input.batchSize;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: input.connections }, (_, c) => client(c)));
  agent.destroy();
  return {
    acceptedEvents: accepted,
    requests: latenciesMs.length,
    failedRequests: failed,
    latenciesMs,
    elapsedMs: performance.now() - started,
  };
}

process.once('message', (input: LoadWorkerInput) => {
  void run(input).then((result) => process.send?.(result, () => process.exit(0)));
});
