import { authHeaders } from './api-client.js';
import type { Alert, StreamKpis } from './api-types.js';

/**
 * Reads the API's Server-Sent Events stream with fetch (EventSource cannot send the API key
 * header) and reconnects with backoff. `onState` reports connected / reconnecting.
 */
export interface StreamHandlers {
  onKpis(msg: StreamKpis): void;
  onAlert(alert: Alert): void;
  onState(connected: boolean): void;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8000;

export function openLiveStream(handlers: StreamHandlers): () => void {
  const abort = new AbortController();
  let retryMs = RETRY_MIN_MS;
  const loop = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch('/api/v1/stream', { headers: authHeaders(), signal: abort.signal });
        if (!res.ok || res.body === null) throw new Error(`stream HTTP ${res.status}`);
        handlers.onState(true);
        retryMs = RETRY_MIN_MS;
        await readEvents(res.body, (event, data) => dispatch(handlers, event, data));
      } catch {
        if (abort.signal.aborted) return;
      }
      handlers.onState(false);
      await new Promise((r) => setTimeout(r, retryMs));
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    }
  };
  void loop();
  return () => abort.abort();
}

function dispatch(handlers: StreamHandlers, event: string, data: string): void {
  if (event === 'kpis') handlers.onKpis(JSON.parse(data) as StreamKpis);
  else if (event === 'alert') handlers.onAlert((JSON.parse(data) as { alert: Alert }).alert);
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(event, data.join('\n'));
    }
  }
}
