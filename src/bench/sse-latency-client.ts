import { request, type ClientRequest } from 'node:http';
import { SampleList } from './latency-percentiles.js';

/**
 * A Server-Sent Events client of `GET /api/v1/stream` over loopback HTTP. For every `kpis` update
 * it records (arrival time - newest ingest reference included in it); the update's `committedAt`
 * says which commits it reflects, `newestIngestBy` maps that to their newest event.
 */
export class SseLatencyClient {
  readonly lagsMs = new SampleList();
  updates = 0;
  private req: ClientRequest | undefined;
  private buffer = '';

  constructor(private readonly newestIngestBy: (committedAtMs: number) => number | undefined) {}

  /** Resolves once the stream's `hello` event arrived (the server has registered the client). */
  connect(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/v1/stream', headers: { accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`live stream answered HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => this.onChunk(chunk, resolve));
          res.on('error', () => undefined);
        },
      );
      req.on('error', reject);
      req.end();
      this.req = req;
    });
  }

  close(): void {
    this.req?.destroy();
  }

  private onChunk(chunk: string, onHello: () => void): void {
    const arrivedMs = Date.now();
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'hello') onHello();
      if (event === 'kpis' && data !== undefined) this.onKpis(data, arrivedMs);
    }
  }

  private onKpis(data: string, arrivedMs: number): void {
    const payload = JSON.parse(data) as { committedAt?: string };
    this.updates += 1;
    const newest = this.newestIngestBy(Date.parse(payload.committedAt ?? ''));
    if (newest !== undefined) this.lagsMs.push(arrivedMs - newest);
  }
}
